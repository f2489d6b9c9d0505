"""Project archives: packed from a directory, checked as untrusted input, extracted safely.

An archive is a zip file (as an .ispac is). Whatever made it, deploy and the worker treat it
as hostile and check all of it before anything uses it: every member read and its CRC-32
verified; only stored or deflate members, none encrypted; only regular files and folders;
bounded member size, total size and member count (enforced while reading, not taken from
headers); and names that extract to the same tree on every worker (rules in _name_problem and
_check_tree). Every refusal is an ArchiveError whose one-line message names the member.

Names are read as UTF-8 whether or not the member has the zip UTF-8 flag (0x800): zip tools on
Linux and macOS write UTF-8 names without it. A name that is not valid UTF-8 (a legacy
code-page name) is refused rather than guessed: it would extract under a name its author never saw.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any, Iterable, Mapping

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_ARCHIVE_BYTES = MAX_TOTAL_BYTES + 16 * 1024 * 1024   # stored members plus their headers
MAX_NAME_BYTES = 255      # one file or folder name: NAME_MAX on the usual file systems
MAX_PATH_BYTES = 1024     # a member's whole path: leaves room for the worker's cache directory under PATH_MAX
_CENTRAL_HEADER = b"PK\x01\x02"
_ENCRYPTED = 0x1 | 0x40   # traditional (PKWARE) and strong encryption flag bits
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_OTHER_METHODS = {1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstandard",
                  95: "xz", 98: "ppmd", 99: "WinZip AES encryption"}
_DRIVE = re.compile(r"^[A-Za-z]:")
_SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn", ".venv", ".mypy_cache", ".pytest_cache"}
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)   # members carry no build time, so the same tree packs to the same bytes
_CHUNK = 1024 * 1024


class ArchiveError(ValueError):
    """The archive (or the directory being packed) is unsafe or unreadable."""


def checksum(stream: bytes) -> str:
    """The archive's SHA-256, as the catalog stores it (project_checksum)."""
    return hashlib.sha256(stream).hexdigest()


# -- packing a directory ----------------------------------------------------------------------


def pack_directory(project_dir: Path, max_total_bytes: int = MAX_TOTAL_BYTES) -> bytes:
    """Packs a project directory into archive bytes, under the rules every archive is checked by."""
    root = Path(project_dir)
    try:
        files = _project_files(root)
        buffer = io.BytesIO()
        total = 0
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for rel, path in files:
                with open(path, "rb") as f:
                    data = f.read(MAX_MEMBER_BYTES + 1)
                if len(data) > MAX_MEMBER_BYTES:
                    raise ArchiveError(f"{_show(rel)}: over the {MAX_MEMBER_BYTES}-byte limit per file")
                total += len(data)
                if total > max_total_bytes:
                    raise ArchiveError(f"the project is over the {max_total_bytes}-byte limit")
                info = zipfile.ZipInfo(rel, _FIXED_TIME)
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
    except OSError as exc:
        where = os.path.relpath(exc.filename, root) if exc.filename else str(root)
        raise ArchiveError(f"{_show(where)}: cannot be read ({exc.strerror or exc}); "
                           "fix its permissions or remove it from the project") from None
    return buffer.getvalue()


def _project_files(root: Path) -> list[tuple[str, Path]]:
    """(archive name, path) of each file to pack, every name checked as an archive member's would be."""
    files: list[tuple[str, Path]] = []

    def unreadable(exc: OSError) -> None:
        raise exc

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                raise ArchiveError(f"{_show(rel)}: is a link; a project may hold only regular files")
            problem = _name_problem(rel)
            if problem:
                raise ArchiveError(f"{_show(rel)}: {problem}")
            if not path.is_file():
                raise ArchiveError(f"{_show(rel)}: is not a regular file; a project may hold only regular files")
            files.append((rel, path))
            if len(files) > MAX_MEMBERS:
                raise ArchiveError(f"the project has more than {MAX_MEMBERS} files; that is the limit")
    _check_tree(rel for rel, _ in files)
    return files


# -- checking an archive ----------------------------------------------------------------------


def check_archive(stream: bytes) -> list[zipfile.ZipInfo]:
    """The archive's members, once all of it is known to be safe and intact; raises ArchiveError otherwise.

    Every member is read (and so decompressed and CRC-checked): an archive that passes here
    extracts on every worker.
    """
    with _open(stream) as archive:
        members = _check_members(archive)
        for info in members:
            if not info.is_dir():
                _copy_member(archive, info, None)
    return members


def read_member(stream: bytes, name: str, members: Mapping[str, zipfile.ZipInfo]) -> bytes | None:
    """One member's bytes, or None if the archive has no such member.

    members: the archive's members by name, as check_archive returned them (checked once).
    """
    if name not in members:
        return None
    out = io.BytesIO()
    with _open(stream) as archive:
        _copy_member(archive, members[name], out)
    return out.getvalue()


def extract_archive(stream: bytes, dest: Path, expected_checksum: str | None = None) -> Path:
    """Verifies and extracts the archive into dest (created atomically: all of it or nothing); returns dest."""
    stream = _as_bytes(stream)
    if expected_checksum is not None and checksum(stream) != expected_checksum:
        raise ArchiveError("the archive does not match its catalog checksum; it was altered or truncated")
    dest = Path(dest)
    with _open(stream) as archive:
        members = _check_members(archive)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=dest.parent))
        except OSError as exc:
            raise _cannot_extract(dest, exc) from None
        try:
            for info in members:
                target = staging.joinpath(*info.filename.rstrip("/").split("/"))
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "xb") as out:
                    _copy_member(archive, info, out)
            try:
                staging.rename(dest)
            except OSError:
                if not dest.is_dir():   # another process extracted the same archive first: theirs is as good
                    raise
        except OSError as exc:
            raise _cannot_extract(dest, exc) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return dest


def _as_bytes(stream: Any) -> bytes:
    if isinstance(stream, (bytearray, memoryview)):
        stream = bytes(stream)
    if not stream:
        raise ArchiveError("the archive is empty (0 bytes); deploy the project directory or a zip made from it")
    if not isinstance(stream, bytes):
        raise ArchiveError(f"the archive is a {type(stream).__name__}, not bytes")
    return stream


_END_RECORD = b"PK\x05\x06"


def _open(stream: bytes) -> zipfile.ZipFile:
    stream = _as_bytes(stream)
    if len(stream) > MAX_ARCHIVE_BYTES:
        raise ArchiveError(f"the archive is {len(stream)} bytes; the limit is {MAX_ARCHIVE_BYTES}")
    # zipfile parses the whole central directory before anyone can count its entries, and an entry
    # costs it far more memory than its 46 bytes: bound the entries (each starts with this signature) first.
    if stream.count(_CENTRAL_HEADER) > MAX_MEMBERS:
        raise ArchiveError(f"the archive has more than {MAX_MEMBERS} members; that is the limit")
    try:
        archive = zipfile.ZipFile(io.BytesIO(stream), metadata_encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ArchiveError(f"{_show_bytes(exc.object)}: the member name is not valid UTF-8; "
                           "rename the file and pack the project again") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error,
            NotImplementedError) as exc:
        raise ArchiveError(f"not a readable zip archive ({_one_line(exc)}); "
                           "deploy the project directory or a zip made from it") from None
    # A damaged length inside the central directory makes zipfile skip the entries after it, silently:
    # the end record's count of entries must match what was read.
    end = stream.rfind(_END_RECORD)
    if end >= 0 and end + 22 <= len(stream):
        declared = struct.unpack_from("<H", stream, end + 10)[0]
        if declared != 0xFFFF and declared != len(archive.infolist()):
            archive.close()
            raise ArchiveError(f"the archive's directory lists {len(archive.infolist())} members but its end record "
                               f"says {declared}; it is damaged: pack the project again")
    return archive


def _check_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Checks what the central directory says (names, kinds, methods, sizes); reads no member."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ArchiveError(f"the archive has {len(members)} members; the limit is {MAX_MEMBERS}")
    total = 0
    for info in members:
        name = info.orig_filename          # info.filename is cut at a NUL; the name as written is checked
        problem = _name_problem(name)
        if problem:
            raise ArchiveError(f"{_show(name)}: {problem}")
        if info.flag_bits & _ENCRYPTED or info.compress_type == 99:
            raise ArchiveError(f"{_show(name)}: is encrypted; pack the project without a password")
        if info.compress_type not in _METHODS:
            method = _OTHER_METHODS.get(info.compress_type, "an unknown method")
            raise ArchiveError(f"{_show(name)}: is compressed with {method} (method {info.compress_type}); "
                               "only stored and deflate members are accepted: pack it again with deflate")
        kind_bits = stat.S_IFMT(info.external_attr >> 16)   # 0 when the archiver recorded no file type
        if kind_bits not in (0, stat.S_IFREG, stat.S_IFDIR):
            kind = "a link" if kind_bits == stat.S_IFLNK else "not a regular file"
            raise ArchiveError(f"{_show(name)}: is {kind}; a project may hold only regular files")
        if info.file_size > MAX_MEMBER_BYTES:
            raise ArchiveError(f"{_show(name)}: {info.file_size} bytes is over the {MAX_MEMBER_BYTES}-byte limit "
                               "per member")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(f"the archive unpacks to more than {MAX_TOTAL_BYTES} bytes; that is the limit")
    _check_tree(info.orig_filename for info in members)
    return members


def _name_problem(name: str) -> str | None:
    """What keeps `name` (a member path, folders ending in /) from extracting under the project, or None."""
    if not name:
        return "an empty member name; every member needs a name"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:             # undecodable bytes of a directory entry (surrogate escapes)
        return "the name is not valid UTF-8; rename the file"
    if "\0" in name:
        return "the name contains a NUL character; rename the file"
    control = next((c for c in name if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        return f"the name contains a control character (U+{ord(control):04X}); rename the file"
    if "\\" in name:
        return "the name contains a backslash; folders are separated by / in a project archive"
    if name.startswith("/") or _DRIVE.match(name):
        return "an absolute path; members must be relative to the project"
    parts = (name[:-1] if name.endswith("/") else name).split("/")
    if ".." in parts:
        return "contains '..'; members must stay inside the project"
    if "" in parts or "." in parts:
        return "has an empty or '.' folder name (// or /./); write the path without it"
    for part in parts:
        size = len(part.encode("utf-8"))
        if size > MAX_NAME_BYTES:
            return (f"a file or folder name of {size} bytes; "
                    f"the limit is {MAX_NAME_BYTES} bytes: shorten it")
    size = len(name.encode("utf-8"))
    if size > MAX_PATH_BYTES:
        return f"a path of {size} bytes; the limit is {MAX_PATH_BYTES} bytes: shorten it"
    return None


def _check_tree(names: Iterable[str]) -> None:
    """No two members that a file system would merge.

    Paths are compared case-folded and NFC-normalised: on case- or normalisation-insensitive file
    systems (macOS, Windows) such members would overwrite each other, and what a worker runs would
    then depend on member order, so such an archive is refused everywhere.
    """
    written: set[str] = set()
    seen: dict[str, tuple[str, bool]] = {}     # folded path -> (path as written, is a folder)
    for name in names:
        if name in written:
            raise ArchiveError(f"{_show(name)}: appears twice in the archive; keep one")
        written.add(name)
        parts = name.rstrip("/").split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            folder = depth < len(parts) or name.endswith("/")
            key = unicodedata.normalize("NFC", path).casefold()
            other, other_folder = seen.setdefault(key, (path, folder))
            if folder != other_folder:
                raise ArchiveError(f"{_show(path)}: is both a file and a folder ({_show(name)}); rename one")
            if other != path:
                raise ArchiveError(f"{_show(path)}: differs from {_show(other)} only in case or Unicode form; "
                                   "some file systems cannot hold both: rename one")


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, out: IO[bytes] | None) -> None:
    """Reads a member to its end (zipfile then checks its CRC-32), writing it to out if given.

    OSError from out is the caller's: only reading the archive is turned into ArchiveError here.
    """
    size = 0
    try:
        with archive.open(info) as src:
            while chunk := src.read(_CHUNK):
                size += len(chunk)
                if size > MAX_MEMBER_BYTES:   # zipfile stops at the header's size; this holds whatever it does
                    raise ArchiveError(f"{_show(info.orig_filename)}: unpacks to more than {MAX_MEMBER_BYTES} bytes")
                if out is not None:
                    out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error, NotImplementedError,
            RuntimeError) as exc:
        if isinstance(exc, ArchiveError):
            raise
        raise ArchiveError(f"{_show(info.orig_filename)}: cannot be read ({_one_line(exc)}); the archive is "
                           "damaged or truncated: pack the project again") from None


def _cannot_extract(dest: Path, exc: OSError) -> ArchiveError:
    return ArchiveError(f"cannot extract the archive into {dest.parent}: {exc.strerror or _one_line(exc)}"
                        + (f" ({_show(os.path.basename(exc.filename))})" if exc.filename else ""))


def _show(name: str, limit: int = 200) -> str:
    """A name for a one-line message: undecodable bytes as \\xNN, control characters escaped, long names cut
    in the middle (their start and their file name stay)."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return text if len(text) <= limit else text[:limit // 2] + "..." + text[-limit // 2:]


def _show_bytes(raw: Any) -> str:
    return _show(bytes(raw).decode("utf-8", "surrogateescape")) if isinstance(raw, (bytes, bytearray)) else "?"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# -- verifying an extraction later ------------------------------------------------------------


def tree_record(root: Path) -> dict[str, list[Any]]:
    """{relative path: [size, mtime_ns, sha256]} of every file under root, to verify the tree later."""
    record: dict[str, list[Any]] = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath) / name
            info = path.stat()
            record[path.relative_to(root).as_posix()] = [info.st_size, info.st_mtime_ns, _file_sha256(path)]
    return record


def tree_matches(root: Path, record: Any, thorough: bool) -> bool:
    """Whether every recorded file is still there, unchanged (size and mtime; with thorough, its SHA-256).

    Files the record does not name (e.g. __pycache__ written by imports) are not the archive's: ignored.
    """
    base = os.fspath(root)
    try:
        for rel, (size, mtime_ns, digest) in record.items():
            path = os.path.join(base, rel)      # a string, not a Path: this runs before every attempt
            info = os.stat(path, follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_size != size or info.st_mtime_ns != mtime_ns:
                return False
            if thorough and _file_sha256(path) != digest:
                return False
    except (OSError, ValueError, TypeError, AttributeError):
        return False
    return True


def _file_sha256(path: str | Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
