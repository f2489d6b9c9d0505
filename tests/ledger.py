"""Reading the ledger that the test project's `ledger` package keeps (packages/ledger.py): the real runs
of each execution, counted by the packages themselves rather than by the catalog."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    """One real run of the package: one process that started; outcome None if it never wrote its end."""

    execution_id: int
    attempt: int
    pid: int
    outcome: str | None = None


def read_ledger(path: Path) -> dict[int, list[Run]]:
    """The runs of each execution, in the order they started."""
    runs: dict[int, list[Run]] = defaultdict(list)
    by_pid: dict[int, Run] = {}
    if not path.exists():
        return runs
    for line in path.read_text().splitlines():
        execution_id, attempt, pid, kind, outcome, _time = line.split(" ")
        if kind == "start":
            run = Run(int(execution_id), int(attempt), int(pid))
            runs[run.execution_id].append(run)
            by_pid[run.pid] = run
        else:
            by_pid[int(pid)].outcome = outcome
    return runs


def ledger_parameters(path: Path, lines: int = 3, seconds: float = 0.0, fail_attempts: int = 0) -> dict:
    """The execution parameter values of one `ledger` run."""
    return {"LedgerPath": str(path), "Lines": lines, "Seconds": seconds, "FailAttempts": fail_attempts}
