"""Alembic, driven programmatically: the `scaleout db` commands and the tests use these."""
from __future__ import annotations

import io
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

VERSION_TABLE = "scaleout_alembic_version"


def _config(**attributes) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("scaleout_catalog.migrations")))
    cfg.attributes.update(attributes)
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as conn:
        command.upgrade(_config(connection=conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with engine.begin() as conn:
        command.downgrade(_config(connection=conn), revision)


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
