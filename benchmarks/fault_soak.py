"""Fault soak: real workers run hundreds of short executions while faults are thrown at them, then the
catalog and the packages' own ledger are checked against each other.

On a PostgreSQL of its own (the embedded binaries; it is crashed and restarted), WORKERS workers, each
connected through its own loopback proxy (tests/proxy.py), run EXECUTIONS executions of the test project's
`ledger` package with retry_count = 2 and a short lease, submitted at a steady rate. A fault loop, at random
intervals, picks one of:

  kill       SIGKILL a worker, restart it on the same state directory a moment later
  stop       SIGSTOP a worker past its lease, then SIGCONT
  db-restart pg_ctl -m immediate stop (a crash), then start (crash recovery)
  cut        close every connection of one worker's proxy (both sides)
  reset      the same with TCP RST
  partition  one worker's proxy refuses every connection for longer than the lease

Then the faults stop, every worker is made whole, and the soak waits for every execution to end. Checks:
every execution terminal; real runs (ledger) per execution at most retry_count + 1, and no attempt number run
twice or run without a claim; no accepted outcome stale (the attempt whose status is the execution's outcome
is its last attempt, and a succeeded one has its ledger run); the succeeded attempt's numbered lines in
catalog.operation_messages exactly once, in order; no worker exited but those killed, and every worker exits 0
on SIGTERM at the end. Prints one summary line; exits 1 if a check failed (details on stderr, and the
directory with the worker logs and the ledger is kept).

    python benchmarks/fault_soak.py                     # 3 minutes of faults, 500 executions, 4 workers
    python benchmarks/fault_soak.py --minutes 0.5 --executions 60 --workers 3 --seed 7
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import DisposableServer, PgServer  # noqa: E402
from ledger import ledger_parameters, read_ledger  # noqa: E402
from proxy import Proxy, upstream_of  # noqa: E402
from workers import FOLDER, PROJECT, TERMINAL, WorkerProcess, deploy_test_project, wait_until  # noqa: E402

from scaleout_catalog import Catalog, migrate  # noqa: E402

RETRY_COUNT = 2
SLOTS = 2                    # --max-tasks of each worker: the machine is small
FAULTS = {"kill": 3, "stop": 2, "db-restart": 1, "cut": 2, "reset": 2, "partition": 1}   # per deck of 11


class Fleet:
    """The workers, each behind its own proxy; knows which exits it caused."""

    def __init__(self, url: str, root: Path, catalog: Catalog, count: int, upstream) -> None:
        self.catalog = catalog
        self.proxies = [Proxy(upstream).start() for _ in range(count)]
        self.workers = [WorkerProcess(p.url(url), root / f"w{i}", "--max-tasks", str(SLOTS))
                        for i, p in enumerate(self.proxies)]
        self.stopped: set[int] = set()        # SIGSTOPped now
        self.unexpected_exits: list[str] = []

    def start(self) -> None:
        for worker in self.workers:
            worker.start()
        for worker in self.workers:
            worker_agent_id = worker.worker_agent_id
            wait_until(lambda: self.catalog.worker_agent(worker_agent_id), 60, "a worker to register")
            self.catalog.enable_worker_agent(worker_agent_id)

    def check_alive(self) -> None:
        """A worker that exited without being killed is a finding; it is restarted to keep the soak going."""
        for i, worker in enumerate(self.workers):
            if not worker.alive():
                tail = worker.output()[-1500:]
                self.unexpected_exits.append(f"worker w{i} exited with {worker.proc.returncode}:\n{tail}")
                worker.start()

    def kill(self, i: int, rng: random.Random) -> None:
        worker = self.workers[i]
        worker.proc.send_signal(signal.SIGKILL)
        worker.proc.wait(10)
        time.sleep(rng.uniform(0.2, 2.0))
        worker.start()

    def freeze(self, i: int, seconds: float) -> None:
        pid = self.workers[i].proc.pid
        os.kill(pid, signal.SIGSTOP)
        self.stopped.add(i)
        try:
            time.sleep(seconds)
        finally:
            os.kill(pid, signal.SIGCONT)
            self.stopped.discard(i)

    def partition(self, i: int, seconds: float) -> None:
        self.proxies[i].down()
        try:
            time.sleep(seconds)
        finally:
            self.proxies[i].up()

    def make_whole(self) -> None:
        for i, worker in enumerate(self.workers):
            if i in self.stopped:
                os.kill(worker.proc.pid, signal.SIGCONT)
            self.proxies[i].up()
        self.stopped.clear()

    def stop(self) -> list[str]:
        """SIGTERM to every worker; the ones that did not exit 0."""
        bad = []
        for worker in self.workers:
            if worker.alive():
                os.kill(worker.proc.pid, signal.SIGCONT)
                worker.proc.send_signal(signal.SIGTERM)
        for i, worker in enumerate(self.workers):
            try:
                code = worker.proc.wait(90)
            except Exception:  # noqa: BLE001  (TimeoutExpired): a worker that does not stop is a finding
                worker.kill()
                code = "no exit within 90 s of SIGTERM"
            if code != 0:
                bad.append(f"worker w{i} ended with {code} on SIGTERM:\n{worker.output()[-1500:]}")
        for proxy in self.proxies:
            proxy.close()
        return bad


class Submitter(threading.Thread):
    """Queues the executions at a steady rate, through its own connection; survives database restarts."""

    def __init__(self, url: str, ledger: Path, count: int, seconds: float, rng: random.Random) -> None:
        super().__init__(name="submitter", daemon=True)
        self.url, self.ledger, self.count, self.seconds, self.rng = url, ledger, count, seconds, rng
        self.submitted = 0
        self.errors: list[str] = []

    def run(self) -> None:
        catalog = Catalog(self.url)
        began = time.monotonic()
        try:
            for n in range(self.count):
                time.sleep(max(0.0, began + n * self.seconds / self.count - time.monotonic()))
                params = ledger_parameters(self.ledger, lines=self.rng.randint(3, 8),
                                           seconds=round(self.rng.uniform(0.2, 1.5), 2))
                self._submit(catalog, params)
        finally:
            catalog.dispose()

    def _submit(self, catalog: Catalog, params: dict) -> None:
        deadline = time.monotonic() + 120
        while True:
            try:
                with catalog.transaction():     # all or nothing: a restart mid-way leaves no half-made execution
                    execution_id = catalog.create_execution(FOLDER, PROJECT, "ledger", useanyworker=True)
                    for name, value in params.items():
                        catalog.set_execution_parameter_value(execution_id, 30, name, value)
                    catalog.start_execution(execution_id, retry_count=RETRY_COUNT)
                self.submitted += 1
                return
            except Exception as exc:  # noqa: BLE001  the database is restarting: try again
                if time.monotonic() > deadline:
                    self.errors.append(f"could not submit an execution for 120 s: {exc}")
                    return
                time.sleep(0.5)


def fault_loop(fleet: Fleet, server: DisposableServer, seconds: float, lease: int, rng: random.Random) -> Counter:
    done: Counter = Counter()
    end = time.monotonic() + seconds
    deck: list[str] = []      # drawn from a shuffled deck, not at random: every kind comes up in its share
    while time.monotonic() < end:
        pause_until = time.monotonic() + rng.uniform(2.0, 6.0)
        while time.monotonic() < pause_until:
            fleet.check_alive()
            time.sleep(0.25)
        if not deck:
            deck = [kind for kind, weight in FAULTS.items() for _ in range(weight)]
            rng.shuffle(deck)
        kind = deck.pop()
        i = rng.randrange(len(fleet.workers))
        if kind == "kill":
            fleet.kill(i, rng)
        elif kind == "stop":
            fleet.freeze(i, lease + rng.uniform(1.0, 4.0))
        elif kind == "db-restart":
            server._pg_ctl("-m", "immediate", "stop")     # a crash: no checkpoint, sessions cut
            time.sleep(rng.uniform(0.5, 3.0))
            server.start()
        elif kind == "cut":
            fleet.proxies[i].cut()
        elif kind == "reset":
            fleet.proxies[i].reset()
        elif kind == "partition":
            fleet.partition(i, lease + rng.uniform(1.0, 4.0))
        done[kind] += 1
    return done


def check(catalog: Catalog, ledger: Path, problems: list[str]) -> dict:
    """The checks against the catalog and the ledger; appends what is wrong to problems."""
    executions = {r["execution_id"]: r for r in catalog.query(
        "SELECT execution_id, status, executed_count FROM catalog.executions")}
    attempts: dict[int, list[dict]] = defaultdict(list)
    for a in catalog.query("SELECT execution_id, attempt, status FROM catalog.task_attempts ORDER BY attempt"):
        attempts[a["execution_id"]].append(a)
    lines: dict[tuple[int, int], list[str]] = defaultdict(list)
    for m in catalog.query("SELECT operation_id, attempt, message FROM catalog.operation_messages "
                           "WHERE message_source_type = 30 ORDER BY operation_message_id"):
        lines[(m["operation_id"], m["attempt"])].append(m["message"])
    params = {(p["execution_id"]): int(p["parameter_value"]) for p in catalog.query(
        "SELECT execution_id, parameter_value FROM catalog.execution_parameter_values "
        "WHERE parameter_name = 'Lines' AND object_type = 30")}
    runs = read_ledger(ledger)

    status = Counter(e["status"] for e in executions.values())
    terminal = sum(n for s, n in status.items() if s in TERMINAL)
    for execution_id, e in executions.items():
        if e["status"] not in TERMINAL:
            problems.append(f"execution {execution_id} is not terminal: status {e['status']}")
    max_runs, stale, lost, doubled = 0, 0, 0, 0
    for execution_id, e in executions.items():
        mine, tried = runs.get(execution_id, []), attempts.get(execution_id, [])
        numbers = [a["attempt"] for a in tried]
        max_runs = max(max_runs, len(mine))
        if len(mine) > RETRY_COUNT + 1:
            problems.append(f"execution {execution_id} ran {len(mine)} times (limit {RETRY_COUNT + 1})")
        ran = Counter(r.attempt for r in mine)
        if any(n > 1 for n in ran.values()):
            problems.append(f"execution {execution_id}: an attempt number ran twice: {dict(ran)}")
        if set(ran) - set(numbers):
            problems.append(f"execution {execution_id}: runs {sorted(set(ran) - set(numbers))} have no claim")
        if len(set(numbers)) != len(numbers) or (numbers and max(numbers) != e["executed_count"]):
            problems.append(f"execution {execution_id}: attempts {numbers}, executed_count {e['executed_count']}")
        if e["status"] not in TERMINAL or not tried:
            continue
        last = tried[-1]
        # The attempt status that the execution's outcome comes from: 5 for 7, 4 for 4, 7 or 1 for 6.
        accepted = {7: {5}, 4: {4}, 6: {7, 1}, 3: {6, 7}}.get(e["status"], set())
        earlier_success = [a["attempt"] for a in tried[:-1] if a["status"] == 5]
        if last["status"] not in accepted or earlier_success:
            stale += 1
            problems.append(f"execution {execution_id} ended {e['status']} but its attempts are "
                            f"{[(a['attempt'], a['status']) for a in tried]}")
        if e["status"] == 7:
            if not any(r.attempt == last["attempt"] and r.outcome == "succeeded" for r in mine):
                stale += 1
                problems.append(f"execution {execution_id}: succeeded attempt {last['attempt']} has no "
                                f"succeeded run in the ledger: {[(r.attempt, r.outcome) for r in mine]}")
            expected = [f"line {n} of {params[execution_id]}" for n in range(1, params[execution_id] + 1)]
            got = lines[(execution_id, last["attempt"])]
            counts = Counter(got)
            lost += sum(1 for line in expected if counts[line] == 0)
            doubled += sum(n - 1 for n in counts.values() if n > 1)
            if got != expected:
                problems.append(f"execution {execution_id} attempt {last['attempt']}: lines {got}, expected {expected}")
    return {"executions": len(executions), "terminal": terminal, "status": status, "max_runs": max_runs,
            "stale": stale, "lost": lost, "doubled": doubled}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3.0, help="how long faults are thrown")
    parser.add_argument("--executions", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--lease", type=int, default=6, help="WORKER_LEASE_SECONDS")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10 ** 6)
    rng = random.Random(seed)

    root = Path(tempfile.mkdtemp(prefix="scaleout-fault-soak-"))
    server = DisposableServer(str(root))
    problems: list[str] = []
    began = time.monotonic()
    fleet = catalog = None
    try:
        pg = PgServer(server.url, "the soak's own server")
        pg.create_database("ssisdb")
        url = pg.url_for("ssisdb")
        engine = sa.create_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        catalog = Catalog(url)
        catalog.configure_catalog("WORKER_LEASE_SECONDS", args.lease)
        deploy_test_project(catalog)
        ledger = root / "ledger"
        fleet = Fleet(url, root / "workers", catalog, args.workers, upstream_of(url))
        fleet.start()

        seconds = args.minutes * 60
        submitter = Submitter(url, ledger, args.executions, seconds * 0.8, random.Random(rng.random()))
        submitter.start()
        faults = fault_loop(fleet, server, seconds, args.lease, rng)

        fleet.make_whole()
        submitter.join(180)
        problems += submitter.errors
        if submitter.is_alive():
            problems.append("the submitter did not finish")

        def quiet() -> bool:
            fleet.check_alive()
            rows = catalog.query("SELECT count(*) AS n FROM catalog.executions WHERE status NOT IN (3, 4, 6, 7, 9)")
            return rows[0]["n"] == 0
        try:
            wait_until(quiet, 300, "every execution to end", interval=1.0)
        except AssertionError as exc:
            problems.append(str(exc))
        result = check(catalog, ledger, problems)
        exits = fleet.unexpected_exits + fleet.stop()
        problems += exits
        fleet = None
    finally:
        if fleet is not None:
            fleet.make_whole()
            fleet.stop()
        if catalog is not None:
            catalog.dispose()
        try:
            server.stop()       # by pg_ctl: close() alone stops only the first postmaster, not a restarted one
        except Exception:  # noqa: BLE001  already stopped
            pass
        server.close()

    s = result["status"]
    summary = (f"fault soak: {result['executions']} executions, {args.workers} workers, "
               f"{(time.monotonic() - began) / 60:.1f} min, seed {seed}, faults: "
               + ", ".join(f"{faults[k]} {k}" for k in FAULTS)
               + f"; terminal {result['terminal']}/{result['executions']}, succeeded {s[7]}, failed {s[4]}, "
               f"ended-unexpectedly {s[6]}; max runs {result['max_runs']} (limit {RETRY_COUNT + 1}); "
               f"stale accepted {result['stale']}; lost lines {result['lost']}, doubled {result['doubled']}; "
               f"unexpected worker exits {len(exits)}")
    if problems:
        for problem in problems[:30]:
            print(problem, file=sys.stderr)
        print(f"kept {root} (worker logs, ledger)", file=sys.stderr)
    else:
        shutil.rmtree(root, ignore_errors=True)
    print(summary)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
