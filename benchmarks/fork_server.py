"""The fork server's side of a drain, without a catalog: what each no-op package process costs.

PACKAGES package processes of the test project's `packages.basic:noop` are started through a real fork
server, IN_FLIGHT at a time, this process doing the worker's part (spawn requests, reading the pipes,
exit notices). After a warm-up (the project's generation has the module imported), it prints the rate and
the CPU time a package process costs:

- the fork server's side as a whole (the server, its generation, their spares and package processes);
- of which the generation's own process (its system time is mostly page faults: after each fork the pages
  it shares with the child are copied when it writes to them), with its page faults a package;
- the worker's side (this process).

    python benchmarks/fork_server.py [--packages 6000] [--in-flight 16]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import psutil  # noqa: E402
from options import whole_number  # noqa: E402
from workers import PROJECT_DIR  # noqa: E402

from scaleout_catalog.runtime import launcher  # noqa: E402
from scaleout_catalog.runtime.child import PackageSpec  # noqa: E402

WARM_UP = 200


def run(server: launcher.ForkServer, work: str, count: int, in_flight: int) -> None:
    """Starts `count` package processes, at most `in_flight` at once, each read to its end."""
    live: dict[int, launcher.PackageProcess] = {}
    started = done = 0
    deadline = time.monotonic() + 60 + count / 10
    while done < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{done} of {count} package processes ended in time")
        while started < count and len(live) < in_flight:
            process = launcher.PackageProcess(PackageSpec(
                execution_id=started, package_name="noop", entry_point="packages.basic:noop", attempt=1,
                max_attempts=1, project_directory=str(PROJECT_DIR), working_directory=work, parameters=()))
            process.start(server)
            live[id(process)] = process
            started += 1
        launcher.wait([server, *[r for p in live.values() for r in p.events.readers()]], 5)
        for process in live.values():
            process.events.read()
        exits = server.exits()
        server.take_started()
        for key, process in list(live.items()):
            if process.pid in exits:
                process.events.exited = True
                process.events.read()
                process.close()
                del live[key]
                done += 1


def side_cpu(server: launcher.ForkServer) -> float:
    """CPU seconds of the fork server and every process under it, those reaped included."""
    total = 0.0
    root = psutil.Process(server.pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            t = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def own(pid: int) -> tuple[float, int]:
    """A process's own CPU seconds and minor page faults (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks, int(fields[7])


def measure(packages: int, in_flight: int) -> dict:
    work = tempfile.mkdtemp(prefix="scaleout-forkbench-")
    server = launcher.ForkServer()
    try:
        run(server, work, WARM_UP, in_flight)
        time.sleep(0.5)                                # the generation's spare, forked after a pause
        generations = [p.pid for p in psutil.Process(server.pid).children()]
        if len(generations) != 1:
            raise RuntimeError(f"expected the project's one generation under the fork server, found {generations}")
        generation = generations[0]
        side_before, gen_before, mine_before = side_cpu(server), own(generation), os.times()
        began = time.perf_counter()
        run(server, work, packages, in_flight)
        elapsed = time.perf_counter() - began
        time.sleep(0.3)                                # the last exits reaped
        side_after, gen_after, mine_after = side_cpu(server), own(generation), os.times()
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)
    mine = (mine_after.user - mine_before.user) + (mine_after.system - mine_before.system)
    return {"packages": packages, "in_flight": in_flight, "seconds": round(elapsed, 2),
            "per_second": round(packages / elapsed, 1),
            "fork_server_side_cpu_ms": round(1000 * (side_after - side_before) / packages, 2),
            "generation_own_cpu_ms": round(1000 * (gen_after[0] - gen_before[0]) / packages, 2),
            "generation_page_faults": round((gen_after[1] - gen_before[1]) / packages, 1),
            "worker_side_cpu_ms": round(1000 * mine / packages, 2), "cpus": os.cpu_count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", type=whole_number(1, 1_000_000), default=6000)
    parser.add_argument("--in-flight", type=whole_number(1, 256), default=16)
    args = parser.parse_args()
    r = measure(args.packages, args.in_flight)
    print(f"fork server: {r['packages']} package processes, {r['in_flight']} at a time, {r['per_second']}/s; CPU ms a "
          f"package: fork server's side {r['fork_server_side_cpu_ms']} (the generation's own "
          f"{r['generation_own_cpu_ms']}, {r['generation_page_faults']} page faults), worker's side "
          f"{r['worker_side_cpu_ms']}")
    print(json.dumps({"benchmark": "fork_server", **r}, indent=2))


if __name__ == "__main__":
    main()
