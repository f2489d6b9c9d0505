"""From a URL (or none) to a SQLAlchemy engine on the catalog database."""
from __future__ import annotations

import os

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from .errors import CatalogConnectionError

# Short forms users type, and the driver each dialect uses.
_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg", "mssql": "mssql+pyodbc"}


def resolve_url(url: str | None = None) -> str:
    """The catalog URL: the argument, else SCALEOUT_URL, else the embedded PostgreSQL."""
    url = url or os.environ.get("SCALEOUT_URL")
    if not url:
        from . import embedded
        return embedded.url()
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise CatalogConnectionError(
            f"malformed database URL {url!r}: expected postgresql://user@host:port/database or mssql://...")
    url = _DRIVERS.get(scheme, scheme) + "://" + rest
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CatalogConnectionError(f"malformed database URL {url!r}: {exc}") from None
    if parsed.get_backend_name() not in ("postgresql", "mssql"):
        raise CatalogConnectionError(
            f"unsupported database {parsed.get_backend_name()!r} in URL: use postgresql:// or mssql://")
    return url


def dialect_of(engine: Engine) -> str:
    """'postgresql' or 'mssql'."""
    return engine.dialect.name


def create_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine on the catalog database (see resolve_url)."""
    resolved = resolve_url(url)
    kwargs.setdefault("pool_pre_ping", True)
    try:
        engine = sa.create_engine(resolved, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise CatalogConnectionError(f"cannot use database URL: {exc}") from None
    if engine.dialect.name == "mssql":
        import pyodbc
        # uniqueidentifier values as uuid.UUID, as psycopg returns uuid: one type on both dialects.
        pyodbc.native_uuid = True
        tolerate_unknown_isolation_level(engine)
    return engine


def tolerate_unknown_isolation_level(engine: Engine) -> None:
    """Lets SQLAlchemy's SQL Server dialect work where it cannot read the isolation level.

    The dialect asks sys.system_views for it, which Babelfish lacks; it then has no default
    isolation level and fails an assertion whenever an AUTOCOMMIT connection goes back to the
    pool. READ COMMITTED is the default of SQL Server, Azure SQL and Babelfish alike.
    """
    dialect = engine.dialect
    read = dialect.get_default_isolation_level

    def get_default_isolation_level(dbapi_connection):
        try:
            return read(dbapi_connection)
        except NotImplementedError:
            return "READ COMMITTED"

    dialect.get_default_isolation_level = get_default_isolation_level
