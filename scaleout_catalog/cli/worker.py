"""`scaleout worker run`: the Scale Out Worker service."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from ..catalog import Catalog
from ..worker import Worker, WorkerOptions
from ..worker.agent import install_signal_handlers
from ..worker.state import StateDirInUse, default_state_dir
from .app import err_console, main, url_option


@main.group()
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
@click.option("--drain-timeout", type=click.FloatRange(0), default=60.0, show_default=True,
              help="Seconds running packages may take to finish after SIGTERM before they are released.")
@click.option("--cancel-grace", type=click.FloatRange(0), default=10.0, show_default=True,
              help="Seconds between SIGTERM and SIGKILL for a stopped package.")
@click.option("--poll-interval", type=click.FloatRange(0.05), default=2.0, show_default=True,
              help="Longest wait between idle polls when LISTEN/NOTIFY is unavailable (SQL Server).")
def run(url: str | None, display_name: str | None, tags: str | None, max_tasks: int, state_dir: Path | None,
        drain_timeout: float, cancel_grace: float, poll_interval: float) -> None:
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
    # No pre-ping: the worker survives a dropped connection by itself (backoff, retry), and a
    # ping before every call would double its round trips.
    catalog = Catalog(url, pool_pre_ping=False,
                      connect_args={"connect_timeout": 5} if _is_postgres(url) else {})
    options = WorkerOptions(state_dir=state_dir or default_state_dir(), display_name=display_name, tags=tags,
                            max_tasks=max_tasks, drain_timeout=drain_timeout, cancel_grace=cancel_grace,
                            poll_interval=poll_interval)
    try:
        agent = Worker(catalog, options)
    except StateDirInUse as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(1)
    install_signal_handlers(agent)

    def announce(enabled: bool) -> None:
        err_console.print(f"worker agent [bold]{agent.worker_agent_id}[/bold] registered "
                          f"(state directory {options.state_dir})", highlight=False)
        if not enabled:
            err_console.print("disabled until an admin enables it:\n  EXEC [catalog].[enable_worker_agent] "
                              f"@WorkerAgentId = N'{agent.worker_agent_id}'", markup=False, highlight=False)

    sys.exit(agent.run(on_registered=announce))


def _is_postgres(url: str | None) -> bool:
    from ..connection import resolve_url
    return resolve_url(url).startswith("postgresql")
