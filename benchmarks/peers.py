"""This catalog side by side with two PostgreSQL job queues, procrastinate 3.10 and pgqueuer 1.6.

Same PostgreSQL, interleaved: round r runs procrastinate, then pgqueuer, then this catalog, each phase
on a fresh database; after ROUNDS rounds it prints the medians and the ratios ours/peer as a table
and as JSON (also written to --json). Measured, for JOBS no-op jobs:

- enqueue, one by one: procrastinate defer_async, pgqueuer enqueue(one); ours Catalog.create_execution
  + Catalog.start_execution (two procedure calls, two transactions: SSIS's flow).
- enqueue, one by one from several sessions at once (ours only): the same pair from --sessions
  processes (4 and 8 by default; the best counts), each with its own connection.
- enqueue, bulk: procrastinate batch_defer_async, pgqueuer enqueue(lists); ours
  catalog.create_and_start_executions (one call, set by set).
- claim + complete: the peers' own in-process workers with no-op handlers, the best of several
  settings: 1, 4, 8 or 16 procrastinate workers of concurrency 10, pgqueuer batch sizes 10, 50, 100;
  ours internal.pull_task and internal.update_tasks_status, the best of 1, 2 and 8 claimers in
  batches of 50 and of 2 and 8 claimers in batches of 100 (benchmarks/claim_throughput.py). Ours
  runs no handler at all here; see end to end below.
- end to end (ours): real `scaleout worker run` processes, each execution a package process
  (benchmarks/end_to_end.py), 1 and 2 workers in service, E2E_JOBS executions (default: JOBS) queued
  at once, the drain timed from the queue's commit, as the peers' drains are; the best of workers of
  4, 8 and 16 slots (--slots), as the peers get the best of their settings. Set against the peers'
  best drain (their handlers in their own process), in the medians and round by round.
- pickup latency, idle, one job at a time: peers from just before the enqueue call to the handler's
  first line (one clock, one process); ours from start_execution (executions.start_time) to the claim
  (task_attempts.claimed_time), both database time, to the spawn request (the worker's PRE_EXECUTE
  message) and to the package's first line (the first_line package's message, timed in its process).
- an idle worker, after one job: resident memory and CPU of its processes, and the database's
  transactions per second (pg_stat_database; queries per second need pg_stat_statements, which is
  reported when the server has it loaded).

    pip install -e '.[bench]'
    python benchmarks/peers.py --url postgresql://postgres@127.0.0.1:5432/postgres [--jobs 5000] [--json out.json]
The URL names a maintenance database; the benchmark creates and drops its own databases.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import claim_throughput  # noqa: E402
import end_to_end  # noqa: E402
from helpers import PgServer, _libpq, benchmark_server  # noqa: E402
from workers import FOLDER, PROJECT, wait_until  # noqa: E402

from scaleout_catalog import Catalog  # noqa: E402

SYSTEMS = ("procrastinate", "pgqueuer", "scaleout_catalog")
PEERS = SYSTEMS[:2]
# procrastinate's worker fetches one job per query, one query at a time, so its concurrency only
# overlaps handlers; several workers in the process overlap the fetches too. Settings: workers.
PROCRASTINATE_WORKERS = (1, 4, 8, 16)
PROCRASTINATE_CONCURRENCY = 10
PGQUEUER_BATCH = (10, 50, 100)
OURS_CLAIMS = ((1, 50), (2, 50), (8, 50), (2, 100), (8, 100))   # (claimers, batch size)
E2E_SLOTS = (4, 8, 16)       # --max-tasks of each worker, end to end


# -- shared -------------------------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_database(server: PgServer) -> Iterator[str]:
    """A new empty database on the server; yields its libpq URL; dropped afterwards."""
    name = f"peers_bench_{uuid.uuid4().hex[:8]}"
    server.create_database(name)
    try:
        yield _libpq(server.url_for(name))
    finally:
        server.drop_database(name)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def latency_summary(values_ms: list[float]) -> dict:
    return {"samples": len(values_ms), "p50_ms": round(statistics.median(values_ms), 2),
            "p99_ms": round(percentile(values_ms, 0.99), 2), "max_ms": round(max(values_ms), 2)}


def db_counters(dsn: str) -> tuple[int, int | None]:
    """(transactions, statements or None) of the database so far, from the statistics views."""
    import psycopg
    with psycopg.connect(dsn, autocommit=True) as conn:
        xacts = conn.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database "
                             "WHERE datname = current_database()").fetchone()[0]
        calls = None
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'").fetchone():
            calls = conn.execute("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements "
                                 "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                 ).fetchone()[0]
        return int(xacts), (int(calls) if calls is not None else None)


def watch_idle(pid: int, dsn: str, seconds: float) -> dict:
    """A worker process (and its children) with nothing to do: memory, CPU, database traffic."""
    import psutil
    processes = [psutil.Process(pid)]
    processes += processes[0].children(recursive=True)
    cpu_before = sum(sum(p.cpu_times()[:2]) for p in processes)
    xacts_before, calls_before = db_counters(dsn)
    time.sleep(seconds)
    xacts_after, calls_after = db_counters(dsn)
    cpu = sum(sum(p.cpu_times()[:2]) for p in processes) - cpu_before
    rss = sum(p.memory_info().rss for p in processes)
    return {"seconds": seconds, "processes": len(processes), "rss_mb": round(rss / 2 ** 20, 1),
            "cpu_percent_of_a_core": round(100 * cpu / seconds, 2),
            # less this measurement's own transaction
            "transactions_per_second": round((xacts_after - xacts_before - 1) / seconds, 2),
            "queries_per_second": (round((calls_after - calls_before) / seconds, 2)
                                   if calls_before is not None and calls_after is not None else None)}


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


# -- procrastinate ------------------------------------------------------------------------------------

class Procrastinate:
    name = "procrastinate"

    def __init__(self, dsn: str) -> None:
        import procrastinate
        self.dsn = dsn
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=dsn, max_size=40))
        self.done = 0
        self.started_at: float | None = None
        self.event: asyncio.Event | None = None

        @self.app.task(name="noop")
        async def noop() -> None:
            self.started_at = time.perf_counter()
            self.done += 1
            if self.event is not None:
                self.event.set()
        self.task = noop

    async def __aenter__(self) -> "Procrastinate":
        await self.app.open_async()
        await self.app.schema_manager.apply_schema_async()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.close_async()

    async def enqueue_one(self) -> None:
        await self.task.defer_async()

    async def enqueue_many(self, count: int) -> None:
        await self.task.batch_defer_async(*({} for _ in range(count)))

    async def drain(self, setting: int) -> None:
        await asyncio.gather(*(self.app.run_worker_async(wait=False, concurrency=PROCRASTINATE_CONCURRENCY,
                                                         name=f"w{i}", install_signal_handlers=False)
                               for i in range(setting)))

    async def serve(self) -> None:
        await self.app.run_worker_async(wait=True, install_signal_handlers=False)

    def succeeded_sql(self) -> str:
        return "SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'"


# -- pgqueuer -----------------------------------------------------------------------------------------

class PgQueuer:
    name = "pgqueuer"

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.done = 0
        self.started_at: float | None = None
        self.event: asyncio.Event | None = None
        self.manager = None

    async def __aenter__(self) -> "PgQueuer":
        import asyncpg
        from pgqueuer import AsyncpgDriver, Queries
        self.conn = await asyncpg.connect(self.dsn)
        self.queries = Queries(AsyncpgDriver(self.conn))
        await self.queries.install()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.conn.close()

    async def enqueue_one(self) -> None:
        await self.queries.enqueue("noop", None)

    async def enqueue_many(self, count: int) -> None:
        await self.queries.enqueue(["noop"] * count, [None] * count, [0] * count)

    async def _manager(self):
        """A queue manager on a connection of its own (it LISTENs on it), with the no-op entrypoint."""
        import asyncpg
        from pgqueuer import AsyncpgDriver, Queries, QueueManager
        conn = await asyncpg.connect(self.dsn)
        manager = QueueManager(Queries(AsyncpgDriver(conn)))

        @manager.entrypoint("noop")
        async def noop(job) -> None:
            self.started_at = time.perf_counter()
            self.done += 1
            if self.event is not None:
                self.event.set()
        return conn, manager

    async def drain(self, setting: int) -> None:
        from datetime import timedelta

        from pgqueuer.domain.types import QueueExecutionMode
        conn, self.manager = await self._manager()
        try:
            await self.manager.run(mode=QueueExecutionMode.drain, batch_size=setting,
                                   dequeue_timeout=timedelta(seconds=1))
        finally:
            await conn.close()

    async def serve(self) -> None:
        conn, self.manager = await self._manager()
        try:
            await self.manager.run()
        finally:
            await conn.close()

    def stop(self) -> None:
        if self.manager is not None:
            self.manager.shutdown.set()

    def succeeded_sql(self) -> str:
        return "SELECT count(*) FROM pgqueuer"       # finished jobs leave the queue table


PEER_CLASSES = {"procrastinate": Procrastinate, "pgqueuer": PgQueuer}
PEER_SETTINGS = {"procrastinate": PROCRASTINATE_WORKERS, "pgqueuer": PGQUEUER_BATCH}
SETTING_NAMES = {"procrastinate": "workers", "pgqueuer": "batch_size"}


async def peer_enqueue(kind: str, dsn: str, jobs: int) -> dict:
    async with PEER_CLASSES[kind](dsn) as peer:
        began = time.perf_counter()
        for _ in range(jobs):
            await peer.enqueue_one()
        one = time.perf_counter() - began
        began = time.perf_counter()
        await peer.enqueue_many(jobs)
        many = time.perf_counter() - began
    return {"enqueue_one_per_s": rate(jobs, one), "enqueue_bulk_per_s": rate(jobs, many)}


async def peer_drain(kind: str, dsn: str, jobs: int, setting: int) -> dict:
    async with PEER_CLASSES[kind](dsn) as peer:
        await peer.enqueue_many(jobs)
        began = time.perf_counter()
        await asyncio.wait_for(peer.drain(setting), 600)
        elapsed = time.perf_counter() - began
        if peer.done != jobs:
            raise RuntimeError(f"{kind} ran {peer.done} of {jobs} jobs")
    return {SETTING_NAMES[kind]: setting, "seconds": round(elapsed, 3), "jobs_per_second": rate(jobs, elapsed)}


async def peer_latency(kind: str, dsn: str, samples: int) -> dict:
    async with PEER_CLASSES[kind](dsn) as peer:
        peer.event = asyncio.Event()
        worker = asyncio.create_task(peer.serve())
        await asyncio.sleep(1.0)                     # listening
        latencies = []
        for i in range(10 + samples):               # the first 10 warm up
            peer.event.clear()
            sent = time.perf_counter()
            await peer.enqueue_one()
            await asyncio.wait_for(peer.event.wait(), 30)
            if i >= 10:
                latencies.append((peer.started_at - sent) * 1000)
            await asyncio.sleep(0.02)               # idle between samples
        if kind == "pgqueuer":
            peer.stop()
        else:
            worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(worker, 30)
    return latency_summary(latencies)


def peer_idle(kind: str, dsn: str, seconds: float) -> dict:
    """The peer's worker in a process of its own (as it runs in service), after one job."""
    asyncio.run(_install_and_enqueue(kind, dsn))
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--dsn", dsn],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import psycopg
        sql = PEER_CLASSES[kind](dsn).succeeded_sql()
        expected = 1 if kind == "procrastinate" else 0

        def ran() -> bool:
            with psycopg.connect(dsn, autocommit=True) as conn:
                return conn.execute(sql).fetchone()[0] == expected
        wait_until(ran, 60, f"{kind}'s worker to run its first job", interval=0.05)
        time.sleep(3)
        return watch_idle(proc.pid, dsn, seconds)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


async def _install_and_enqueue(kind: str, dsn: str) -> None:
    async with PEER_CLASSES[kind](dsn) as peer:
        await peer.enqueue_one()


def serve_forever(kind: str, dsn: str) -> None:
    """--serve: run the peer's worker until SIGTERM (for the idle measurement)."""
    async def main() -> None:
        peer = PEER_CLASSES[kind](dsn)
        async with contextlib.AsyncExitStack() as stack:
            if kind == "procrastinate":              # its app is opened, the schema already there
                await stack.enter_async_context(peer.app.open_async())
            stop = asyncio.Event()
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
            worker = asyncio.create_task(peer.serve())
            await stop.wait()
            if kind == "pgqueuer":
                peer.stop()
            else:
                worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(worker, 10)
    asyncio.run(main())


def run_peer(kind: str, server: PgServer, args: argparse.Namespace, log: Callable[[str], None],
             settings: tuple[int, ...] | None = None) -> dict:
    """One round of a peer; `settings`: the drain settings to try (default: all of PEER_SETTINGS)."""
    with fresh_database(server) as dsn:
        result = asyncio.run(peer_enqueue(kind, dsn, args.jobs))
    log(f"{kind}: enqueue {result}")
    drains = []
    for setting in settings or PEER_SETTINGS[kind]:
        with fresh_database(server) as dsn:
            drains.append(asyncio.run(peer_drain(kind, dsn, args.jobs, setting)))
        log(f"{kind}: drain {drains[-1]}")
    best = max(drains, key=lambda d: d["jobs_per_second"])
    result.update(claim_complete_per_s=best["jobs_per_second"], best_setting=best[SETTING_NAMES[kind]],
                  claim_complete_setting=f"{SETTING_NAMES[kind]} {best[SETTING_NAMES[kind]]}", drains=drains)
    with fresh_database(server) as dsn:
        latency = asyncio.run(peer_latency(kind, dsn, args.samples))
    log(f"{kind}: pickup {latency}")
    result.update(pickup_p50_ms=latency["p50_ms"], pickup_p99_ms=latency["p99_ms"], pickup=latency)
    with fresh_database(server) as dsn:
        idle = peer_idle(kind, dsn, args.idle_seconds)
    log(f"{kind}: idle {idle}")
    result.update(idle_rss_mb=idle["rss_mb"], idle_cpu_percent=idle["cpu_percent_of_a_core"],
                  idle_transactions_per_s=idle["transactions_per_second"],
                  idle_queries_per_s=idle["queries_per_second"], idle=idle)
    return result


# -- this catalog -------------------------------------------------------------------------------------

def ours_enqueue(server: PgServer, jobs: int, sessions: tuple[int, ...]) -> dict:
    scratch = end_to_end.Scratch(server)
    try:
        catalog = scratch.catalog
        began = time.perf_counter()
        for _ in range(jobs):
            execution_id = catalog.create_execution(FOLDER, PROJECT, "noop", useanyworker=True)
            catalog.start_execution(execution_id)
        one = time.perf_counter() - began
        began = time.perf_counter()
        method = bulk_queue(catalog, jobs)
        many = time.perf_counter() - began
        several = {count: ssis_pair_from_sessions(scratch.url, jobs, count) for count in sessions}
        queued = catalog.query("SELECT count(*) AS n FROM internal.tasks WHERE status = 1")[0]["n"]
        if queued != (2 + len(sessions)) * jobs:
            raise RuntimeError(f"{queued} tasks queued, expected {(2 + len(sessions)) * jobs}")
        best = max(several, key=several.get)
        return {"enqueue_one_per_s": rate(jobs, one), "enqueue_bulk_per_s": rate(jobs, many),
                "enqueue_bulk_method": method, "enqueue_sessions_per_s": several[best], "sessions": best,
                "enqueue_by_sessions": several}
    finally:
        scratch.close()


def _pair_session(url: str, count: int, ready: Any, go: Any, spans: Any) -> None:
    """One session of ssis_pair_from_sessions: its own process and connection."""
    catalog = Catalog(url)
    catalog.query("SELECT 1 AS x")              # connected before the clock starts
    ready.put(None)
    go.wait()
    began = time.time()
    for _ in range(count):
        catalog.start_execution(catalog.create_execution(FOLDER, PROJECT, "noop", useanyworker=True))
    spans.put((began, time.time()))
    catalog.dispose()


def ssis_pair_from_sessions(url: str, jobs: int, sessions: int) -> float:
    """SSIS's create_execution + start_execution, `jobs` pairs in all from `sessions` processes at once
    (as many SQL Agent jobs or clients start packages at the same time); from the first start to the last end."""
    import multiprocessing
    context = multiprocessing.get_context("spawn")
    ready, spans, go = context.Queue(), context.Queue(), context.Event()
    share = [jobs // sessions + (1 if i < jobs % sessions else 0) for i in range(sessions)]
    procs = [context.Process(target=_pair_session, args=(url, n, ready, go, spans)) for n in share]
    for proc in procs:
        proc.start()
    try:
        for _ in procs:
            ready.get(timeout=120)
        go.set()
        times = [spans.get(timeout=600) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.kill()
    return rate(jobs, max(end for _, end in times) - min(start for start, _ in times))


def bulk_queue(catalog: Catalog, jobs: int) -> str:
    """Queues `jobs` started executions at once: catalog.create_and_start_executions, up to 10,000 a call."""
    end_to_end.queue_started(catalog, jobs)
    return "catalog.create_and_start_executions"


def ours_latency(server: PgServer, samples: int) -> dict:
    """Idle worker; one execution of the first_line package at a time. From start_execution (the
    execution's start_time) to the claim, to the spawn request (the worker's PRE_EXECUTE message) and
    to the package's first line (its own message, timed in the package process); database time and
    the package's clock are the same machine's."""
    scratch = end_to_end.Scratch(server)
    try:
        scratch.workers.start_enabled("w0", "--max-tasks", "4")
        catalog = scratch.catalog
        for _ in range(10):                          # warm the project cache and the fork server
            end_to_end._run_one(catalog, "first_line")
        claim, spawn, first = [], [], []
        for _ in range(samples):
            execution_id = end_to_end._run_one(catalog, "first_line")
            row = catalog.query(
                "SELECT EXTRACT(EPOCH FROM (a.claimed_time - e.start_time)) * 1000 AS claim_ms, "
                "       EXTRACT(EPOCH FROM ((SELECT min(m.message_time) FROM catalog.operation_messages AS m "
                "                            WHERE m.operation_id = e.execution_id AND m.message_type = 30)"
                "                           - e.start_time)) * 1000 AS spawn_ms, "
                "       EXTRACT(EPOCH FROM ((SELECT min(m.message_time) FROM catalog.operation_messages AS m "
                "                            WHERE m.operation_id = e.execution_id AND m.message = 'first line')"
                "                           - e.start_time)) * 1000 AS first_ms "
                "FROM catalog.executions AS e JOIN catalog.task_attempts AS a ON a.execution_id = e.execution_id "
                "WHERE e.execution_id = :id", {"id": execution_id})[0]
            claim.append(float(row["claim_ms"]))
            spawn.append(float(row["spawn_ms"]))
            first.append(float(row["first_ms"]))
            time.sleep(0.02)
        return {"claim": latency_summary(claim), "spawn_request": latency_summary(spawn),
                "package_start": latency_summary(first)}
    finally:
        scratch.close()


def ours_idle(server: PgServer, seconds: float) -> dict:
    scratch = end_to_end.Scratch(server)
    try:
        worker = scratch.workers.start_enabled("w0", "--max-tasks", "4")
        end_to_end._run_one(scratch.catalog)         # fork server up, project cached, as in service
        time.sleep(3)
        return watch_idle(worker.proc.pid, _libpq(scratch.url), seconds)
    finally:
        scratch.close()


def run_ours(server: PgServer, args: argparse.Namespace, log: Callable[[str], None],
             settings: tuple[int, ...] | None = None, e2e_slots: dict[int, tuple[int, ...]] | None = None) -> dict:
    """One round of this catalog; `settings`: the (claimers, batch size) pairs to try (default: OURS_CLAIMS);
    `e2e_slots`: by worker count, the slots to try end to end (default: --slots)."""
    result = ours_enqueue(server, args.jobs, args.sessions)
    log(f"ours: enqueue {result}")
    claims = []
    for claimers, batch in settings or OURS_CLAIMS:
        claims.append(claim_throughput.run(server, claimers, args.jobs, batch))
        log(f"ours: claim {claims[-1]}")
    best = max(claims, key=lambda c: c["tasks_per_second"])
    result.update(claim_complete_per_s=best["tasks_per_second"], best_setting=(best["claimers"], best["batch"]),
                  claim_complete_setting=f"claimers {best['claimers']}, batch {best['batch']}", claims=claims)
    e2e, tries = [], []
    for workers in (1, 2):
        for slots in (e2e_slots or {}).get(workers, args.slots):
            tries.append(end_to_end.throughput(server, workers, args.e2e_jobs, slots))
            log(f"ours: end to end {tries[-1]}")
        e2e.append(max((t for t in tries if t["workers"] == workers), key=lambda t: t["executions_per_second"]))
    result.update(e2e_1_worker_per_s=e2e[0]["executions_per_second"],
                  e2e_2_workers_per_s=e2e[1]["executions_per_second"],
                  e2e_best_slots={1: e2e[0]["slots_per_worker"], 2: e2e[1]["slots_per_worker"]}, e2e=e2e,
                  e2e_tries=tries)
    latency = ours_latency(server, args.samples)
    log(f"ours: pickup {latency}")
    result.update(pickup_p50_ms=latency["claim"]["p50_ms"], pickup_p99_ms=latency["claim"]["p99_ms"],
                  package_start_p50_ms=latency["package_start"]["p50_ms"],
                  package_start_p99_ms=latency["package_start"]["p99_ms"], pickup=latency)
    idle = ours_idle(server, args.idle_seconds)
    log(f"ours: idle {idle}")
    result.update(idle_rss_mb=idle["rss_mb"], idle_cpu_percent=idle["cpu_percent_of_a_core"],
                  idle_transactions_per_s=idle["transactions_per_second"],
                  idle_queries_per_s=idle["queries_per_second"], idle=idle)
    return result


# -- report -------------------------------------------------------------------------------------------

# (key, label, higher is better); ours' package start is compared with the peers' handler start.
METRICS = (
    ("enqueue_one_per_s", "enqueue one by one (jobs/s)", True),
    ("enqueue_bulk_per_s", "enqueue bulk (jobs/s)", True),
    ("enqueue_sessions_per_s", "ours: SSIS's pair from several sessions at once (executions/s)", True),
    ("claim_complete_per_s", "claim + complete, best setting (jobs/s)", True),
    ("e2e_1_worker_per_s", "end to end, 1 worker process (jobs/s; peers: their best drain)", True),
    ("e2e_2_workers_per_s", "end to end, 2 worker processes (jobs/s; peers: their best drain)", True),
    ("pickup_p50_ms", "pickup p50 (ms): peers handler start, ours claim", False),
    ("pickup_p99_ms", "pickup p99 (ms): peers handler start, ours claim", False),
    ("package_start_p50_ms", "ours: to the package's first line p50 (ms)", False),
    ("package_start_p99_ms", "ours: to the package's first line p99 (ms)", False),
    ("idle_rss_mb", "idle worker resident memory (MB)", False),
    ("idle_cpu_percent", "idle worker CPU (% of a core)", False),
    ("idle_transactions_per_s", "idle worker: database transactions/s", False),
    ("idle_queries_per_s", "idle worker: database queries/s", False),
)
# Ours' end to end (each execution a process of its own) against the peers' best drain (handlers in their
# own process): the comparison the project's performance target is stated in.
PEER_EQUIVALENT = {"package_start_p50_ms": "pickup_p50_ms", "package_start_p99_ms": "pickup_p99_ms",
                   "e2e_1_worker_per_s": "claim_complete_per_s", "e2e_2_workers_per_s": "claim_complete_per_s"}


def medians(rounds: list[dict]) -> dict:
    out: dict[str, dict] = {}
    for system in SYSTEMS:
        out[system] = {}
        for key, _, _ in METRICS:
            values = [r[system][key] for r in rounds if r[system].get(key) is not None]
            if values:
                out[system][key] = round(statistics.median(values), 2)
        settings = [r[system]["claim_complete_setting"] for r in rounds]
        if system == "procrastinate":
            settings = [f"{s}, concurrency {PROCRASTINATE_CONCURRENCY}" for s in settings]
        out[system]["claim_complete_setting"] = max(set(settings), key=settings.count)
    return out


def ratios(median: dict) -> dict:
    ours = median["scaleout_catalog"]
    out: dict[str, dict] = {}
    for peer in PEERS:
        out[peer] = {}
        for key, _, _ in METRICS:
            theirs = median[peer].get(PEER_EQUIVALENT.get(key, key))
            if key in ours and theirs:
                out[peer][key] = round(ours[key] / theirs, 2)
    return out


def end_to_end_by_round(rounds: list[dict]) -> list[dict]:
    """Each round's best end to end (1 or 2 workers) against procrastinate's best drain in the same round:
    the machine's speed moves between rounds, so each ratio compares like with like."""
    out = []
    for number, row in enumerate(rounds, 1):
        ours = max((row["scaleout_catalog"].get(k) or 0 for k in ("e2e_1_worker_per_s", "e2e_2_workers_per_s")))
        theirs = row["procrastinate"].get("claim_complete_per_s")
        if ours and theirs:
            out.append({"round": number, "ours_end_to_end_per_s": ours, "procrastinate_drain_per_s": theirs,
                        "ratio": round(ours / theirs, 2)})
    return out


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def print_report(report: dict) -> None:
    console = Console(width=160)
    median, ratio = report["medians"], report["ratios"]
    table = Table(title=f"Medians of {report['rounds_run']} interleaved rounds, {report['jobs']} no-op jobs "
                        f"(PostgreSQL {report['server_version']}, {platform.machine()}, {os.cpu_count()} cores)")
    table.add_column("metric")
    for name in ("procrastinate 3.10", "pgqueuer 1.6", "scaleout_catalog", "ours / procrastinate",
                 "ours / pgqueuer"):
        table.add_column(name, justify="right")
    for key, label, _ in METRICS:
        cells = [fmt(median[s].get(key)) for s in SYSTEMS]
        if key in PEER_EQUIVALENT:
            cells[:2] = ["(" + fmt(median[p].get(PEER_EQUIVALENT[key])) + ")" for p in PEERS]
        table.add_row(label, *cells, *(fmt(ratio[p].get(key)) for p in PEERS))
    table.add_row("claim + complete: best setting", *(median[s]["claim_complete_setting"] for s in SYSTEMS), "", "")
    console.print(table)
    by_round = report.get("end_to_end_by_round") or []
    if by_round:
        console.print("ours end to end, best of 1 and 2 workers, / procrastinate's best drain, by round: " + ", ".join(
            f"{r['ours_end_to_end_per_s']:,.0f} / {r['procrastinate_drain_per_s']:,.0f} = {r['ratio']:.2f}"
            for r in by_round))


MAX_SESSIONS = 64


def _counts(text: str) -> tuple[int, ...]:
    """A comma-separated list of counts, each at least 1 (argparse type)."""
    try:
        counts = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of counts: {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"each count must be at least 1: {text!r}")
    return counts


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt      # a SIGTERM unwinds like Ctrl-C: workers stopped, databases dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="maintenance database URL (default: embedded PostgreSQL)")
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--e2e-jobs", type=int, default=None, help="executions for ours' end-to-end runs "
                                                                      "(default: --jobs)")
    parser.add_argument("--slots", type=_counts, default=E2E_SLOTS,
                        help="--max-tasks of each worker to try end to end, comma-separated (default: 4,8,16)")
    parser.add_argument("--samples", type=int, default=200, help="pickup latency samples")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sessions", type=_counts, default=(4, 8),
                        help="sessions that run SSIS's create_execution + start_execution at once, "
                             "comma-separated: each is tried, the best counts (default: 4,8; at most 64)")
    parser.add_argument("--every-setting", action="store_true",
                        help="try every drain setting in every round (default: round 1 only)")
    parser.add_argument("--json", type=Path, default=None, help="also write the JSON report here")
    parser.add_argument("--serve", choices=PEERS, help=argparse.SUPPRESS)
    parser.add_argument("--dsn", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.e2e_jobs is None:
        args.e2e_jobs = args.jobs
    for name in ("jobs", "e2e_jobs", "samples", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if max(args.sessions) > MAX_SESSIONS:     # each is a process with its own connection to the server
        parser.error(f"--sessions: each count must be at most {MAX_SESSIONS}")
    logging.getLogger("procrastinate").setLevel(logging.ERROR)    # its per-job and top-level-app notices
    if args.serve:
        serve_forever(args.serve, args.dsn)
        return
    signal.signal(signal.SIGTERM, _interrupt)
    server = benchmark_server(args.url)
    began = time.monotonic()

    def log(line: str) -> None:
        print(f"[{time.monotonic() - began:7.1f} s] {line}", file=sys.stderr, flush=True)

    # Round 1 tries every drain setting; later rounds rerun only the best one found (a peer's drain at
    # a poor setting takes minutes on this machine).
    rounds: list[dict] = []
    for r in range(args.rounds):
        row = {}
        for system in SYSTEMS:
            log(f"round {r + 1}: {system}")
            settings = (rounds[0][system]["best_setting"],) if rounds and not args.every_setting else None
            if system == "scaleout_catalog":
                slots = {w: (s,) for w, s in rounds[0][system]["e2e_best_slots"].items()} \
                    if rounds and not args.every_setting else None
                row[system] = run_ours(server, args, log, settings, slots)
            else:
                row[system] = run_peer(system, server, args, log, settings)
        rounds.append(row)
    from importlib.metadata import version
    median = medians(rounds)
    report = {"benchmark": "peers", "server_version": server.version(), "jobs": args.jobs,
              "e2e_jobs": args.e2e_jobs, "rounds_run": len(rounds),
              "versions": {p: version(p) for p in PEERS}, "medians": median, "ratios": ratios(median),
              "end_to_end_by_round": end_to_end_by_round(rounds), "rounds": rounds}
    print_report(report)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
