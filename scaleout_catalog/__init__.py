"""scaleout_catalog: an open, SQL-first re-implementation of SSIS Scale Out.

The catalog database is the master. `Catalog` wraps its procedures and views.
"""
from .catalog import Catalog
from .errors import CatalogConnectionError, CatalogError
from .errors import *  # noqa: F401,F403  (the exception classes, one per SSIS error number)

__all__ = ["Catalog", "CatalogError", "CatalogConnectionError"]
__version__ = "0.1.0"
