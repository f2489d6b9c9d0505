"""From a URL (or none) to a SQLAlchemy engine on the catalog database."""
from __future__ import annotations

import os
import select
import time

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
    if parsed.port and str(parsed.query.get("driver", "")).lower() == "freetds":
        # SQLAlchemy writes the port as "Server=host,port", which Microsoft's driver reads and
        # FreeTDS does not ("Unable to connect"); FreeTDS takes it as Port=.
        url = parsed._replace(port=None).update_query_dict({"Port": str(parsed.port)}).render_as_string(hide_password=False)
    return url


def dialect_of(engine: Engine) -> str:
    """'postgresql' or 'mssql'."""
    return engine.dialect.name


# A pooled connection idle longer than this is checked before use (a server restart or a network cut
# may have killed it meanwhile); one used within it goes straight to work. SQLAlchemy's pre-ping checks
# every time, a second round trip on every procedure call of a busy worker or a bulk caller.
IDLE_CHECK_SECONDS = 1.0


def create_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine on the catalog database (see resolve_url)."""
    resolved = resolve_url(url)
    pre_ping = kwargs.get("pool_pre_ping")    # True: check every checkout (SQLAlchemy's); False: never
    try:
        engine = sa.create_engine(resolved, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise CatalogConnectionError(f"cannot use database URL: {exc}") from None
    if pre_ping is None:
        check_when_idle(engine, IDLE_CHECK_SECONDS)
    if engine.dialect.name == "mssql":
        import pyodbc
        # uniqueidentifier values as uuid.UUID, as psycopg returns uuid: one type on both dialects.
        pyodbc.native_uuid = True
        adapt_mssql_dialect(engine)
    return engine


def check_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Checks a pooled connection before use only when it sat idle longer than idle_seconds; a dead one
    is replaced (SQLAlchemy's pool retries the checkout on DisconnectionError)."""

    @sa.event.listens_for(engine.pool, "checkin")
    def _checkin(dbapi_connection, record) -> None:
        record.info["scaleout_idle_since"] = time.monotonic()

    @sa.event.listens_for(engine.pool, "checkout")
    def _checkout(dbapi_connection, record, proxy) -> None:
        since = record.info.get("scaleout_idle_since")
        if (since is None or time.monotonic() - since <= idle_seconds) and not _server_spoke(dbapi_connection):
            return
        record.info["scaleout_checks"] = record.info.get("scaleout_checks", 0) + 1   # for diagnosis and tests
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
            cursor.fetchall()
        except Exception as exc:  # noqa: BLE001  (any failure: the connection is not usable)
            raise sa.exc.DisconnectionError(str(exc)) from exc
        finally:
            try:
                cursor.close()
            except Exception:  # noqa: BLE001
                pass
        if not getattr(dbapi_connection, "autocommit", True):
            dbapi_connection.rollback()   # the check opened a transaction on a non-autocommit driver


def _server_spoke(dbapi_connection) -> bool:
    """Whether the server sent something to a connection that sat idle: after a restart, its goodbye
    and the end of the stream. Looked for without a round trip, on a driver with a socket to look at
    (psycopg); then even a connection idle for less than the idle check's second is checked."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return False
    try:
        return bool(select.select([fileno()], [], [], 0)[0])
    except (OSError, ValueError, TypeError):
        return True      # no socket to look at any more: check it


def adapt_mssql_dialect(engine: Engine) -> None:
    """Two things SQLAlchemy's SQL Server dialect assumes that Babelfish does not do.

    - It reads the isolation level from sys.system_views, which Babelfish lacks; it then has no
      default level and fails an assertion whenever an AUTOCOMMIT connection goes back to the pool.
      READ COMMITTED is the default of SQL Server, Azure SQL and Babelfish alike.
    - After an error Babelfish has already ended the transaction, so the ROLLBACK that follows fails
      with error 3903 ("ROLLBACK can only be used in transaction blocks") and hides the real error.
      There is nothing left to roll back: that failure is ignored.
    """
    dialect = engine.dialect
    read_level, rollback = dialect.get_default_isolation_level, dialect.do_rollback

    def get_default_isolation_level(dbapi_connection):
        try:
            return read_level(dbapi_connection)
        except NotImplementedError:
            return "READ COMMITTED"

    def do_rollback(dbapi_connection):
        try:
            rollback(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            from .errors import native_error
            if native_error(exc)[0] != 3903:
                raise

    dialect.get_default_isolation_level = get_default_isolation_level
    dialect.do_rollback = do_rollback
