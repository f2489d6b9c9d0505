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
        return sa.create_engine(resolved, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise CatalogConnectionError(f"cannot use database URL: {exc}") from None
