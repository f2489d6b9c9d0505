"""How soon a new worker is in catalog.worker_agents: from `scaleout worker run` starting to its row.

Starts a fresh worker process ROUNDS times (each with a new state directory, so a new identity) and
prints the median and worst registration latency. The README promises well under a second on
PostgreSQL; this is where that figure is measured (the tests only print it).

    python benchmarks/registration.py                      # embedded PostgreSQL
    python benchmarks/registration.py --url postgresql://postgres@127.0.0.1:5432/postgres --rounds 20
The URL names a maintenance database; the benchmark creates and drops its own database.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import benchmark_server  # noqa: E402
from workers import Workers, wait_until  # noqa: E402

from scaleout_catalog import Catalog, migrate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="a maintenance database URL (default: embedded PostgreSQL)")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    server = benchmark_server(args.url)
    name = f"scaleout_bench_{uuid.uuid4().hex[:8]}"
    server.create_database(name)
    url = server.url_for(name)
    catalog = Catalog(url)
    migrate.upgrade(catalog.engine)
    workers = Workers(url, Path(tempfile.mkdtemp(prefix="scaleout-bench-")), catalog)
    latencies = []
    try:
        for i in range(args.rounds):
            worker = workers.start(f"w{i}")
            wait_until(lambda: catalog.worker_agent(worker.worker_agent_id), 30, "the worker to register")
            latencies.append(time.monotonic() - worker.started_at)
            worker.terminate()
    finally:
        workers.stop_all()
        catalog.dispose()
        server.drop_database(name)
    print(f"registration: {len(latencies)} workers, median {statistics.median(latencies):.3f} s, "
          f"worst {max(latencies):.3f} s")


if __name__ == "__main__":
    main()
