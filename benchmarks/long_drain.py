"""A long drain, end to end: does the rate hold? EXECUTIONS no-op executions are queued at once
(catalog.create_and_start_executions) for WORKERS `scaleout worker run` processes, each a package
process of its own; what is left in the queue is sampled every 0.1 s, and the rate of each quarter of the
drain is printed (the last quarter against the first), with the machine's CPU time per execution in each
quarter (all processes: busy, and stolen by the hypervisor) and the dead tuples of the hot queue tables
at the end. The drain is bound by CPU here, so a quarter that costs the same CPU per execution but runs
slower ran on a slower machine (a virtual machine's neighbours), not on a catalog that degraded. It also
prints whether the server runs autovacuum: without it, nothing removes the index entries that claimed
tasks leave at the head of the queue's index, and each claim walks over more of them.

    python benchmarks/long_drain.py --url postgresql://postgres@127.0.0.1:5432/postgres [--executions 20000]
The URL names a maintenance database; the benchmark creates and drops its own database.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import end_to_end  # noqa: E402
import peers  # noqa: E402
import psutil  # noqa: E402
from options import postgresql_server, whole_number  # noqa: E402


def drain(server, executions: int, workers: int, slots: int, limit: float) -> dict:
    scratch = end_to_end.Scratch(server)
    try:
        for i in range(workers):
            scratch.workers.start_enabled(f"w{i}", "--max-tasks", str(slots))
        catalog = scratch.catalog
        peers.bulk_queue(catalog, executions)
        began = time.perf_counter()
        marks = [executions * q // 4 for q in (1, 2, 3, 4)]
        reached: list[float] = []
        cpu = [psutil.cpu_times()]
        while len(reached) < 4:
            if time.perf_counter() - began > limit:
                raise TimeoutError(f"{executions} executions did not finish within {limit} s")
            done = executions - end_to_end.tasks_left(catalog)
            while len(reached) < 4 and done >= marks[len(reached)]:
                reached.append(time.perf_counter() - began)
                cpu.append(psutil.cpu_times())
            time.sleep(0.1)
        end_to_end.require_all_succeeded(catalog, executions)
        starts = [0.0, *reached[:3]]
        rates = [round((executions / 4) / (end - start), 1) for start, end in zip(starts, reached)]
        per = 1000 / (executions / 4)      # seconds of a quarter -> ms an execution
        busy = [round((_busy(b) - _busy(a)) * per, 2) for a, b in zip(cpu, cpu[1:])]
        steal = [round((getattr(b, "steal", 0.0) - getattr(a, "steal", 0.0)) * per, 2) for a, b in zip(cpu, cpu[1:])]
        autovacuum = catalog.query("SELECT current_setting('autovacuum') AS on_off")[0]["on_off"]
        dead = catalog.query("SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables "
                             "WHERE schemaname = 'internal' AND relname IN ('tasks', 'task_attempts', 'operations') "
                             "ORDER BY relname")
        return {"executions": executions, "workers": workers, "slots_per_worker": slots,
                "seconds": round(reached[-1], 1), "executions_per_second": round(executions / reached[-1], 1),
                "quarter_rates": rates, "last_vs_first": round(rates[-1] / rates[0], 3),
                "quarter_cpu_ms_per_execution": busy, "quarter_steal_ms_per_execution": steal, "tables_at_end": dead,
                "autovacuum": autovacuum}
    finally:
        scratch.close()


def _busy(times) -> float:
    """CPU seconds the machine spent working (every process, the kernel's interrupts included)."""
    return sum(getattr(times, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="maintenance database URL (default: embedded PostgreSQL)")
    parser.add_argument("--executions", type=whole_number(4, 1_000_000), default=20000)
    parser.add_argument("--workers", type=whole_number(1, 16), default=2)
    parser.add_argument("--slots", type=whole_number(1, 64), default=4, help="--max-tasks of each worker")
    parser.add_argument("--limit", type=whole_number(1, 86_400), default=1800, help="seconds to wait at most")
    args = parser.parse_args()
    server, _ = postgresql_server(parser, args.url)
    result = drain(server, args.executions, args.workers, args.slots, args.limit)
    print(f"long drain: {result['executions']} executions, {result['workers']} workers, {result['seconds']} s, "
          f"{result['executions_per_second']}/s; quarters {result['quarter_rates']}/s; "
          f"last quarter / first {result['last_vs_first']}; CPU ms an execution {result['quarter_cpu_ms_per_execution']}, "
          f"stolen {result['quarter_steal_ms_per_execution']}; the server's autovacuum {result['autovacuum']}")
    print(json.dumps({"benchmark": "long_drain", **result}, indent=2, default=str))


if __name__ == "__main__":
    main()
