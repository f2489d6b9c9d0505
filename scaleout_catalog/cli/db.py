"""`scaleout db`: create, upgrade, downgrade and script the catalog schema."""
from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from ..connection import create_engine
from ..errors import CatalogConnectionError
from ..sqlfiles import DIALECTS
from .app import UserError, console, remember_url, url_option


def _engine(url: str | None):
    remember_url(url)
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # driver-specific connection errors
        first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise CatalogConnectionError(f"cannot reach the catalog database: {first}") from None
    return engine


@click.group()
def db() -> None:
    """Create, upgrade and script the catalog schema (Alembic)."""


@db.command()
@url_option
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade(url: str | None, revision: str) -> None:
    """Create or upgrade the catalog.

    \b
    Example:
      scaleout db upgrade --url postgresql://postgres@127.0.0.1/ssisdb
    """
    from .. import migrate   # imported late: Alembic is slow to import, and only these commands need it
    engine = _engine(url)
    migrate.upgrade(engine, revision)
    console.print(f"catalog at revision [bold]{migrate.current(engine)}[/bold] "
                  f"({escape(engine.url.render_as_string())})",
                  highlight=False)


@db.command()
@url_option
@click.option("--revision", default="base", show_default=True, help="Target revision; base removes the catalog.")
def downgrade(url: str | None, revision: str) -> None:
    """Downgrade the catalog (to base: remove it).

    \b
    Example:
      scaleout db downgrade --revision base
    """
    from .. import migrate   # imported late: Alembic is slow to import, and only these commands need it
    engine = _engine(url)
    migrate.downgrade(engine, revision)
    console.print(f"catalog at revision [bold]{migrate.current(engine) or 'base'}[/bold]", highlight=False)


@db.command()
@url_option
def current(url: str | None) -> None:
    """Show the catalog's revision, and whether it is the newest (head).

    \b
    Example:
      scaleout db current
    """
    from .. import migrate   # imported late: Alembic is slow to import, and only these commands need it
    engine = _engine(url)
    rev = migrate.current(engine)
    head = migrate.head()
    state = "head" if rev == head else f"behind head {head}: run scaleout db upgrade"
    console.print(f"{rev or 'base (no catalog)'} ({state})", highlight=False)


@db.command()
@click.option("--dialect", type=click.Choice(DIALECTS), required=True, help="Which server the script is for.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def script(dialect: str, output: Path | None) -> None:
    """Write the complete install script, for a DBA to run in SSMS, sqlcmd or psql.

    \b
    Example:
      scaleout db script --dialect mssql -o install-ssisdb-scaleout.sql
    """
    from .. import migrate   # imported late: Alembic is slow to import, and only these commands need it
    text = migrate.script(dialect)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output} ({len(text.splitlines())} lines)", highlight=False, markup=False)


def _grant(url: str | None, login: str, role: str, create: bool) -> None:
    from ..grants import grant_role
    engine = _engine(url)
    try:
        created = grant_role(engine, login, role, create_login=create)
    except LookupError as exc:
        raise UserError(str(exc)) from None
    console.print(("created login " + login + " and " if created else "") + f"granted {role} to {login}",
                  highlight=False, markup=False)


@db.command("grant-worker")
@click.argument("login")
@click.option("--create", is_flag=True, help="PostgreSQL: create the login (WITH LOGIN, no password) if missing.")
@url_option
def grant_worker(login: str, create: bool, url: str | None) -> None:
    """Let LOGIN act as a Scale Out Worker (role ssis_cluster_worker): the worker procedures only.

    SQL Server: GRANT through ALTER ROLE [ssis_cluster_worker] ADD MEMBER, after CREATE USER
    FOR LOGIN. PostgreSQL: GRANT ssis_cluster_worker TO login.

    \b
    Example:
      scaleout db grant-worker worker1 --create --url postgresql://postgres@db1/ssisdb
    """
    _grant(url, login, "ssis_cluster_worker", create)


@db.command("grant-admin")
@click.argument("login")
@click.option("--create", is_flag=True, help="PostgreSQL: create the login (WITH LOGIN, no password) if missing.")
@url_option
def grant_admin(login: str, create: bool, url: str | None) -> None:
    """Make LOGIN a catalog admin (role ssis_admin): enable workers, deploy, configure.

    \b
    Example:
      scaleout db grant-admin dba1 --url postgresql://postgres@db1/ssisdb
    """
    _grant(url, login, "ssis_admin", create)
