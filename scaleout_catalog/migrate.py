"""Alembic, driven programmatically: the `scaleout db` commands and the tests use these."""
from __future__ import annotations

import io
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from .sqlfiles import InstallError

VERSION_TABLE = "scaleout_alembic_version"


def _config(**attributes) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("scaleout_catalog.migrations")))
    cfg.attributes.update(attributes)
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step, revision: str) -> None:
    """Runs an Alembic step in one transaction, batch by batch (SQL Server and PostgreSQL DDL is
    transactional); a failing batch rolls the whole step back, and the error says so."""
    before = current(engine)
    conn = engine.connect()
    try:
        transaction = conn.begin()
        try:
            step(_config(connection=conn), revision)
            transaction.commit()
        except InstallError as exc:
            transaction.rollback()   # where the engine already ended it (Babelfish), see adapt_mssql_dialect
            raise InstallError(f"{exc}. {_state(engine, before)}") from None
    finally:
        conn.close()


def _state(engine: Engine, before: str | None) -> str:
    after = current(engine)
    if after == before:
        return f"Rolled back: nothing was changed, the catalog is still at revision {after or 'base (none)'}."
    return (f"Some of it stayed: the catalog is now at revision {after or 'base'} (it was {before or 'base'}). "
            "Fix the cause and run the command again.")


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def script(dialect: str, revision: str = "head") -> str:
    """The complete install script for `dialect`, as a DBA runs it in SSMS, sqlcmd or psql."""
    buffer = io.StringIO()
    cfg = _config(dialect=dialect)
    cfg.output_buffer = buffer
    command.upgrade(cfg, revision, sql=True)
    return buffer.getvalue()
