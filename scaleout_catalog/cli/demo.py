"""`scaleout demo`: master and workers on one computer (SSIS: install both on one computer)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..models import TERMINAL_STATUSES
from .app import EXIT_FAILED, UserError, console, err_console
from .output import print_executions, print_workers

REGIONS = ("EMEA", "APAC", "NA", "LATAM", "ANZ", "MEA", "NORDICS", "DACH")
FOLDER = "demo"
DEMO_WEB_PORT = 8391


def _demo_dir() -> Path:
    from .. import embedded
    return embedded.data_dir().parent / "demo"


@click.command()
@click.option("--executions", "count", type=click.IntRange(1, 10_000), default=24, show_default=True,
              help="How many load_region executions to run.")
@click.option("--workers", "worker_count", type=click.IntRange(1, 16), default=2, show_default=True)
@click.option("--keep", is_flag=True,
              help="Leave the database and workers running, start the web manager; print what to try next.")
@click.option("--stop", "stop_kept", is_flag=True, help="Stop the workers a `scaleout demo --keep` left running.")
def demo(count: int, worker_count: int, keep: bool, stop_kept: bool) -> None:
    """One-computer mode: the embedded PostgreSQL as master, local workers, a sample project.

    Upgrades the catalog, starts the workers (enabled at once, as SSIS does when master
    and worker are installed together), deploys the bundled `sales` project, runs
    --executions load_region executions that each load a CSV file into SQLite, then one
    summarize execution that aggregates them, prints the worker_agents and executions
    tables, and shuts everything down.

    \b
    Example:
      scaleout demo
      scaleout demo --keep     # then: scaleout workers list, scaleout executions list, ...
      scaleout demo --stop
    """
    from .. import embedded, migrate
    from ..catalog import Catalog
    from ..project.deploy import deploy
    from ..samples import SALES

    demo_dir = _demo_dir()
    if stop_kept:
        sys.exit(_stop_kept(demo_dir))
    if (demo_dir / "workers.json").exists():
        raise UserError(f"a kept demo is still running ({demo_dir / 'workers.json'}); stop it with: scaleout demo --stop")
    began = time.monotonic()
    with console.status("starting the embedded PostgreSQL"):
        url = embedded.url()
        catalog = Catalog(url)
    with console.status("creating or upgrading the catalog"):
        migrate.upgrade(catalog.engine)
    console.print(f"[green]✓[/green] catalog ready in the embedded PostgreSQL ({embedded.data_dir()})")

    workers = _start_workers(demo_dir, worker_count)
    try:
        with console.status("waiting for the workers to register"):
            ids = [_registered(catalog, w) for w in workers]
        for worker_agent_id in ids:
            catalog.enable_worker_agent(worker_agent_id)   # one-computer mode: enabled at set-up
        console.print(f"[green]✓[/green] {len(ids)} workers registered and enabled")
        deploy(catalog, SALES, FOLDER, create_folder=True)
        console.print(f"[green]✓[/green] deployed project sales to folder {FOLDER}")

        output_dir = demo_dir / "output"
        executions = []
        for i in range(count):
            e = catalog.create_execution(FOLDER, "sales", "load_region")
            catalog.set_execution_parameter_value(e, 30, "Region", REGIONS[i % len(REGIONS)])
            catalog.set_execution_parameter_value(e, 20, "OutputDir", str(output_dir))
            catalog.start_execution(e, retry_count=1)
            executions.append(e)
        _progress(catalog, executions)
        summary = catalog.create_execution(FOLDER, "sales", "summarize")
        catalog.set_execution_parameter_value(summary, 20, "OutputDir", str(output_dir))
        catalog.start_execution(summary)
        _wait(catalog, [summary], "summarize")
        executions.append(summary)

        agents = catalog.worker_agents()
        print_workers(agents)
        rows = [catalog.execution(e) for e in executions]
        names = {a.worker_agent_id: a.display_name for a in agents}
        print_executions(rows, title=f"catalog.executions (this demo: {count} load_region, 1 summarize)",
                         workers=names)
        for m in catalog.operation_messages(summary):
            if m.message_source_type == 30:
                console.print(f"  summarize: {m.message}", highlight=False, markup=False)
        succeeded = sum(r.status == 7 for r in rows)
        console.print(f"{succeeded} of {len(rows)} executions succeeded ({count} load_region and 1 summarize) "
                      f"in {time.monotonic() - began:.1f} s", highlight=False)
        if keep:
            _keep(demo_dir, workers, url)
            workers = []
    finally:
        _stop(workers)
        catalog.dispose()
    sys.exit(0 if succeeded == len(rows) else EXIT_FAILED)


def _start_workers(demo_dir: Path, count: int) -> list[tuple[subprocess.Popen, Path]]:
    started = []
    for i in range(1, count + 1):
        state_dir = demo_dir / f"worker{i}"
        state_dir.mkdir(parents=True, exist_ok=True)
        log = open(demo_dir / f"worker{i}.log", "ab")
        # No --url: each worker attaches to the embedded server itself, so that with --keep the
        # server keeps running for as long as the workers do.
        proc = subprocess.Popen(
            [sys.executable, "-m", "scaleout_catalog.cli", "worker", "run", "--state-dir", str(state_dir),
             "--display-name", f"demo-worker-{i}", "--max-tasks", "2", "--tags", "demo"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            env={k: v for k, v in os.environ.items() if k != "SCALEOUT_URL"})
        log.close()
        started.append((proc, state_dir))
    return started


def _registered(catalog, worker: tuple[subprocess.Popen, Path]) -> str:
    proc, state_dir = worker
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise UserError(f"a demo worker exited with code {proc.returncode}; see {state_dir}.log")
        path = state_dir / "worker.json"
        if path.exists():
            worker_agent_id = json.loads(path.read_text())["worker_agent_id"]
            if catalog.worker_agent(worker_agent_id) is not None:
                return worker_agent_id
        time.sleep(0.1)
    raise UserError(f"a demo worker did not register within 60 s; see {state_dir}.log")


def _progress(catalog, executions: list[int]) -> None:
    columns = (TextColumn("running load_region"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("executions", total=len(executions))
        _wait(catalog, executions, "load_region", lambda done: progress.update(task, completed=done))


def _wait(catalog, executions: list[int], what: str, on_progress=None, timeout: float = 300) -> None:
    pending = set(executions)
    deadline = time.monotonic() + timeout
    while pending:
        for e in list(pending):
            if catalog.execution(e).status in TERMINAL_STATUSES:
                pending.discard(e)
        if on_progress:
            on_progress(len(executions) - len(pending))
        if pending and time.monotonic() > deadline:
            raise UserError(f"{len(pending)} {what} executions did not finish within {timeout:g} s")
        time.sleep(0.1)


def _stop(workers: list[tuple[subprocess.Popen, Path]]) -> None:
    for proc, _ in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc, _ in workers:
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _start_manager(demo_dir: Path) -> tuple[subprocess.Popen | None, str]:
    """`scaleout web` on this computer, attached to the embedded server as the workers are; its address."""
    port = DEMO_WEB_PORT if _port_free(DEMO_WEB_PORT) else _free_port()
    log = open(demo_dir / "web.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "scaleout_catalog.cli", "web", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                            env={k: v for k, v in os.environ.items() if k != "SCALEOUT_URL"})
    log.close()
    address = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None, f"the web manager did not start; see {demo_dir / 'web.log'}"
        try:
            with urllib.request.urlopen(address + "healthz", timeout=1):
                return proc, address
        except OSError:
            time.sleep(0.1)
    return proc, address


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keep(demo_dir: Path, workers: list[tuple[subprocess.Popen, Path]], url: str) -> None:
    manager, address = _start_manager(demo_dir)
    pids = [p.pid for p, _ in workers] + ([manager.pid] if manager is not None else [])
    (demo_dir / "workers.json").write_text(json.dumps(pids))
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    login = plain.split("://", 1)[1].split("@", 1)[0]
    web = (f"The web Scale Out Manager: {address}  (sign in as {login}, no password)" if manager is not None
           else f"The web Scale Out Manager: {address}")
    console.print(f"""
The demo keeps running: the embedded PostgreSQL and {len(workers)} workers.
{web}
  export SCALEOUT_URL='{plain}'
  scaleout workers list
  scaleout packages list
  scaleout execute {FOLDER} sales load_region --param Region=EMEA --param OutputDir={demo_dir / 'output'} --wait
  scaleout executions list
  psql '{plain}' -c 'SELECT * FROM catalog.worker_agents'
Stop it with:
  scaleout demo --stop""", highlight=False, markup=False)


def _stop_kept(demo_dir: Path) -> int:
    path = demo_dir / "workers.json"
    if not path.exists():
        err_console.print("no kept demo is running", highlight=False)
        return 0
    for pid in json.loads(path.read_text()):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
    path.unlink()
    console.print("stopped the demo's workers and web manager; the embedded PostgreSQL stops with them", highlight=False)
    return 0
