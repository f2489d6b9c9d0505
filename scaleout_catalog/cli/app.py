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
import math
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


class OneLineUsageError(click.UsageError):
    """click's usage error on one line (click prints the usage, a hint and the error on three)."""

    def __init__(self, exc: click.UsageError) -> None:
        super().__init__(" ".join(exc.format_message().split()), exc.ctx)
        self.exit_code = exc.exit_code

    def show(self, file: Any = None) -> None:
        hint = f" (see: {self.ctx.command_path} --help)" if self.ctx is not None else ""
        err_console.print(f"[red]error:[/red] {escape(self.message + hint)}", highlight=False)


def _one_line(exc: click.UsageError) -> click.UsageError:
    # NoArgsIsHelpError prints the help, as it should.
    return exc if isinstance(exc, (OneLineUsageError, click.exceptions.NoArgsIsHelpError)) else OneLineUsageError(exc)


def _masked(url: str) -> str:
    """The URL to show in a message, its password hidden."""
    from sqlalchemy.engine import make_url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001  a URL SQLAlchemy cannot parse: show none
        return "URL"


def _first_line(orig: BaseException) -> str:
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


def explain(exc: BaseException, meta: dict[str, Any]) -> tuple[str, str, int] | None:
    """(label, text, exit code) for an error the user can act on; None for anything else (a bug: traceback)."""
    from ..errors import CatalogNotInstalled, RoleRequired, catalog_not_installed, role_required
    from ..project import ArchiveError, ManifestError
    from ..sqlfiles import InstallError
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError):
        # What the library passes through untranslated: the database refused before any procedure ran.
        known = catalog_not_installed(exc.orig) or role_required(exc.orig, exc.statement)
        if known is None:
            return "error:", f"the database refused the call: {_first_line(exc.orig)} (--debug shows where)", \
                EXIT_CATALOG_ERROR
        exc = known
    if isinstance(exc, CatalogError):
        return f"error {exc.number}:", exc.message.removeprefix(f"{exc.number}: "), EXIT_CATALOG_ERROR
    if isinstance(exc, CatalogNotInstalled):
        url = meta.get("catalog_url")
        return "error:", f"{exc}: run scaleout db upgrade" + (f" --url {_masked(url)}" if url else ""), \
            EXIT_UNREACHABLE
    if isinstance(exc, CatalogConnectionError):
        return "error:", str(exc), EXIT_UNREACHABLE
    if isinstance(exc, (RoleRequired, ManifestError, ArchiveError, InstallError)):
        return "error:", str(exc), EXIT_CATALOG_ERROR
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):   # click itself handles a closed pipe
        return "error:", str(exc), EXIT_CATALOG_ERROR
    return None


# Commands are imported when used, so that `scaleout worker run` starts (and registers) quickly.
_COMMANDS = {
    "cert": "cert:cert", "db": "db:db", "demo": "demo:demo", "deploy": "deploy:deploy", "execute": "executions:execute",
    "environments": "environments:environments", "executions": "executions:executions", "folders": "objects:folders",
    "packages": "objects:packages", "parameters": "environments:parameters",
    "permissions": "permissions:permissions", "projects": "objects:projects", "schedules": "schedules:schedules",
    "web": "web:web", "worker": "worker:worker", "workers": "workers:workers",
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

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except click.ClickException:
            raise
        except Exception as exc:
            if ctx.meta.get("debug"):
                raise
            explained = explain(exc, ctx.meta)
            if explained is None:
                raise
            label, text, code = explained
            err_console.print(f"[red]{label}[/red] {escape(' '.join(text.splitlines()))}", highlight=False)
            sys.exit(code)


def default_config_path() -> Path:
    return platformdirs.user_config_path("scaleout") / "config.toml"


def load_config(path: Path | None) -> dict[str, Any]:
    """The config file's settings (a top-level `url`, and tables named by command), or {}.

    Every setting is checked against the command it configures, so that a typo or a wrong type is
    one line naming the file, before anything runs."""
    explicit = path is not None or "SCALEOUT_CONFIG" in os.environ
    path = path or Path(os.environ.get("SCALEOUT_CONFIG") or default_config_path())
    try:
        if not path.is_file():
            if path.exists():
                raise UserError(f"config file {path} is not a file")
            if explicit:
                raise UserError(f"config file {path} not found")
            return {}
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    try:
        config = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UserError(f"config file {path} is not UTF-8 text (at byte {exc.start}); TOML is UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"config file {path} is not valid TOML: {exc}") from None
    _check_config(config, path)
    return config


def _check_config(config: dict[str, Any], path: Path) -> None:
    if "url" in config and not isinstance(config["url"], str):
        raise UserError(f"config file {path}: url must be a string, as in url = \"postgresql://user@host/ssisdb\" "
                        f"(not {_toml_type(config['url'])})")
    root = click.Context(main, info_name="scaleout")
    for name, value in config.items():
        if name != "url":
            _check_section(main.get_command(root, name), (name,), value, path)


def _check_section(command: click.Command | None, where: tuple[str, ...], value: Any, path: Path) -> None:
    """where: the table's name as a path of command names, e.g. ("worker", "run")."""
    if command is None:
        parent = ".".join(where[:-1])
        place = f"[{parent}] has no command {where[-1]!r}" if parent else \
            f"{where[-1]!r} is neither url nor a scaleout command"
        raise UserError(f"config file {path}: {place}")
    table = ".".join(where)
    if not isinstance(value, dict):
        raise UserError(f"config file {path}: {table} must be a table ([{table}]), not {_toml_type(value)}")
    ctx = click.Context(command, info_name=where[-1])
    if isinstance(command, click.Group):
        for name, sub in value.items():
            _check_section(command.get_command(ctx, name), where + (name,), sub, path)
        return
    params = {p.name: p for p in command.params if isinstance(p, click.Option) and p.name}
    for key, setting in value.items():
        param = params.get(key)
        if param is None:
            raise UserError(f"config file {path}: [{table}] has no setting {key!r} "
                            f"(it takes: {', '.join(sorted(n for n in params if n != 'help'))})")
        if key == "url" and not isinstance(setting, str):
            raise UserError(f"config file {path}: [{table}] url must be a string, not {_toml_type(setting)}")
        try:
            param.type_cast_value(ctx, setting)
        except click.BadParameter as exc:
            raise UserError(f"config file {path}: [{table}] {key}: {' '.join(exc.message.split())}") from None


def _toml_type(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a float", list: "an array", dict: "a table"}.get(
        type(value), f"a {type(value).__name__}")


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


class Seconds(click.FloatRange):
    """A number of seconds: a float in [min, max], never NaN or infinite (FloatRange lets NaN through)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        return rv


def remember_url(url: str | None) -> None:
    """Keeps the command's URL for messages (such as the `scaleout db upgrade --url` to run)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta["catalog_url"] = url


def catalog_for(url: str | None):
    """The Catalog for a command's --url."""
    from ..catalog import Catalog
    remember_url(url)
    return Catalog(url)

