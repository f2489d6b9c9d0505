"""The root `scaleout` group: configuration, one-line errors and stable exit codes.

Configuration, highest precedence first: command-line flags; SCALEOUT_* environment
variables (SCALEOUT_URL, or SCALEOUT_<COMMAND>_<OPTION> such as SCALEOUT_WORKER_RUN_MAX_TASKS);
a TOML config file (--config, SCALEOUT_CONFIG, else ~/.config/scaleout/config.toml if present):

    url = "postgresql://worker1@db1/ssisdb"   # every command's --url
    [worker.run]
    max_tasks = 8
    tags = "etl"
"""
from __future__ import annotations

import importlib
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

import click
import platformdirs
from rich.console import Console
from rich.markup import escape

from ..errors import CatalogConnectionError, CatalogError

# Stable exit codes.
EXIT_OK = 0
EXIT_CATALOG_ERROR = 1     # a catalog procedure refused the call (SSIS error number printed), or bad input
EXIT_USAGE = 2             # click's own code for bad usage
EXIT_UNREACHABLE = 3       # the database could not be reached or the URL is malformed
EXIT_FAILED = 4            # scaleout execute --wait: the execution failed (status 4)
EXIT_CANCELED = 5          # ... was canceled (status 3)
EXIT_ENDED_UNEXPECTEDLY = 6  # ... ended unexpectedly (status 6)

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


class UserError(click.ClickException):
    """Bad input found before the catalog was called: one line, exit 1."""

    exit_code = EXIT_CATALOG_ERROR

    def show(self, file: Any = None) -> None:
        err_console.print(f"[red]error:[/red] {escape(self.message)}", highlight=False)


# Commands are imported when used, so that `scaleout worker run` starts (and registers) quickly.
_COMMANDS = {
    "cert": "cert:cert", "db": "db:db", "demo": "demo:demo", "deploy": "deploy:deploy", "execute": "executions:execute",
    "executions": "executions:executions", "folders": "objects:folders", "packages": "objects:packages",
    "projects": "objects:projects", "worker": "worker:worker", "workers": "workers:workers",
}


class ScaleoutGroup(click.Group):
    """Loads commands on use; turns known errors into one line and an exit code (--debug: traceback)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in _COMMANDS:
            return None
        module, _, attr = _COMMANDS[name].partition(":")
        return getattr(importlib.import_module(f"{__package__}.{module}"), attr)

    def invoke(self, ctx: click.Context):
        from ..project import ArchiveError, ManifestError
        from ..sqlfiles import InstallError
        try:
            return super().invoke(ctx)
        except (CatalogError, CatalogConnectionError, ManifestError, ArchiveError, InstallError) as exc:
            if ctx.meta.get("debug"):
                raise
            if isinstance(exc, CatalogError):
                label, text = f"error {exc.number}:", exc.message.removeprefix(f"{exc.number}: ")
            else:
                label, text = "error:", str(exc)
            err_console.print(f"[red]{label}[/red] {escape(text)}", highlight=False)
            sys.exit(EXIT_UNREACHABLE if isinstance(exc, CatalogConnectionError) else EXIT_CATALOG_ERROR)


def default_config_path() -> Path:
    return platformdirs.user_config_path("scaleout") / "config.toml"


def load_config(path: Path | None) -> dict[str, Any]:
    """The config file's settings (a top-level `url`, and tables named by command), or {}."""
    explicit = path is not None or "SCALEOUT_CONFIG" in os.environ
    path = path or Path(os.environ.get("SCALEOUT_CONFIG") or default_config_path())
    if not path.is_file():
        if explicit:
            raise UserError(f"config file {path} not found")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"config file {path} is not valid TOML: {exc}") from None


@click.group(cls=ScaleoutGroup, context_settings={"help_option_names": ["-h", "--help"],
                                                   "auto_envvar_prefix": "SCALEOUT"})
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TOML config file. [default: SCALEOUT_CONFIG, else ~/.config/scaleout/config.toml]")
@click.version_option(package_name="scaleout_catalog")
@click.pass_context
def main(ctx: click.Context, debug: bool, config_path: Path | None) -> None:
    """scaleout: SSIS Scale Out, SQL-first. The catalog database is the master.

    \b
    Example:
      scaleout demo                            # master and two workers on this computer
      scaleout db upgrade --url postgresql://ssis@db1/ssisdb
      scaleout worker run --url postgresql://worker1@db1/ssisdb
    """
    ctx.meta["debug"] = debug
    config = load_config(config_path)
    ctx.meta["config_url"] = config.pop("url", None)
    ctx.default_map = config


def _url_from_config(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--url, else SCALEOUT_URL (click reads it), else the config file's url, else None (embedded)."""
    return value if value is not None else ctx.find_root().meta.get("config_url")


url_option = click.option(
    "--url", envvar="SCALEOUT_URL", default=None, metavar="URL", callback=_url_from_config,
    help="Catalog database URL (postgresql://... or mssql://...). Default: the embedded PostgreSQL.")


def catalog_for(url: str | None):
    """The Catalog for a command's --url."""
    from ..catalog import Catalog
    return Catalog(url)

