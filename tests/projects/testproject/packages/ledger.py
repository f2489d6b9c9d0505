"""A package that keeps its own ledger, independent of the catalog, for the fault tests.

Every real run appends a `start` line to the file named by LedgerPath before it does anything, and an
`end` line when it ends (however it ends, short of being killed). Lines are appended with O_APPEND in one
write and fsynced, so that runs of several workers on one computer share one file and a line written
before a SIGKILL is not lost. A line: execution id, attempt, pid, start|end, outcome (end lines), time.
"""
import os
import time


def _append(path, *fields):
    line = (" ".join(str(f) for f in fields) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def run(context):
    """Logs `line 1 of N` .. `line N of N` over Seconds, then succeeds; attempts up to FailAttempts fail."""
    p = context.parameters
    path, lines, seconds = p["LedgerPath"], p["Lines"], p["Seconds"]
    _append(path, context.execution_id, context.attempt, os.getpid(), "start", "-", time.time())
    outcome = "killed"
    try:
        for n in range(1, lines + 1):
            context.logger.info("line %d of %d", n, lines)
            time.sleep(seconds / max(lines, 1))
        if context.attempt <= p["FailAttempts"]:
            outcome = "failed"
            raise RuntimeError(f"failing attempt {context.attempt} on purpose")
        outcome = "succeeded"
    except BaseException as exc:   # a stop (PackageCancelled) too: the ledger says how the run ended
        if outcome == "killed":
            outcome = type(exc).__name__
        raise
    finally:
        _append(path, context.execution_id, context.attempt, os.getpid(), "end", outcome, time.time())
