"""A catalog with a long history: how fast the everyday questions and the claim stay.

Builds a catalog at EXECUTIONS executions and MESSAGES operation_messages (default 1,000,000 and
10,000,000), written by generate_series straight into the internal tables (benchmarks/sql/history_build.sql:
operations, executions, jobs, tasks_history, task_attempts, operation_messages and a few running tasks;
mostly succeeded, every 50th failed with an error message, a few canceled, ended unexpectedly or
running; start times over 90 days), vacuums and analyzes it as autovacuum would, then times (median of
RUNS runs, ms, each planned afresh as in psql) the queries in benchmarks/sql/history_queries.sql:

  a. the newest 50 executions; also `scaleout executions list --limit 50` end to end (a new process)
  b. the newest 50 failed executions with their first error message
  c. executions started in the last hour
  d. running executions

and the claim: internal.pull_task of one queued task, then internal.update_tasks_status, median of
CLAIMS, against the same on an empty catalog (the two alternate, claim by claim), as a ratio. EXPLAIN (ANALYZE, BUFFERS) of a-d goes to --plans.

    python benchmarks/history.py --url postgresql://postgres@127.0.0.1:5432/postgres [--plans plans.txt]
    python benchmarks/history.py --executions 100000 --messages 1000000      # smaller
The URL names a maintenance database; the benchmark's database is dropped at the end unless --keep.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import FOLDER, PROJECT, PgServer, _libpq, benchmark_server, deploy_sample, register  # noqa: E402

from scaleout_catalog import Catalog, migrate  # noqa: E402

SQL_DIR = Path(__file__).resolve().parent / "sql"
RUNNING = 20                  # executions still running at the newest end of the history
EXECUTION_CHUNK = 100_000
MESSAGE_CHUNK = 1_000_000


def sql_blocks(path: Path, marker: str) -> dict[str, tuple[str, str]]:
    """The file's blocks, each introduced by a line "-- MARKER KEY: description" (or "-- MARKER KEY"):
    {key: (description, sql)}."""
    blocks: dict[str, tuple[str, str]] = {}
    key = None
    for line in path.read_text().splitlines():
        found = re.match(rf"-- {marker} (\w+):?\s*(.*)$", line)
        if found:
            key = found.group(1)
            blocks[key] = (found.group(2), "")
        elif key is not None:
            description, sql = blocks[key]
            blocks[key] = (description, sql + line + "\n")
    return {k: (d, s.strip()) for k, (d, s) in blocks.items()}


QUERIES = sql_blocks(SQL_DIR / "history_queries.sql", "query")
BUILD = sql_blocks(SQL_DIR / "history_build.sql", "step")


class Scratch:
    """A fresh catalog database with the sample project and four enabled workers."""

    def __init__(self, server: PgServer, prefix: str) -> None:
        self.server, self.name = server, f"{prefix}_{uuid.uuid4().hex[:8]}"
        server.create_database(self.name)
        self.url = server.url_for(self.name)
        self.dsn = _libpq(self.url)
        self.catalog = Catalog(self.url)
        migrate.upgrade(self.catalog.engine)
        deploy_sample(self.catalog)
        self.workers = [register(self.catalog, f"worker{i}") for i in range(4)]

    def drop(self) -> None:
        self.catalog.dispose()
        self.server.drop_database(self.name)


def build_history(scratch: Scratch, executions: int, messages: int, log) -> dict:
    project = scratch.catalog.query("SELECT project_id, object_version_lsn FROM internal.projects")[0]
    base = scratch.catalog.query("SELECT coalesce(max(operation_id), 0) + 1 AS b FROM internal.operations")[0]["b"]
    per = max(1, messages // executions)
    params = {"n": executions, "base": base, "running": min(RUNNING, executions), "per": per,
              "workers": [str(w) for w in scratch.workers], "project_id": project["project_id"],
              "project_lsn": project["object_version_lsn"], "folder": FOLDER, "project": PROJECT}
    began = time.perf_counter()
    with psycopg.connect(scratch.dsn, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")      # a bulk load; the data is thrown away afterwards
        for lo in range(1, executions + 1, EXECUTION_CHUNK):
            hi = min(executions, lo + EXECUTION_CHUNK - 1)
            conn.execute(BUILD["executions"][1], {**params, "lo": lo, "hi": hi})
            log(f"executions {hi:,}/{executions:,} ({time.perf_counter() - began:.0f} s)")
        total = per * executions
        for lo in range(1, total + 1, MESSAGE_CHUNK):
            hi = min(total, lo + MESSAGE_CHUNK - 1)
            conn.execute(BUILD["messages"][1], {**params, "lo": lo, "hi": hi})
            log(f"messages {hi:,}/{total:,} ({time.perf_counter() - began:.0f} s)")
        # later identities continue after the generated ones
        conn.execute("SELECT setval(pg_get_serial_sequence('internal.operations', 'operation_id'), "
                     "(SELECT max(operation_id) FROM internal.operations))")
        conn.execute("SELECT setval(pg_get_serial_sequence('internal.operation_messages', 'operation_message_id'), "
                     "(SELECT max(operation_message_id) FROM internal.operation_messages))")
        loaded = time.perf_counter() - began
        for table in ("operations", "executions", "jobs", "tasks", "tasks_history", "task_attempts",
                      "operation_messages"):
            conn.execute(f"VACUUM (ANALYZE) internal.{table}")     # as autovacuum would, in time
        log(f"vacuumed and analyzed ({time.perf_counter() - began:.0f} s)")
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM internal.executions), (SELECT count(*) FROM internal.operation_messages), "
            "(SELECT count(*) FROM internal.operations WHERE status = 4), "
            "(SELECT count(*) FROM internal.operations WHERE status = 2)").fetchone()
    return {"executions": counts[0], "messages": counts[1], "failed": counts[2], "running": counts[3],
            "load_seconds": round(loaded, 1), "build_seconds": round(time.perf_counter() - began, 1),
            "database_size": size}


def time_queries(dsn: str, runs: int) -> dict:
    out = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.prepare_threshold = None      # planned every time, as a DBA's ad hoc query in psql is
        for key, (description, sql) in QUERIES.items():
            rows = len(conn.execute(sql).fetchall())         # warm-up, and the answer's size
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                conn.execute(sql).fetchall()
                times.append((time.perf_counter() - began) * 1000)
            out[key] = {"query": description, "rows": rows, "median_ms": round(statistics.median(times), 2),
                        "max_ms": round(max(times), 2)}
    return out


def time_cli(url: str, runs: int) -> dict:
    """`scaleout executions list --limit 50` as a person runs it: a new process each time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEOUT_")}
    env["COLUMNS"] = "200"
    times = []
    for _ in range(runs + 1):
        began = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "scaleout_catalog.cli", "executions", "list", "--limit", "50",
                                 "--url", url], capture_output=True, text=True, timeout=120, env=env)
        times.append((time.perf_counter() - began) * 1000)
        if result.returncode != 0:
            raise RuntimeError(f"scaleout executions list failed: {result.stderr}")
    baseline = []
    for _ in range(5):      # what starting Python and importing the CLI cost alone
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scaleout_catalog.cli", "--help"], capture_output=True, timeout=60,
                       env=env)
        baseline.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(statistics.median(times[1:]), 1), "max_ms": round(max(times[1:]), 1),
            "cli_help_median_ms": round(statistics.median(baseline), 1)}


def claim_latency(pairs: list[tuple[Catalog, uuid.UUID]], samples: int) -> list[dict]:
    """pull_task of the one queued task, then its completion, on each catalog in turn (so that other
    load on the machine weighs on each alike); the queueing is not timed."""
    claim: list[list[float]] = [[] for _ in pairs]
    complete: list[list[float]] = [[] for _ in pairs]
    for i in range(samples + 5):
        for k, (catalog, worker) in enumerate(pairs):
            execution_id = catalog.create_execution(FOLDER, PROJECT, "package2", useanyworker=True)
            catalog.start_execution(execution_id)
            began = time.perf_counter()
            tasks = catalog.pull_task(worker, 1)
            claimed = time.perf_counter()
            catalog.update_tasks_status(worker, [(t.task_id, t.lease_token, 5) for t in tasks])
            done = time.perf_counter()
            if len(tasks) != 1:
                raise RuntimeError(f"claimed {len(tasks)} tasks, expected 1")
            if i >= 5:                 # warm-up
                claim[k].append((claimed - began) * 1000)
                complete[k].append((done - began) * 1000)
    return [{"samples": samples, "claim_median_ms": round(statistics.median(claim[k]), 2),
             "claim_and_complete_median_ms": round(statistics.median(complete[k]), 2)} for k in range(len(pairs))]


def explain(dsn: str, path: Path) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn, path.open("w") as out:
        for key, (description, sql) in QUERIES.items():
            plan = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}").fetchall()
            out.write(f"-- query {key}: {description}\n{sql}\n\n" + "\n".join(r[0] for r in plan) + "\n\n")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt      # a SIGTERM unwinds like Ctrl-C, so the databases are dropped


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="maintenance database URL (default: embedded PostgreSQL)")
    parser.add_argument("--executions", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each query")
    parser.add_argument("--claims", type=int, default=200, help="timed claims, on each catalog")
    parser.add_argument("--plans", type=Path, default=None, help="write EXPLAIN (ANALYZE, BUFFERS) of a-d here")
    parser.add_argument("--json", type=Path, default=None, help="also write the JSON report here")
    parser.add_argument("--keep", action="store_true", help="keep the history database (its URL is printed)")
    args = parser.parse_args()
    server = benchmark_server(args.url)
    began = time.monotonic()

    def log(line: str) -> None:
        print(f"[{time.monotonic() - began:7.1f} s] {line}", file=sys.stderr, flush=True)

    empty = Scratch(server, "history_bench_empty")
    scratch = None
    try:
        scratch = Scratch(server, "history_bench")
        built = build_history(scratch, args.executions, args.messages, log)
        log(f"built {built}")
        queries = time_queries(scratch.dsn, args.runs)
        log(f"queries {queries}")
        cli = time_cli(scratch.url, args.runs)
        log(f"cli {cli}")
        baseline, claims = claim_latency([(empty.catalog, empty.workers[0]), (scratch.catalog, scratch.workers[0])],
                                         args.claims)
        log(f"claim: empty {baseline}, history {claims}")
        if args.plans:
            explain(scratch.dsn, args.plans)
    finally:
        empty.drop()
        if scratch is not None and args.keep:
            scratch.catalog.dispose()
            print(f"kept: {scratch.url}", file=sys.stderr)
        elif scratch is not None:
            scratch.drop()

    ratio = {k: round(claims[k] / baseline[k], 2) for k in ("claim_median_ms", "claim_and_complete_median_ms")}
    report = {"benchmark": "history", "server_version": server.version(), "history": built,
              "queries": queries, "cli_executions_list": cli, "claim_empty": baseline, "claim_history": claims,
              "claim_ratio_history_to_empty": ratio}
    console = Console(width=160)
    title = (f"{built['executions']:,} executions, {built['messages']:,} messages ({built['database_size']}; "
             f"PostgreSQL {report['server_version']}, {platform.machine()}): median of {args.runs} runs")
    table = Table(title=title)
    for column, justify in (("", "left"), ("question", "left"), ("rows", "right"), ("median ms", "right"),
                            ("max ms", "right")):
        table.add_column(column, justify=justify)
    for key, q in queries.items():
        table.add_row(key, q["query"], str(q["rows"]), f"{q['median_ms']:.2f}", f"{q['max_ms']:.2f}")
    table.add_row("a", f"scaleout executions list --limit 50, a new process (--help alone: "
                       f"{cli['cli_help_median_ms']:.0f} ms)", "50", f"{cli['median_ms']:.0f}", f"{cli['max_ms']:.0f}")
    console.print(table)
    claim_table = Table(title=f"Claim one queued task, median of {args.claims} (ms)")
    for column in ("", "empty catalog", "history", "history / empty"):
        claim_table.add_column(column, justify="right")
    for key, label in (("claim_median_ms", "pull_task"), ("claim_and_complete_median_ms", "pull_task + complete")):
        claim_table.add_row(label, f"{baseline[key]:.2f}", f"{claims[key]:.2f}", f"{ratio[key]:.2f}")
    console.print(claim_table)
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
