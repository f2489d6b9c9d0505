"""Tasks claimed and completed per second through the catalog procedures (no package process).

For 1, 2 and 8 concurrent claimers, each on its own connection: queue TASKS executions,
then every claimer loops internal.pull_task(max_tasks = BATCH) and
internal.update_tasks_status(...) until the queue is empty. Prints a table and JSON.

    python benchmarks/claim_throughput.py                      # embedded PostgreSQL
    python benchmarks/claim_throughput.py --url postgresql://postgres@127.0.0.1:5432/postgres
The URL names a maintenance database; the benchmark creates and drops its own databases.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import threading
import time
import uuid
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import FOLDER, PROJECT, PgServer, benchmark_server, deploy_sample, register  # noqa: E402
from workload import queue_executions  # noqa: E402

from scaleout_catalog import Catalog, migrate  # noqa: E402


def run(server: PgServer, claimers: int, tasks: int, batch: int) -> dict:
    name = f"scaleout_bench_{uuid.uuid4().hex[:8]}"
    server.create_database(name)
    url = server.url_for(name)
    try:
        catalog = Catalog(url)
        migrate.upgrade(catalog.engine)
        deploy_sample(catalog)
        queue_executions(catalog, tasks, FOLDER, PROJECT, "package2")
        workers = [register(catalog, f"bench{i}") for i in range(claimers)]
        done = [0] * claimers
        start = threading.Barrier(claimers + 1)

        def claim(index: int) -> None:
            own = Catalog(url, pool_size=1)
            start.wait()
            while True:
                claimed = own.pull_task(workers[index], batch)
                if not claimed:
                    break
                own.update_tasks_status(workers[index], [(t.task_id, t.lease_token, 5) for t in claimed])
                done[index] += len(claimed)
            own.dispose()

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(claimers)]
        for t in threads:
            t.start()
        start.wait()
        began = time.perf_counter()
        for t in threads:
            t.join(timeout=600)
        elapsed = time.perf_counter() - began
        succeeded = catalog.query("SELECT count(*) AS n FROM catalog.executions WHERE status = 7")[0]["n"]
        catalog.dispose()
        return {"claimers": claimers, "tasks": sum(done), "succeeded": succeeded, "batch": batch,
                "seconds": round(elapsed, 3), "tasks_per_second": round(sum(done) / elapsed, 1)}
    finally:
        server.drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="maintenance database URL (default: embedded PostgreSQL)")
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--claimers", default="1,2,8")
    args = parser.parse_args()
    server = benchmark_server(args.url)
    version = server.version()
    results = [run(server, int(n), args.tasks, args.batch) for n in args.claimers.split(",")]
    table = Table(title=f"Claim + complete through the procedures (PostgreSQL {version}, {platform.machine()})")
    for column in ("claimers", "tasks", "succeeded", "batch", "seconds", "tasks_per_second"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(*(str(r[c]) for c in ("claimers", "tasks", "succeeded", "batch", "seconds", "tasks_per_second")))
    Console().print(table)
    print(json.dumps({"benchmark": "claim_throughput", "server_version": version, "results": results}, indent=2))


if __name__ == "__main__":
    main()
