"""Projects: a directory with scaleout.toml, packed into an archive (the .ispac analogue).

manifest.py reads and validates scaleout.toml; archive.py packs, checks and extracts
archives (untrusted input); deploy.py puts a project into the catalog.
"""
from .archive import ArchiveError, check_archive, extract_archive, pack_directory
from .deploy import deploy
from .manifest import MANIFEST_FILE, ManifestError, load_manifest

__all__ = ["ArchiveError", "ManifestError", "MANIFEST_FILE", "check_archive", "deploy", "extract_archive",
           "load_manifest", "pack_directory"]
