"""`scaleout db`: create, upgrade, downgrade and script the catalog schema."""
from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..connection import create_engine
from ..errors import CatalogConnectionError
from ..sqlfiles import DIALECTS
from .app import url_option

console = Console()


def _engine(url: str | None):
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
    console.print(f"catalog at revision [bold]{migrate.current(engine)}[/bold] ({engine.url.render_as_string()})",
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
        console.print(f"wrote {output} ({len(text.splitlines())} lines)", highlight=False)
