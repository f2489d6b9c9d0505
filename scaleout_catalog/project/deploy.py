"""Deploys a project directory (or a packed archive) into a catalog folder."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import check_archive, pack_directory, read_member
from .manifest import MANIFEST_FILE, ManifestError, find_function, load_manifest, validate_manifest

if TYPE_CHECKING:
    from ..catalog import Catalog


def load(path: Path) -> tuple[dict[str, Any], bytes]:
    """(manifest, archive bytes) from a project directory or an archive file, both fully checked."""
    path = Path(path)
    if path.is_dir():
        manifest = load_manifest(path)
        return manifest, pack_directory(path)
    if not path.is_file():
        raise ManifestError(str(path), None, "no such project directory or archive")
    stream = path.read_bytes()
    members = {m.filename: m for m in check_archive(stream)}

    def read(rel: str) -> bytes | None:
        return read_member(stream, rel, members)

    where = f"{path}!{MANIFEST_FILE}"
    raw = read(MANIFEST_FILE)
    if raw is None:
        raise ManifestError(where, None, "not found: the archive must hold scaleout.toml at its root")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(where, None, f"not valid TOML: {exc}") from None
    return validate_manifest(data, where, lambda m, f: find_function(m, f, read)), stream


def deploy(catalog: Catalog, path: Path, folder_name: str, create_folder: bool = False) -> tuple[dict[str, Any], int]:
    """Validates, packs and deploys; returns (manifest, operation_id). Nothing reaches the catalog on error."""
    manifest, stream = load(path)
    if create_folder and not any(f.name == folder_name for f in catalog.folders()):
        catalog.create_folder(folder_name)
    return manifest, catalog.deploy_project(folder_name, manifest["name"], stream, manifest)
