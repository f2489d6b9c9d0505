"""Deploys a project directory (or a packed archive) into a catalog folder."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .archive import MAX_ARCHIVE_BYTES, ArchiveError, check_archive, pack_directory, read_member
from .manifest import MANIFEST_FILE, ManifestError, find_function, load_manifest, parse_manifest, validate_manifest

if TYPE_CHECKING:
    from ..catalog import Catalog

T = TypeVar("T")


def load(path: Path) -> tuple[dict[str, Any], bytes]:
    """(manifest, archive bytes) from a project directory or an archive file, both fully checked."""
    path = Path(path)
    try:
        if path.is_dir():
            manifest = load_manifest(path)
            return manifest, _prefixed(path, pack_directory, path)
        if not path.is_file():
            raise ManifestError(str(path), None, "no such project directory or archive")
        size = path.stat().st_size
        if size > MAX_ARCHIVE_BYTES:
            raise ArchiveError(f"{path}: {size} bytes; the limit for a project archive is {MAX_ARCHIVE_BYTES}")
        stream = path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    members = {m.filename: m for m in _prefixed(path, check_archive, stream)}

    def read(rel: str) -> bytes | None:
        return _prefixed(path, read_member, stream, rel, members)

    where = f"{path}!{MANIFEST_FILE}"
    raw = read(MANIFEST_FILE)
    if raw is None:
        raise ManifestError(where, None, "not found: the archive must hold scaleout.toml at its root")
    return validate_manifest(parse_manifest(raw, where), where, lambda m, f: find_function(m, f, read)), stream


def _prefixed(path: Path, check: Callable[..., T], *args: Any) -> T:
    """check(*args), its ArchiveError naming the directory or archive file first."""
    try:
        return check(*args)
    except ArchiveError as exc:
        raise ArchiveError(f"{path}: {exc}") from None


def deploy(catalog: Catalog, path: Path, folder_name: str, create_folder: bool = False) -> tuple[dict[str, Any], int]:
    """Validates, packs and deploys; returns (manifest, operation_id). Nothing reaches the catalog on error."""
    manifest, stream = load(path)
    if create_folder and not any(f.name == folder_name for f in catalog.folders()):
        catalog.create_folder(folder_name)
    return manifest, catalog.deploy_project(folder_name, manifest["name"], stream, manifest)
