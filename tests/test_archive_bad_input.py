"""Bad project archives and directories, kind by kind: each is refused with one line naming the member
and the problem, at deploy (library and CLI, nothing changed in the catalog) and again by a worker
that is handed it anyway (the execution fails, the worker lives on)."""
from __future__ import annotations

import io
import os
import random
import shutil
import stat
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable

import pytest

from helpers import run_scaleout, snapshot
from scaleout_catalog.project import ArchiveError, ManifestError, check_archive, extract_archive, pack_directory
from scaleout_catalog.project.archive import MAX_MEMBER_BYTES, MAX_MEMBERS, checksum
from scaleout_catalog.project.deploy import load
from scaleout_catalog.worker.state import WorkerState
from workers import FOLDER, PROJECT, PROJECT_DIR, deploy_test_project, run_execution, wait_terminal

MANIFEST = b"name = 'evil'\nversion = '1'\n[packages.a]\nentry_point = 'm:run'\n"
MODULE = b"def run(context):\n    pass\n"
SUCCEEDED, FAILED = 7, 4


# -- building archives byte by byte, so that any field can be wrong ------------------------------


def member(name: str | bytes, data: bytes = b"x", *, method: int = zipfile.ZIP_DEFLATED, flags: int = 0,
           crc: int | None = None, size: int | None = None, mode: int = stat.S_IFREG | 0o644,
           local_name: bytes | None = None, damage_at: int | None = None) -> dict[str, Any]:
    """One member as raw_zip writes it; str names are UTF-8 (flagged 0x800 when not ASCII)."""
    if isinstance(name, str):
        raw = name.encode("utf-8")
        flags |= 0x800 if not name.isascii() else 0
    else:
        raw = name
    return dict(name=raw, data=data, method=method, flags=flags, crc=crc, size=size, mode=mode,
                local_name=local_name, damage_at=damage_at)


def raw_zip(members: list[dict[str, Any]]) -> bytes:
    """A zip file from members exactly as given: names, flags, methods, CRCs, sizes and modes unchecked."""
    body, central = bytearray(), bytearray()
    for m in members:
        if m["method"] == zipfile.ZIP_DEFLATED:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = packer.compress(m["data"]) + packer.flush()
        else:
            packed = m["data"]
        if m["damage_at"] is not None:
            packed = bytearray(packed)
            packed[m["damage_at"]] ^= 0xFF
            packed = bytes(packed)
        crc = zlib.crc32(m["data"]) if m["crc"] is None else m["crc"]
        size = len(m["data"]) if m["size"] is None else m["size"]
        local_name = m["name"] if m["local_name"] is None else m["local_name"]
        offset = len(body)
        body += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, m["flags"], m["method"], 0, 0x21, crc, len(packed),
                            size, len(local_name), 0) + local_name + packed
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 0x0314, 20, m["flags"], m["method"], 0, 0x21, crc,
                               len(packed), size, len(m["name"]), 0, 0, 0, 0, m["mode"] << 16, offset) + m["name"]
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(body), 0)
    return bytes(body + central + end)


def project(*extra: dict[str, Any], manifest: bytes | None = MANIFEST, module: bytes | None = MODULE) -> bytes:
    """A one-package project archive (scaleout.toml, m.py) plus the extra members."""
    members = ([member("scaleout.toml", manifest)] if manifest is not None else []) + \
              ([member("m.py", module)] if module is not None else [])
    return raw_zip(members + list(extra))


def with_zipfile(method: int) -> bytes:
    """A project whose module is compressed by zipfile itself with `method` (bzip2, lzma)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("scaleout.toml", MANIFEST)
        archive.writestr("m.py", MODULE, compress_type=method)
    return buffer.getvalue()


def too_many_members() -> bytes:
    return project(*(member(f"d/{i}.txt", b"", method=zipfile.ZIP_STORED) for i in range(MAX_MEMBERS)))


# (id, archive, error type, what the one-line message says)
BAD_ARCHIVES: list[tuple[str, Callable[[], bytes], type, str]] = [
    # not a (whole) zip
    ("empty file", lambda: b"", ArchiveError, "the archive is empty"),
    ("not a zip", lambda: b"name = 'evil'\n" * 20, ArchiveError, "not a readable zip archive"),
    ("zip magic then garbage", lambda: b"PK\x03\x04" + bytes(range(256)) * 4, ArchiveError,
     "not a readable zip archive"),
    ("truncated to half", lambda: project()[:len(project()) // 2], ArchiveError, "not a readable zip archive"),
    ("end record cut", lambda: project()[:-5], ArchiveError, "not a readable zip archive"),
    ("only the central directory", lambda: project()[project().index(b"PK\x01\x02"):], ArchiveError,
     "scaleout.toml: cannot be read"),
    # damaged members: found only by reading every member, as deploy now does
    ("bad crc", lambda: project(member("data.txt", b"hello", crc=12345)), ArchiveError,
     "data.txt: cannot be read (Bad CRC-32"),
    ("damaged stored data", lambda: project(member("data.txt", b"hello world", method=0, damage_at=3)),
     ArchiveError, "data.txt: cannot be read (Bad CRC-32"),
    ("damaged deflate stream", lambda: project(member("data.txt", b"hello world" * 50, damage_at=0)),
     ArchiveError, "data.txt: cannot be read"),
    ("size in header too small", lambda: project(member("data.txt", b"hello world" * 50, size=10)),
     ArchiveError, "data.txt: cannot be read (Bad CRC-32"),
    ("local name differs", lambda: project(member("data.txt", local_name=b"evil.py!")), ArchiveError,
     "data.txt: cannot be read (File name in directory"),
    # what the worker cannot or must not decode
    ("encrypted", lambda: project(member("data.txt", flags=0x1)), ArchiveError, "data.txt: is encrypted"),
    ("strong encryption", lambda: project(member("data.txt", flags=0x41)), ArchiveError, "data.txt: is encrypted"),
    ("winzip aes", lambda: project(member("data.txt", method=99)), ArchiveError, "data.txt: is encrypted"),
    ("bzip2", lambda: with_zipfile(zipfile.ZIP_BZIP2), ArchiveError, "m.py: is compressed with bzip2 (method 12)"),
    ("lzma", lambda: with_zipfile(zipfile.ZIP_LZMA), ArchiveError, "m.py: is compressed with lzma (method 14)"),
    ("zstandard", lambda: project(member("data.txt", method=93)), ArchiveError, "compressed with zstandard"),
    ("unknown method", lambda: project(member("data.txt", method=77)), ArchiveError,
     "compressed with an unknown method (method 77)"),
    # bounds, from the headers and while reading
    ("member over the limit", lambda: project(member("bomb.bin", b"\0" * 1024, size=MAX_MEMBER_BYTES + 1)),
     ArchiveError, f"bomb.bin: {MAX_MEMBER_BYTES + 1} bytes is over the {MAX_MEMBER_BYTES}-byte limit"),
    ("total over the limit", lambda: project(*(member(f"bomb{i}.bin", b"\0" * 1024, size=60 * 2 ** 20)
                                               for i in range(5))), ArchiveError, "unpacks to more than"),
    ("too many members", too_many_members, ArchiveError, f"more than {MAX_MEMBERS} members"),
    # names that do not extract, or not to where they say
    ("300-character component", lambda: project(member("pkg/" + "a" * 300 + ".py")), ArchiveError,
     "a file or folder name of 303 bytes"),
    ("path over 1024 bytes", lambda: project(member("/".join(["d" * 200] * 6) + "/x.py")), ArchiveError,
     "dddd/x.py: a path of 1210 bytes; the limit is 1024"),
    ("NUL in name", lambda: project(member(b"m2.py\0../../evil")), ArchiveError,
     r"m2.py\x00../../evil: the name contains a NUL character"),
    ("newline in name", lambda: project(member("bad\nname.py")), ArchiveError,
     r"bad\nname.py: the name contains a control character (U+000A)"),
    ("escape in name", lambda: project(member("bad\x1b[31mname.py")), ArchiveError, "control character (U+001B)"),
    ("DEL in name", lambda: project(member("bad\x7fname.py")), ArchiveError, "control character (U+007F)"),
    ("backslash", lambda: project(member("pkg\\m.py")), ArchiveError, "contains a backslash"),
    ("absolute", lambda: project(member("/etc/cron.d/evil")), ArchiveError, "an absolute path"),
    ("drive letter", lambda: project(member("C:/evil.py")), ArchiveError, "an absolute path"),
    ("drive-relative", lambda: project(member("c:evil.py")), ArchiveError, "an absolute path"),
    ("dotdot", lambda: project(member("../escape.py")), ArchiveError, "contains '..'"),
    ("nested dotdot", lambda: project(member("pkg/../../escape.py")), ArchiveError, "contains '..'"),
    ("dot component", lambda: project(member("pkg/./m.py")), ArchiveError, "has an empty or '.' folder name"),
    ("empty component", lambda: project(member("pkg//m.py")), ArchiveError, "has an empty or '.' folder name"),
    ("empty name", lambda: project(member(b"")), ArchiveError, "an empty member name"),
    # kinds of member
    ("symlink", lambda: project(member("data", b"/etc/passwd", mode=stat.S_IFLNK | 0o777)), ArchiveError,
     "data: is a link"),
    ("character device", lambda: project(member("tty", b"", mode=stat.S_IFCHR | 0o666)), ArchiveError,
     "tty: is not a regular file"),
    ("fifo", lambda: project(member("pipe", b"", mode=stat.S_IFIFO | 0o666)), ArchiveError,
     "pipe: is not a regular file"),
    ("socket", lambda: project(member("sock", b"", mode=stat.S_IFSOCK | 0o666)), ArchiveError,
     "sock: is not a regular file"),
    # members that one file system would merge
    ("file then folder", lambda: project(member("a"), member("a/b.py")), ArchiveError,
     "a: is both a file and a folder (a/b.py)"),
    ("folder then file", lambda: project(member("a/b.py"), member("a")), ArchiveError,
     "a: is both a file and a folder (a)"),
    ("folder entry over a file", lambda: project(member("m.py/", b"", mode=stat.S_IFDIR | 0o755)), ArchiveError,
     "m.py: is both a file and a folder (m.py/)"),
    ("duplicate name", lambda: project(member("m.py", b"def run(context):\n    import os\n")), ArchiveError,
     "m.py: appears twice in the archive"),
    ("duplicate by case", lambda: project(member("M.py")), ArchiveError, "M.py: differs from m.py only in case"),
    ("duplicate by unicode form", lambda: project(member("caf\u00e9.txt"), member("cafe\u0301.txt")),
     ArchiveError, "only in case or Unicode form"),
    ("folders by case", lambda: project(member("Pkg/a.py"), member("pkg/b.py")), ArchiveError,
     "pkg: differs from Pkg only in case"),
    # names that are not UTF-8
    ("non-utf8 name, utf8 flag", lambda: project(member(b"\xff\xfe.py", flags=0x800)), ArchiveError,
     r"\xff\xfe.py: the member name is not valid UTF-8"),
    ("non-utf8 name, code page", lambda: project(member(b"caf\x82.py")), ArchiveError,
     r"caf\x82.py: the member name is not valid UTF-8"),
    ("overlong utf8 slash", lambda: project(member(b"pkg\xc0\xafescape.py", flags=0x800)), ArchiveError,
     "not valid UTF-8"),
    # the manifest and entry modules, read from the archive
    ("manifest missing", lambda: project(manifest=None), ManifestError, "scaleout.toml: not found"),
    ("manifest not utf8", lambda: project(manifest=b"name = 'caf\xe9'\n"), ManifestError,
     "not UTF-8 text (byte 0xe9 at offset 11)"),
    ("manifest invalid toml", lambda: project(manifest=b"name = 'evil'\nversion = \n"), ManifestError,
     "not valid TOML: Invalid value (at line 2, column 11)"),
    ("manifest with NUL", lambda: project(manifest=MANIFEST + b"\0"), ManifestError, "not valid TOML"),
    ("manifest is a folder", lambda: project(member("scaleout.toml/", b"", mode=stat.S_IFDIR | 0o755),
                                             manifest=None), ManifestError, "scaleout.toml: not found"),
    ("entry module missing", lambda: project(module=None), ManifestError, "module 'm' not found"),
    ("entry point malformed", lambda: project(manifest=MANIFEST.replace(b"m:run", b"m.run")), ManifestError,
     "'m.run' is not of the form module:function"),
    ("entry point with newline", lambda: project(manifest=MANIFEST.replace(b"'m:run'", b'"m:run\\n"')),
     ManifestError, "is not of the form module:function"),
    ("project name with newline", lambda: project(manifest=MANIFEST.replace(b"'evil'", b'"evil\\n"')),
     ManifestError, "is not a valid project name"),
    ("entry module syntax error", lambda: project(module=b"def run(context)\n"), ManifestError,
     "module 'm' cannot be parsed: expected ':'"),
    ("entry module with NUL", lambda: project(module=MODULE + b"\0"), ManifestError,
     "cannot be parsed: source code string cannot contain null bytes"),
    ("entry module not utf8", lambda: project(module=b"x = 'caf\xe9'\n" + MODULE), ManifestError,
     "module 'm' cannot be parsed: (unicode error) 'utf-8' codec can't decode byte 0xe9"),
    ("entry module nested too deeply", lambda: project(module=b"x = " + b"-" * 200_000 + b"1\n" + MODULE),
     ManifestError, "cannot be parsed"),
    ("entry function missing", lambda: project(module=b"def other(context):\n    pass\n"), ManifestError,
     "module 'm' defines no function 'run'"),
]
_IDS = [case[0] for case in BAD_ARCHIVES]


def _case(kind: str) -> tuple[str, Callable[[], bytes], type, str]:
    return BAD_ARCHIVES[_IDS.index(kind)]


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert text and "\n" not in text and text == text.strip(), repr(text)
    return text


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_the_builder_makes_valid_archives(tmp_path):
    """The catalogue's archives differ from this one only by what each case breaks."""
    path = tmp_path / "good.zip"
    path.write_bytes(project(member("pkg/data.txt", b"hello", method=zipfile.ZIP_STORED),
                             member("pkg/", b"", mode=stat.S_IFDIR | 0o755)))
    manifest, stream = load(path)
    assert manifest["packages"][0]["entry_point"] == "m:run"
    out = extract_archive(stream, tmp_path / "out")
    assert (out / "pkg" / "data.txt").read_bytes() == b"hello" and (out / "m.py").read_bytes() == MODULE


@pytest.mark.parametrize("kind, build, error, problem", BAD_ARCHIVES, ids=_IDS)
def test_a_bad_archive_is_refused_at_deploy_and_by_the_worker_check(tmp_path, kind, build, error, problem):
    path = tmp_path / "bad.zip"
    path.write_bytes(build())
    with pytest.raises(error) as refused:
        load(path)
    assert type(refused.value) is error
    message = one_line(refused.value)
    assert message.startswith(str(path)) and problem in message, message
    if error is ArchiveError:
        # The worker runs the same check before extracting: the same member and problem, nothing left behind.
        with pytest.raises(ArchiveError) as at_worker:
            extract_archive(path.read_bytes(), tmp_path / "cache" / "x")
        assert problem in one_line(at_worker.value)
        assert leftovers(tmp_path / "cache") == []
        assert not (tmp_path / "escape.py").exists() and not (tmp_path.parent / "escape.py").exists()


ACCEPTED = [
    ("utf8 name without the flag", lambda: project(member("caf\u00e9.txt".encode(), b"ok")), "caf\u00e9.txt"),
    ("manifest with a byte-order mark", lambda: project(member("data.txt", b"ok"), manifest=b"\xef\xbb\xbf" + MANIFEST),
     "data.txt"),
    ("entry module in latin-1 with its coding line",
     lambda: project(member("data.txt", b"ok"), module=b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + MODULE), "data.txt"),
    ("member with no file type", lambda: project(member("data.txt", b"ok", mode=0)), "data.txt"),
]


@pytest.mark.parametrize("build, name", [(b, n) for _, b, n in ACCEPTED], ids=[k for k, _, _ in ACCEPTED])
def test_what_is_not_wrong_is_accepted(tmp_path, build, name):
    path = tmp_path / "good.zip"
    path.write_bytes(build())
    load(path)
    assert (extract_archive(path.read_bytes(), tmp_path / "out") / name).read_bytes() == b"ok"


def test_random_damage_gives_an_archive_error_or_a_sound_archive(tmp_path):
    """Flipped bytes and cuts anywhere in a real archive: never another exception, never a partial tree."""
    stream = pack_directory(PROJECT_DIR)
    rng = random.Random(20240610)
    mutants = [stream[:cut] for cut in range(0, len(stream), 37)]
    for _ in range(400):
        damaged = bytearray(stream)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        mutants.append(bytes(damaged))
    refused = 0
    for i, mutant in enumerate(mutants):
        dest = tmp_path / "cache" / str(i)
        try:
            check_archive(mutant)
            extract_archive(mutant, dest)
        except ArchiveError as exc:
            one_line(exc)
            refused += 1
            assert not dest.exists()
        else:   # the damage fell where zip readers do not look (e.g. a timestamp): the files are whole
            assert (dest / "packages" / "basic.py").read_bytes() == (PROJECT_DIR / "packages" / "basic.py").read_bytes()
    assert refused > len(mutants) // 2
    assert [n for n in leftovers(tmp_path / "cache") if n.startswith(".")] == []


# -- scaleout deploy: one line on stderr, exit 1, nothing changed ---------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _non_utf8_name(root: Path) -> None:
    with open(os.path.join(os.fsencode(root / "packages"), b"caf\xff.py"), "wb") as f:
        f.write(b"x = 1\n")


def _long_path(root: Path) -> None:
    folder = root.joinpath(*["d" * 250] * 5)
    folder.mkdir(parents=True)
    (folder / "x.txt").write_text("x")


def _sparse_file(root: Path) -> None:
    with open(root / "big.bin", "wb") as f:
        f.truncate(MAX_MEMBER_BYTES + 1)


def _case_twins(root: Path) -> None:
    (root / "Data.csv").write_text("a")
    (root / "data.csv").write_text("b")


BAD_DIRECTORIES: list[tuple[str, Callable[[Path], Any], str]] = [
    ("non-utf8 file name", _non_utf8_name, r"packages/caf\xff.py: the name is not valid UTF-8"),
    ("link pointing outside", lambda root: (root / "passwords").symlink_to("/etc/passwd"), "passwords: is a link"),
    ("linked folder", lambda root: (root / "lib").symlink_to("/usr/lib"), "lib: is a link"),
    ("path over 1024 bytes", _long_path, "dddd/x.txt: a path of 1260 bytes; the limit is 1024"),
    ("newline in file name", lambda root: (root / "bad\nname.py").write_text(""), r"bad\nname.py: the name contains"),
    ("backslash in file name", lambda root: (root / "pkg\\m.py").write_text(""), "contains a backslash"),
    ("names differing in case", _case_twins, "data.csv: differs from Data.csv only in case"),
    ("fifo", lambda root: os.mkfifo(root / "pipe"), "pipe: is not a regular file"),
    ("file over the limit", _sparse_file,
     f"big.bin: over the {MAX_MEMBER_BYTES}-byte limit per file"),
    ("manifest not utf8", lambda root: (root / "scaleout.toml").write_bytes(b"name = 'caf\xe9'\n"), "not UTF-8 text"),
    ("entry module with NUL", lambda root: (root / "packages" / "basic.py").write_bytes(b"def noop(c): pass\n\0"),
     "cannot be parsed: source code string cannot contain null bytes"),
]


@pytest.mark.parametrize("make, problem", [(m, p) for _, m, p in BAD_DIRECTORIES],
                         ids=[k for k, _, _ in BAD_DIRECTORIES])
def test_scaleout_deploy_of_a_bad_directory_prints_one_line(pg_url, pg_catalog, tmp_path, make, problem):
    root = _copy(tmp_path)
    make(root)
    before = snapshot(pg_catalog)
    result = run_scaleout("deploy", str(root), "--folder", FOLDER, "--create-folder", "--url", pg_url)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {root}") and problem in lines[0], result.stderr
    assert snapshot(pg_catalog) == before


CLI_ARCHIVES = ["bad crc", "encrypted", "zstandard", "NUL in name", "non-utf8 name, utf8 flag", "too many members",
                "manifest not utf8", "entry module with NUL"]


@pytest.mark.parametrize("kind", CLI_ARCHIVES)
def test_scaleout_deploy_of_a_bad_archive_prints_one_line(pg_url, pg_catalog, tmp_path, kind):
    _, build, _, problem = _case(kind)
    path = tmp_path / "bad.zip"
    path.write_bytes(build())
    before = snapshot(pg_catalog)
    result = run_scaleout("deploy", str(path), "--folder", FOLDER, "--create-folder", "--url", pg_url)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}") and problem in lines[0], result.stderr
    assert snapshot(pg_catalog) == before


# -- the worker, handed a bad archive that reached the catalog around scaleout deploy -------------

WORKER_CASES = ["bad crc", "file then folder", "300-character component", "encrypted", "zstandard",
                "non-utf8 name, utf8 flag", "symlink"]


@pytest.mark.parametrize("kind", WORKER_CASES)
def test_a_worker_handed_a_bad_archive_fails_the_execution_and_runs_the_next(pg_catalog, pg_workers, kind):
    _, build, _, problem = _case(kind)
    pg_catalog.create_folder(FOLDER)
    manifest = {"name": PROJECT, "version": "1", "packages": [{"name": "noop", "entry_point": "m:run"}]}
    pg_catalog.deploy_project(FOLDER, PROJECT, build(), manifest)   # deploy_project stores the bytes unchecked
    worker = pg_workers.start_enabled("w1")
    bad = run_execution(pg_catalog, "noop")
    assert wait_terminal(pg_catalog, [bad], 60)[bad].status == FAILED
    errors = [m.message for m in pg_catalog.operation_messages(bad) if m.message_type == 120]
    assert len(errors) == 1 and errors[0].startswith("The project archive was refused: ") and problem in errors[0]
    assert "\n" not in errors[0]
    projects = worker.state_dir / "projects"
    assert leftovers(projects) == []   # nothing extracted, no staging left behind

    deploy_test_project(pg_catalog)    # a good version of the same project, for the same worker
    good = run_execution(pg_catalog, "noop")
    assert wait_terminal(pg_catalog, [good], 60)[good].status == SUCCEEDED
    assert worker.alive(), worker.output()
    assert "Traceback" not in worker.output()


def test_a_damaged_cache_is_extracted_again_by_the_worker(pg_catalog, pg_workers):
    deploy_test_project(pg_catalog)
    worker = pg_workers.start_enabled("w1")
    first = run_execution(pg_catalog, "noop")
    assert wait_terminal(pg_catalog, [first], 60)[first].status == SUCCEEDED
    [entry] = (worker.state_dir / "projects").iterdir()
    module = entry / "project" / "packages" / "basic.py"
    original = module.read_bytes()
    module.write_bytes(b"raise SystemExit('damaged')\n")
    second = run_execution(pg_catalog, "noop")
    assert wait_terminal(pg_catalog, [second], 60)[second].status == SUCCEEDED
    assert module.read_bytes() == original


# -- the worker's cache of extractions ------------------------------------------------------------


@pytest.fixture
def state(tmp_path):
    state = WorkerState(tmp_path / "state")
    yield state
    state.close()


def test_an_extraction_is_cached_and_a_damaged_one_is_not_used(tmp_path, state):
    stream = pack_directory(PROJECT_DIR)
    digest = checksum(stream)
    assert state.cached_project(digest) is None
    extracted = state.extract_project(stream, digest)
    assert state.cached_project(digest) == extracted
    module = extracted / "packages" / "basic.py"
    (extracted / "packages" / "__pycache__").mkdir()        # written by imports: not the archive's, ignored
    assert state.cached_project(digest) == extracted

    module.write_bytes(module.read_bytes() + b"\n")       # changed: not used, removed
    assert state.cached_project(digest) is None and not extracted.parent.exists()
    assert state.extract_project(stream, digest) == extracted
    module.unlink()                                         # a file missing
    assert state.cached_project(digest) is None


def test_a_same_size_change_is_found_by_the_next_worker_process(tmp_path):
    stream = pack_directory(PROJECT_DIR)
    digest = checksum(stream)
    first = WorkerState(tmp_path / "state")
    module = first.extract_project(stream, digest) / "packages" / "basic.py"
    before = module.stat()
    data = bytearray(module.read_bytes())
    data[0] ^= 0x20
    module.write_bytes(bytes(data))
    os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))   # same size, same time: bit rot
    first.close()
    second = WorkerState(tmp_path / "state")                       # a restarted worker hashes before use
    try:
        assert second.cached_project(digest) is None
    finally:
        second.close()


def test_a_half_done_extraction_is_never_used(tmp_path, state):
    stream = pack_directory(PROJECT_DIR)
    digest = checksum(stream)
    projects = tmp_path / "state" / "projects"
    (projects / digest / "project").mkdir(parents=True)     # a crash before the record was written
    (projects / digest / "project" / "scaleout.toml").write_text("")
    (projects / ".extract-leftover").mkdir()                # a crash during extraction
    assert state.cached_project(digest) is None
    extracted = state.extract_project(stream, digest)
    assert (extracted / "scaleout.toml").read_bytes() == (PROJECT_DIR / "scaleout.toml").read_bytes()
    assert leftovers(projects) == [digest]
    (projects / digest / "files.json").write_text("{not json")
    assert state.cached_project(digest) is None


def test_a_bad_archive_leaves_no_cache_entry(tmp_path, state):
    stream = project(member("data.txt", b"hello", crc=1))
    with pytest.raises(ArchiveError, match=r"data.txt: cannot be read \(Bad CRC-32"):
        state.extract_project(stream, checksum(stream))
    assert leftovers(tmp_path / "state" / "projects") == []
    with pytest.raises(ArchiveError, match="does not match its catalog checksum"):
        state.extract_project(project(), checksum(stream))
    with pytest.raises(ArchiveError, match="is not a SHA-256"):
        state.cached_project("../../etc")
