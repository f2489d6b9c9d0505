"""The root `scaleout` group: shared options and one-line errors with stable exit codes."""
from __future__ import annotations

import sys

import click
from rich.console import Console

from ..errors import CatalogConnectionError, CatalogError

# Stable exit codes.
EXIT_OK = 0
EXIT_CATALOG_ERROR = 1     # a catalog procedure refused the call (SSIS error number printed)
EXIT_USAGE = 2             # click's own code for bad usage
EXIT_UNREACHABLE = 3       # the database could not be reached or the URL is malformed

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


class ScaleoutGroup(click.Group):
    """Turns known errors into one line and an exit code; --debug shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CatalogError as exc:
            if ctx.meta.get("debug"):
                raise
            err_console.print(f"[red]error {exc.number}:[/red] {exc.message}", highlight=False)
            sys.exit(EXIT_CATALOG_ERROR)
        except CatalogConnectionError as exc:
            if ctx.meta.get("debug"):
                raise
            err_console.print(f"[red]error:[/red] {exc}", highlight=False)
            sys.exit(EXIT_UNREACHABLE)


@click.group(cls=ScaleoutGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@click.version_option(package_name="scaleout_catalog")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """scaleout: SSIS Scale Out, SQL-first. The catalog database is the master.

    \b
    Example:
      scaleout db upgrade                      # the catalog in the embedded PostgreSQL
      scaleout db upgrade --url postgresql://ssis@db1/ssisdb
    """
    ctx.meta["debug"] = debug


url_option = click.option(
    "--url", envvar="SCALEOUT_URL", default=None, metavar="URL",
    help="Catalog database URL (postgresql://... or mssql://...). Default: the embedded PostgreSQL.")


from . import db, deploy, worker  # noqa: E402,F401  (register their commands)
