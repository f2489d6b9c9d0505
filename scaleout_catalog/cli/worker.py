"""`scaleout worker run`: the Scale Out Worker service."""
from __future__ import annotations

import logging
import os
import re
import signal
import sys
import unicodedata
from pathlib import Path
from typing import Any

import click

from ..worker import Worker, WorkerOptions
from ..worker.state import StateDirInUse, default_state_dir
from .app import Seconds, UserError, console, err_console, remember_url, url_option

_WEEK = 7 * 86400


@click.group()
def worker() -> None:
    """The Scale Out Worker: runs packages that the catalog assigns."""


@worker.command("run")
@url_option
@click.option("--display-name", help="Name shown in catalog.worker_agents.")
@click.option("--tags", help="Comma-separated labels shown in catalog.worker_agents (e.g. etl,large).")
@click.option("--max-tasks", type=click.IntRange(1, 1000), default=4, show_default=True,
              help="Packages this worker runs at once.")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the worker keeps its id, spool and project cache. [default: per-user state dir]")
@click.option("--drain-timeout", type=Seconds(0, _WEEK), default=60.0, show_default=True,
              help="Seconds running packages may take to finish after SIGTERM before they are released.")
@click.option("--cancel-grace", type=Seconds(0, _WEEK), default=10.0, show_default=True,
              help="Seconds between SIGTERM and SIGKILL for a stopped package.")
@click.option("--poll-interval", type=Seconds(0.05, 3600), default=2.0, show_default=True,
              help="Longest wait between idle polls when LISTEN/NOTIFY is unavailable (SQL Server).")
@click.option("--metrics-port", type=click.IntRange(1, 65535), default=None,
              help="Serve this worker's metrics (Prometheus text) on http://127.0.0.1:PORT/metrics.")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, help="Address for --metrics-port.")
def run(url: str | None, display_name: str | None, tags: str | None, max_tasks: int, state_dir: Path | None,
        drain_timeout: float, cancel_grace: float, poll_interval: float, metrics_port: int | None,
        metrics_host: str) -> None:
    """Register with the catalog and run packages until SIGTERM or Ctrl-C.

    A new worker is disabled until an admin enables it; its id is printed at start.
    On SIGTERM it stops claiming, lets running packages finish (up to --drain-timeout),
    gives the rest back to the queue and exits 0.

    \b
    Example:
      scaleout worker run --url postgresql://worker1@db1/ssisdb --tags etl --max-tasks 8
    """
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # No ping before every call (that would double a busy worker's round trips): a pooled connection
    # is checked only after sitting idle (connection.check_when_idle), and a dropped one mid-call is
    # survived by backoff and reconciliation.
    from ..catalog import Catalog
    from ..connection import resolve_url
    remember_url(url)
    resolved = resolve_url(url)
    catalog = Catalog(resolved,
                      connect_args={"connect_timeout": 5} if resolved.startswith("postgresql") else {})
    from ..certificates import client_certificate_thumbprint
    options = WorkerOptions(state_dir=state_dir or default_state_dir(), display_name=display_name, tags=tags,
                            max_tasks=max_tasks, drain_timeout=drain_timeout, cancel_grace=cancel_grace,
                            poll_interval=poll_interval,
                            certificate_thumbprint=client_certificate_thumbprint(str(catalog.engine.url)))
    try:
        agent = Worker(catalog, options)
    except StateDirInUse as exc:
        raise UserError(str(exc)) from None
    _install_signal_handlers(agent, drain_timeout)
    if metrics_port is not None:
        from ..worker.metrics import serve
        try:
            serve(agent, metrics_port, metrics_host)
        except OSError as exc:
            raise UserError(f"cannot serve metrics on {metrics_host}:{metrics_port}: {exc.strerror or exc}") from None

    def announce(enabled: bool) -> None:
        say(f"worker agent {agent.worker_agent_id} registered (state directory {options.state_dir})")
        if not enabled:
            say(f"disabled until an admin enables it:\n  scaleout workers enable {agent.worker_agent_id}\n"
                f"  or in SQL: {enable_statement(catalog.dialect, agent.worker_agent_id)}")

    code = agent.run(on_registered=announce)
    say(f"worker agent {agent.worker_agent_id} stopped")
    sys.exit(code)


def say(text: str) -> None:
    """A line for the operator on stderr, with the worker's log; the text is printed as it is."""
    err_console.print(text, markup=False, highlight=False)


def enable_statement(dialect: str, worker_agent_id: Any) -> str:
    """The statement a DBA runs to enable a worker, in the catalog database's own SQL."""
    if dialect == "postgresql":
        return f"CALL catalog.enable_worker_agent('{worker_agent_id}');"
    return f"EXEC [catalog].[enable_worker_agent] @WorkerAgentId = N'{worker_agent_id}'"


def _install_signal_handlers(agent: Worker, drain_timeout: float) -> None:
    """SIGTERM and Ctrl-C: the worker drains (a second one: it stops at once); each says so on stderr."""
    def on_signal(signum: int, frame: Any) -> None:
        name = signal.Signals(signum).name
        running = len(agent.attempts)
        if agent.stopping:
            text = f"received {name} again: stopping at once; running packages go back to the queue"
        elif running:
            text = (f"received {name}: draining {running} running package{'s' if running != 1 else ''} "
                    f"(up to {drain_timeout:g} s); send {name} again to stop at once")
        else:
            text = f"received {name}: stopping (no package is running)"
        # Written straight to fd 2, not through say(): the signal may arrive in the middle of a say()
        # (rich is not re-entrant; a first print even imports modules), and a handler must not re-enter it.
        os.write(2, (text + "\n").encode("utf-8", "replace"))
        agent.request_stop()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


_UNIT = """\
[Unit]
Description=SSIS Scale Out Worker (scaleout worker run{description})
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart={exec_start}
Environment=PYTHONUNBUFFERED=1
{environment}Restart=on-failure
RestartSec=5
# SIGTERM drains: running packages get --drain-timeout seconds, then go back to the queue.
KillSignal=SIGTERM
KillMode=mixed
TimeoutStopSec={stop_timeout}
{user}
[Install]
WantedBy={wanted_by}
"""


@worker.command("install-service")
@url_option
@click.option("--name", default="scaleout-worker", show_default=True, help="The systemd unit's name.")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The worker's state directory. [default: per-user state dir]")
@click.option("--display-name", help="Name shown in catalog.worker_agents.")
@click.option("--tags", help="Comma-separated labels shown in catalog.worker_agents.")
@click.option("--max-tasks", type=click.IntRange(1, 1000), default=4, show_default=True)
@click.option("--drain-timeout", type=Seconds(0, _WEEK), default=60.0, show_default=True)
@click.option("--user", "run_as", help="Run the service as this system user (system units only).")
@click.option("--user-unit", is_flag=True, help="Write a per-user unit (systemctl --user) instead of a system one.")
@click.option("--path", "unit_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the unit. [default: /etc/systemd/system/NAME.service, or "
                   "~/.config/systemd/user/NAME.service with --user-unit]")
@click.option("--force", is_flag=True, help="Overwrite an existing unit file.")
def install_service(url: str | None, name: str, state_dir: Path | None, display_name: str | None,
                    tags: str | None, max_tasks: int, drain_timeout: float, run_as: str | None, user_unit: bool,
                    unit_path: Path | None, force: bool) -> None:
    """Write a systemd unit that runs this worker as a service (SSIS: the Scale Out Worker service).

    The catalog URL goes into the unit as SCALEOUT_URL; the file is written with 0600
    permissions, because the URL may hold a password.

    \b
    Example:
      scaleout worker install-service --url postgresql://worker1@db1/ssisdb --tags etl
      systemctl daemon-reload && systemctl enable --now scaleout-worker
    """
    for option, value in (("--url", url), ("--name", name), ("--state-dir", state_dir),
                          ("--display-name", display_name), ("--tags", tags), ("--user", run_as), ("--path", unit_path)):
        if value is not None:
            _refuse_control_characters(option, str(value))
    if not _UNIT_NAME.fullmatch(name):
        raise UserError(f"--name {name!r}: a unit name takes letters, digits and : _ . @ - only")
    if run_as is not None and not _USER_NAME.fullmatch(run_as):
        raise UserError(f"--user {run_as!r} is not a user name")
    if unit_path is None:
        unit_path = (Path.home() / ".config/systemd/user" if user_unit else Path("/etc/systemd/system")) \
            / f"{name}.service"
    if unit_path.exists() and not force:
        raise UserError(f"{unit_path} exists; pass --force to overwrite it")
    args = [sys.executable, "-m", "scaleout_catalog.cli", "worker", "run", "--max-tasks", str(max_tasks),
            "--drain-timeout", f"{drain_timeout:g}", "--state-dir", str((state_dir or default_state_dir()).absolute())]
    for flag, value in (("--display-name", display_name), ("--tags", tags)):
        if value:
            args += [flag, value]
    environment = f'Environment="SCALEOUT_URL={_systemd_quoted(url)}"\n' if url else ""
    text = _UNIT.format(description=f", {display_name.replace('%', '%%')}" if display_name else "",
                        exec_start=" ".join(_exec_word(a) for a in args), environment=environment,
                        stop_timeout=int(drain_timeout + 30), user=f"User={run_as}\n" if run_as and not user_unit else "",
                        wanted_by="default.target" if user_unit else "multi-user.target")
    unit_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(unit_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(unit_path, 0o600)
    ctl = "systemctl --user" if user_unit else "systemctl"
    console.print(f"wrote {unit_path}\nenable and start it with:\n  {ctl} daemon-reload && {ctl} enable --now {name}"
                  f"\nthen enable the worker in the catalog (its id is in the service log: journalctl "
                  f"{'--user ' if user_unit else ''}-u {name}):\n  scaleout workers enable WORKER_AGENT_ID",
                  highlight=False, markup=False)


_UNIT_NAME = re.compile(r"[A-Za-z0-9:_.@-]{1,200}")
_USER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}|[0-9]{1,10}")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_@+=:,./-]+")


def _refuse_control_characters(option: str, value: str) -> None:
    """A unit file is lines of text: a line break in a value would start a new setting
    (e.g. ExecStartPre=), so no control character, line or paragraph separator may enter one."""
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")), None)
    if bad is not None:
        raise UserError(f"{option} {value!r} contains the control character {bad!r}; "
                        "nothing was written (a unit file value cannot hold it)")


def _exec_word(value: str) -> str:
    """One word of an ExecStart= command line, as systemd reads it back: double-quoted with C escapes
    where needed, specifiers (%) and variables ($) escaped."""
    if _PLAIN_WORD.fullmatch(value):
        return value
    return '"' + _systemd_quoted(value).replace("$", "$$") + '"'


def _systemd_quoted(value: str) -> str:
    """A value for a double-quoted systemd setting: specifiers (%) and quotes escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
