"""End-to-end: no-op package executions per second through real workers, and pickup latency.

Throughput: with 1 and then 2 `scaleout worker run` processes (each --max-tasks SLOTS), in service
(each has run an execution: the project is extracted, its fork server's generation is up), EXECUTIONS
no-op executions are queued in one transaction (catalog.create_and_start_executions), and the drain is
timed from its commit until every one has succeeded, as the peers' drains are timed once their jobs
are queued (peers.py). Each execution is a real package process (forked from the worker's fork
server), with its start and end messages written to catalog.operation_messages.

Pickup latency: one idle worker; start one execution at a time and measure, in database
time, from start_execution (executions.start_time) to the claim (task_attempts.claimed_time).

Spawn to first event: no database; the worker's fork server alone starts the test project's no-op
package SAMPLES times, one at a time, and times from the spawn request to its first event (its
outcome) and to its exit notice (p50, p99).

Idle worker: resident memory and CPU of the worker and its fork server, and the catalog
database's transactions per second, while an enabled worker has nothing to do.

    python benchmarks/end_to_end.py                      # embedded PostgreSQL
    python benchmarks/end_to_end.py --url postgresql://postgres@127.0.0.1:5432/postgres
The URL names a maintenance database; the benchmark creates and drops its own databases.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import PgServer, benchmark_server  # noqa: E402
from workers import FOLDER, PROJECT, Workers, deploy_test_project, run_execution, wait_until  # noqa: E402

from scaleout_catalog import Catalog, migrate  # noqa: E402


class Scratch:
    """A fresh catalog database with the test project, and workers on it; all removed afterwards."""

    def __init__(self, server: PgServer) -> None:
        self.server, self.name = server, f"scaleout_bench_{uuid.uuid4().hex[:8]}"
        server.create_database(self.name)
        self.url = server.url_for(self.name)
        self.catalog = Catalog(self.url)
        migrate.upgrade(self.catalog.engine)
        deploy_test_project(self.catalog)
        self.tmp = tempfile.TemporaryDirectory(prefix="scaleout-bench-")
        self.workers = Workers(self.url, Path(self.tmp.name), self.catalog)

    def close(self) -> None:
        self.workers.stop_all()
        self.catalog.dispose()
        self.tmp.cleanup()
        self.server.drop_database(self.name)


def tasks_left(catalog: Catalog) -> int:
    """What is left in the hot queue (a finished task leaves internal.tasks): how a drain is watched. It
    shrinks as the drain goes; counting the succeeded executions instead would read more rows every time,
    a growing query on the cores being measured."""
    return catalog.query("SELECT count(*) AS n FROM internal.tasks")[0]["n"]


def require_all_succeeded(catalog: Catalog, executions: int, since: int = 0) -> None:
    succeeded = catalog.query("SELECT count(*) AS n FROM catalog.executions WHERE status = 7 AND execution_id > :since",
                              {"since": since})[0]["n"]
    if succeeded != executions:
        raise RuntimeError(f"{succeeded} of {executions} executions succeeded")


def throughput(server: PgServer, worker_count: int, executions: int, slots: int) -> dict:
    scratch = Scratch(server)
    try:
        for i in range(worker_count):
            scratch.workers.start_enabled(f"w{i}", "--max-tasks", str(slots))
        catalog = scratch.catalog
        warmed = warm_up(catalog, worker_count, slots)
        queue_started(catalog, executions)           # one transaction: the workers see them all at its commit
        began = time.perf_counter()
        wait_until(lambda: tasks_left(catalog) == 0, 600, "every execution to finish", interval=0.02)
        elapsed = time.perf_counter() - began
        require_all_succeeded(catalog, executions, since=warmed)
        per_worker = catalog.query("SELECT worker_agent_id, count(*) AS n FROM catalog.executions "
                                   "WHERE execution_id > :since GROUP BY worker_agent_id", {"since": warmed})
        return {"workers": worker_count, "slots_per_worker": slots, "executions": executions,
                "seconds": round(elapsed, 3), "executions_per_second": round(executions / elapsed, 1),
                "split": sorted(r["n"] for r in per_worker)}
    finally:
        scratch.close()


def warm_up(catalog: Catalog, worker_count: int, slots: int) -> int:
    """Until every worker has run an execution: in service, as the peers' workers are (their handlers
    are in their own process from the start). The first claim extracts the project, and the first
    attempts start the fork server's generation for it, which takes the next ones. Returns the last
    warm-up execution's id."""
    for _ in range(20):
        queue_started(catalog, worker_count * slots)
        wait_until(lambda: tasks_left(catalog) == 0, 60, "the warm-up executions", interval=0.05)
        ran = catalog.query("SELECT count(DISTINCT worker_agent_id) AS n, max(execution_id) AS last "
                            "FROM catalog.executions")[0]
        if ran["n"] == worker_count:
            time.sleep(0.5)         # the generations are ready (they import while the first attempts run)
            return int(ran["last"])
    raise RuntimeError(f"not every one of {worker_count} workers ran a warm-up execution")


def queue_started(catalog: Catalog, executions: int) -> None:
    """`executions` started no-op executions: catalog.create_and_start_executions, up to 10,000 a call
    (each call one transaction)."""
    element = {"folder_name": FOLDER, "project_name": PROJECT, "package_name": "noop"}
    for start in range(0, executions, 10_000):
        catalog.create_and_start_executions([element] * min(10_000, executions - start))


def pickup_latency(server: PgServer, samples: int) -> dict:
    scratch = Scratch(server)
    try:
        scratch.workers.start_enabled("w0", "--max-tasks", "4")
        catalog = scratch.catalog
        for _ in range(10):      # warm the worker's project cache and fork server
            _run_one(catalog)
        latencies = []
        for _ in range(samples):
            execution_id = _run_one(catalog)
            row = catalog.query(
                "SELECT EXTRACT(EPOCH FROM (a.claimed_time - e.start_time)) * 1000 AS ms "
                "FROM catalog.executions AS e JOIN catalog.task_attempts AS a ON a.execution_id = e.execution_id "
                "WHERE e.execution_id = :id", {"id": execution_id})[0]
            latencies.append(float(row["ms"]))
            time.sleep(0.02)     # idle between samples, as the target says
        latencies.sort()
        return {"samples": samples, "p50_ms": round(statistics.median(latencies), 2),
                "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 2),
                "max_ms": round(latencies[-1], 2)}
    finally:
        scratch.close()


def spawn_latency(samples: int) -> dict:
    """Spawn request to the package's first event and to its exit notice, through the fork server."""
    import os
    import shutil

    from scaleout_catalog.runtime import launcher
    from scaleout_catalog.runtime.child import PackageSpec
    from workers import PROJECT_DIR
    work = tempfile.mkdtemp(prefix="scaleout-spawn-")
    server = launcher.ForkServer()
    first_event, exited = [], []
    try:
        for n in range(samples + 20):           # the first 20 warm the project's generation
            spec = PackageSpec(execution_id=n, package_name="noop", entry_point="packages.basic:noop", attempt=1,
                               max_attempts=1, project_directory=str(PROJECT_DIR), working_directory=work,
                               parameters=())
            process = launcher.PackageProcess(spec)
            began = time.perf_counter()
            process.start(server)
            first = end = None
            while end is None:
                launcher.wait([server, *process.events.readers()], 5)
                if process.events.read() and first is None:
                    first = time.perf_counter() - began
                exits = server.exits()         # (sets process.pid from the spawn reply)
                server.take_started()
                if process.pid in exits:
                    end = time.perf_counter() - began
            while first is None:   # the exit notice came in before the event was read: read it now
                launcher.wait(process.events.readers(), 5)
                if process.events.read():
                    first = time.perf_counter() - began
            process.close()
            if n >= 20:
                first_event.append(first * 1000)
                exited.append(end * 1000)
            time.sleep(0.005)
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)
    first_event.sort()
    exited.sort()
    p99 = max(0, int(samples * 0.99) - 1)
    return {"samples": samples, "first_event_p50_ms": round(statistics.median(first_event), 2),
            "first_event_p99_ms": round(first_event[p99], 2), "exit_p50_ms": round(statistics.median(exited), 2),
            "exit_p99_ms": round(exited[p99], 2), "cpus": os.cpu_count()}


def idle_worker(server: PgServer, seconds: float) -> dict:
    """One enabled worker with nothing to do: its memory, CPU and transactions per second."""
    import psutil
    scratch = Scratch(server)
    try:
        worker = scratch.workers.start_enabled("w0", "--max-tasks", "4")
        _run_one(scratch.catalog)          # the fork server is up and the project cached, as in service
        time.sleep(3)
        processes = [psutil.Process(worker.proc.pid)]
        processes += processes[0].children(recursive=True)
        cpu_before = sum(sum(p.cpu_times()[:2]) for p in processes)
        commits_before = _commits(scratch)
        time.sleep(seconds)
        commits = _commits(scratch) - commits_before - 1      # less this measurement's own query
        cpu = sum(sum(p.cpu_times()[:2]) for p in processes) - cpu_before
        rss = sum(p.memory_info().rss for p in processes)
        return {"seconds": seconds, "processes": len(processes), "rss_mb": round(rss / 2 ** 20, 1),
                "cpu_percent_of_a_core": round(100 * cpu / seconds, 2),
                "transactions_per_second": round(commits / seconds, 2)}
    finally:
        scratch.close()


def _commits(scratch: Scratch) -> int:
    return scratch.catalog.query("SELECT xact_commit + xact_rollback AS n FROM pg_stat_database "
                                 "WHERE datname = current_database()")[0]["n"]


def _run_one(catalog: Catalog, package: str = "noop") -> int:
    """Runs one execution and waits for it. The wait looks every 50 ms, not every 5: the latencies are
    read from the catalog's own timestamps afterwards, and a tight poll would load the 2 cores (the view
    query, this process) while the worker picks the execution up, which the idle figure must not."""
    execution_id = run_execution(catalog, package)
    time.sleep(0.05)
    wait_until(lambda: catalog.execution(execution_id).status == 7, 60, "the execution", interval=0.05)
    return execution_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="maintenance database URL (default: embedded PostgreSQL)")
    parser.add_argument("--executions", type=int, default=1000)
    parser.add_argument("--slots", type=int, default=4, help="--max-tasks of each worker")
    parser.add_argument("--samples", type=int, default=200, help="pickup latency samples")
    parser.add_argument("--spawn-samples", type=int, default=500, help="spawn to first event samples")
    parser.add_argument("--idle-seconds", type=float, default=30.0, help="how long to watch an idle worker")
    args = parser.parse_args()
    server = benchmark_server(args.url)
    version = server.version()
    spawn = spawn_latency(args.spawn_samples)
    results = [throughput(server, n, args.executions, args.slots) for n in (1, 2)]
    latency = pickup_latency(server, args.samples)
    idle = idle_worker(server, args.idle_seconds)

    console = Console()
    table = Table(title=f"No-op package executions end to end (PostgreSQL {version}, {platform.machine()})")
    for column in ("workers", "slots_per_worker", "executions", "seconds", "executions_per_second", "split"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(*(str(r[c]) for c in ("workers", "slots_per_worker", "executions", "seconds",
                                            "executions_per_second", "split")))
    console.print(table)
    latency_table = Table(title="Pickup latency, start_execution to claimed (idle worker, LISTEN/NOTIFY)")
    for column in ("samples", "p50_ms", "p99_ms", "max_ms"):
        latency_table.add_column(column, justify="right")
    latency_table.add_row(*(str(latency[c]) for c in ("samples", "p50_ms", "p99_ms", "max_ms")))
    console.print(latency_table)
    spawn_table = Table(title="Spawn request to the no-op package's first event and exit (fork server, no database)")
    spawn_columns = ("samples", "first_event_p50_ms", "first_event_p99_ms", "exit_p50_ms", "exit_p99_ms")
    for column in spawn_columns:
        spawn_table.add_column(column, justify="right")
    spawn_table.add_row(*(str(spawn[c]) for c in spawn_columns))
    console.print(spawn_table)
    idle_table = Table(title="An idle worker (worker, fork server; stats refreshed by the server every ~0.5 s)")
    for column in ("seconds", "processes", "rss_mb", "cpu_percent_of_a_core", "transactions_per_second"):
        idle_table.add_column(column, justify="right")
    idle_table.add_row(*(str(idle[c]) for c in ("seconds", "processes", "rss_mb", "cpu_percent_of_a_core",
                                                "transactions_per_second")))
    console.print(idle_table)
    print(json.dumps({"benchmark": "end_to_end", "server_version": version, "throughput": results,
                      "pickup_latency": latency, "spawn_latency": spawn, "idle_worker": idle}, indent=2))


if __name__ == "__main__":
    main()
