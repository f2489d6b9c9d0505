"""scaleout_catalog: an open, SQL-first re-implementation of SSIS Scale Out.

The catalog database is the master. `Catalog` wraps its procedures and views.
Catalog is imported on first use, so that the package runtime (which never talks to
the database) forks from a small process without SQLAlchemy in it.
"""
from typing import TYPE_CHECKING, Any

from .errors import CatalogConnectionError, CatalogError
from .errors import *  # noqa: F401,F403  (the exception classes, one per SSIS error number)

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["Catalog", "CatalogError", "CatalogConnectionError"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "Catalog":
        from .catalog import Catalog
        return Catalog
    raise AttributeError(f"module 'scaleout_catalog' has no attribute {name!r}")
