"""Project archives: packed from a directory, checked as untrusted input, extracted safely.

An archive is a zip file (as an .ispac is). Whatever made it, the worker treats it as
hostile: no absolute paths, no `..`, no links, no devices, and bounded member size,
total size and file count, with the sizes enforced while reading, not taken from headers.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Mapping

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
_SKIP_DIRS = {"__pycache__", ".git", ".hg", ".svn", ".venv", ".mypy_cache", ".pytest_cache"}
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)   # members carry no build time, so the same tree packs to the same bytes


class ArchiveError(ValueError):
    """The archive (or the directory being packed) is unsafe or unreadable."""


def checksum(stream: bytes) -> str:
    """The archive's SHA-256, as the catalog stores it (project_checksum)."""
    return hashlib.sha256(stream).hexdigest()


def pack_directory(project_dir: Path, max_total_bytes: int = MAX_TOTAL_BYTES) -> bytes:
    """Packs a project directory into archive bytes; refuses links and oversized trees."""
    root = Path(project_dir)
    files: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]):
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                raise ArchiveError(f"{rel}: is a link; a project may hold only regular files")
            if not path.is_file():
                raise ArchiveError(f"{rel}: is not a regular file")
            if name.endswith((".pyc", ".pyo")):
                continue
            files.append((rel, path))
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for rel, path in files:
            size = path.stat().st_size
            if size > MAX_MEMBER_BYTES:
                raise ArchiveError(f"{rel}: {size} bytes is over the {MAX_MEMBER_BYTES}-byte limit per file")
            total += size
            if total > max_total_bytes:
                raise ArchiveError(f"the project is over the {max_total_bytes}-byte limit")
            info = zipfile.ZipInfo(rel, _FIXED_TIME)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    if len(files) > MAX_MEMBERS:
        raise ArchiveError(f"the project has {len(files)} files; the limit is {MAX_MEMBERS}")
    return buffer.getvalue()


def check_archive(stream: bytes) -> list[zipfile.ZipInfo]:
    """The archive's members, once each is known to be safe; raises ArchiveError otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(stream))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ArchiveError(f"not a project archive (zip): {exc}") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ArchiveError(f"the archive has {len(members)} members; the limit is {MAX_MEMBERS}")
    seen: set[str] = set()
    total = 0
    for info in members:
        name = info.filename
        path = PurePosixPath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or path.is_absolute() or (len(name) > 1 and name[1] == ":"):
            raise ArchiveError(f"{name}: an absolute path; members must be relative to the project")
        if ".." in path.parts:
            raise ArchiveError(f"{name}: contains '..'; members must stay inside the project")
        kind_bits = stat.S_IFMT(info.external_attr >> 16)   # 0 when the archiver recorded no file type
        if kind_bits not in (0, stat.S_IFREG, stat.S_IFDIR):
            kind = "a link" if kind_bits == stat.S_IFLNK else "not a regular file"
            raise ArchiveError(f"{name}: is {kind}; a project may hold only regular files")
        if info.file_size > MAX_MEMBER_BYTES:
            raise ArchiveError(f"{name}: {info.file_size} bytes is over the {MAX_MEMBER_BYTES}-byte limit per member")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(f"the archive unpacks to more than {MAX_TOTAL_BYTES} bytes")
        key = path.as_posix().rstrip("/").lower()
        if key in seen:
            raise ArchiveError(f"{name}: appears twice in the archive")
        seen.add(key)
    return members


def read_member(stream: bytes, name: str, members: Mapping[str, zipfile.ZipInfo]) -> bytes | None:
    """One member's bytes (size-bounded), or None if the archive has no such member.

    members: the archive's members by name, as check_archive returned them (checked once).
    """
    if name not in members:
        return None
    with zipfile.ZipFile(io.BytesIO(stream)) as archive, archive.open(members[name]) as src:
        return _read_bounded(src, name)


def extract_archive(stream: bytes, dest: Path, expected_checksum: str | None = None) -> Path:
    """Verifies and extracts the archive into dest (created atomically); returns dest."""
    if expected_checksum is not None and checksum(stream) != expected_checksum:
        raise ArchiveError("the archive does not match its catalog checksum; it was altered or truncated")
    members = check_archive(stream)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=dest.parent))
    try:
        with zipfile.ZipFile(io.BytesIO(stream)) as archive:
            for info in members:
                target = staging.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src:
                    target.write_bytes(_read_bounded(src, info.filename))
        try:
            staging.rename(dest)
        except OSError:
            if not dest.is_dir():   # another process extracted the same archive first: theirs is as good
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest


def _read_bounded(src: io.BufferedIOBase, name: str) -> bytes:
    data = src.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise ArchiveError(f"{name}: unpacks to more than {MAX_MEMBER_BYTES} bytes")
    return data
