"""Packages that misbehave, and a fork server that dies, against real workers: each time the worker
lives on, the execution has an honest outcome and log, and the next execution on that worker succeeds."""
from __future__ import annotations

import json
import os
import re
import signal
import time
import uuid
from pathlib import Path

from scaleout_catalog.runtime.messages import LOG_BUDGET_CHARS, MAX_MESSAGE_CHARS
from workers import FOLDER, PROJECT, deploy_test_project, package_lines, run_execution, wait_terminal, wait_until

HELLO_LINES = ["line 1 of 2", "line 2 of 2", "printed to stdout", "from a subprocess", "a warning in test"]


def _replaced(n: int) -> str:
    return f" [scaleout: {n} invalid character{'s' if n > 1 else ''} replaced with U+FFFD]"


def _pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _children(pid: int) -> list[int]:
    pids = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        pids += [int(p) for p in path.read_text().split()]
    return pids


def _then_hello_succeeds(catalog, worker) -> None:
    """The same worker still runs a good package, and is alive."""
    good = run_execution(catalog, "hello", params={"Lines": 2})
    e = wait_terminal(catalog, [good], 30)[good]
    assert (e.status, e.worker_agent_id) == (7, worker.worker_agent_id), worker.output()
    assert package_lines(catalog, good) == HELLO_LINES
    assert worker.alive(), worker.output()


def test_a_nul_in_a_message_is_replaced_and_noted(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--max-tasks", "2")
    execution_id = run_execution(catalog, "nul")
    e = wait_terminal(catalog, [execution_id], 30)[execution_id]
    assert e.status == 7, worker.output()
    assert sorted(package_lines(catalog, execution_id)) == sorted([
        "logged before\ufffdafter a NUL" + _replaced(1),
        "printed before\ufffdafter a NUL" + _replaced(1),
        "written to fd 1 before\ufffdafter a NUL" + _replaced(1)])
    _then_hello_succeeds(catalog, worker)


def test_lone_surrogates_and_bytes_that_are_not_utf8_are_replaced_and_noted(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--max-tasks", "2")
    execution_id = run_execution(catalog, "surrogates")
    e = wait_terminal(catalog, [execution_id], 30)[execution_id]
    assert e.status == 7, worker.output()
    assert sorted(package_lines(catalog, execution_id)) == sorted([
        "printed lone \ufffd high surrogate" + _replaced(1),
        "logged lone \ufffd low surrogate and \ufffd too" + _replaced(2),
        "bytes that are not UTF-8: \ufffd\ufffd" + _replaced(2)])
    _then_hello_succeeds(catalog, worker)


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))


def test_ten_mib_of_output_is_kept_up_to_the_budget_while_the_worker_stays_responsive(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--max-tasks", "2")
    warm = run_execution(catalog, "noop")
    wait_terminal(catalog, [warm], 30)
    rss_before = _peak_rss_kib(worker.proc.pid)

    flood = run_execution(catalog, "flood", params={"Megabytes": 10})
    ticking = run_execution(catalog, "sleep", params={"Seconds": 4, "Interval": 0.1})
    ended = wait_terminal(catalog, [flood, ticking], 120)
    assert (ended[flood].status, ended[ticking].status) == (7, 7), worker.output()
    assert worker.alive(), worker.output()
    rss_growth = _peak_rss_kib(worker.proc.pid) - rss_before
    print(f"worker peak RSS grew by {rss_growth} KiB")
    assert rss_growth < 32 * 1024      # the 10 MiB (and 1 MiB line) never sat in the worker at once

    # The package beside it kept ticking, every line in order: the flood did not stall the worker.
    lines = package_lines(catalog, ticking)
    done = int(re.match(r"done after (\d+) ticks", lines[-1]).group(1))
    assert lines == [f"tick {n}" for n in range(1, done + 1)] + [f"done after {done} ticks"]

    messages = catalog.operation_messages(flood)
    output = [m.message for m in messages if m.message_source_type == 30]
    # The 1 MiB line: its first 64 Ki characters, and a note.
    assert output[0] == "z" * MAX_MESSAGE_CHARS + \
        f" [scaleout: truncated: {(1 << 20) - MAX_MESSAGE_CHARS} characters beyond the first {MAX_MESSAGE_CHARS} dropped]"
    kept = sum(len(m) for m in output[1:])
    assert set(output[1:]) == {"y" * 1023}
    assert LOG_BUDGET_CHARS - MAX_MESSAGE_CHARS <= sum(map(len, output)) <= LOG_BUDGET_CHARS + 1100
    written_lines = 10 * 1024 + 1           # 1 KiB lines, the flood-done record
    note = [m.message for m in messages if m.message_type == 110 and "characters of messages" in m.message]
    assert len(note) == 1
    dropped = int(re.search(r": (\d+) further messages", note[0]).group(1))
    assert dropped == written_lines - len(output[1:]), note[0]
    assert f"more than the {LOG_BUDGET_CHARS} characters of messages that one attempt keeps" in note[0]
    print(f"kept {len(output)} messages ({kept} characters), dropped {dropped}")
    _then_hello_succeeds(catalog, worker)


def test_a_package_that_closes_its_stdout_still_logs(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--max-tasks", "2")
    execution_id = run_execution(catalog, "close_stdout")
    e = wait_terminal(catalog, [execution_id], 30)[execution_id]
    assert e.status == 7, worker.output()
    assert sorted(package_lines(catalog, execution_id)) == [
        "logged after closing fd 1", "printed after closing fd 1", "written to fd 2 after closing fd 1"]
    _then_hello_succeeds(catalog, worker)


def test_a_process_the_package_leaves_running_is_killed_when_it_ends(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--max-tasks", "2")
    execution_id = run_execution(catalog, "grandchild")
    e = wait_terminal(catalog, [execution_id], 30)[execution_id]
    assert e.status == 7, worker.output()
    grandchild = int(package_lines(catalog, execution_id)[0].split()[-1])
    wait_until(lambda: not _pid_alive(grandchild), 10, "the grandchild to be killed")
    assert any("left processes running" in m.message and m.message_type == 110
               for m in catalog.operation_messages(execution_id))
    _then_hello_succeeds(catalog, worker)


def test_a_package_that_ignores_sigterm_is_killed_after_the_grace_period(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--max-tasks", "2", "--cancel-grace", "1")
    execution_id = run_execution(catalog, "ignore_sigterm")
    pid = int(wait_until(lambda: next((p.read_text() for p in (worker.state_dir / "work").glob("*/pid")
                                       if p.read_text()), None), 15, "the package to write its pid"))
    catalog.stop_operation(execution_id)
    e = wait_terminal(catalog, [execution_id], 15)[execution_id]
    assert e.status == 3, worker.output()
    assert not _pid_alive(pid)
    assert any("did not stop within 1 s of SIGTERM; killing" in m.message
               for m in catalog.operation_messages(execution_id))
    _then_hello_succeeds(catalog, worker)


def test_an_event_the_worker_cannot_take_fails_that_attempt_only(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--max-tasks", "2")
    bad_time = run_execution(catalog, "bad_event", params={"Kind": "time"})
    bad_frame = run_execution(catalog, "bad_event", params={"Kind": "frame"})
    ended = wait_terminal(catalog, [bad_time, bad_frame], 30)
    assert (ended[bad_time].status, ended[bad_frame].status) == (4, 4), worker.output()
    errors_logged = {i: [m.message for m in catalog.operation_messages(i) if m.message_type == 120]
                     for i in (bad_time, bad_frame)}
    assert errors_logged[bad_time] == [
        "The worker failed to read the events of this attempt: ValueError: Invalid isoformat string: 'not a time'"]
    assert errors_logged[bad_frame] == [
        "The worker failed to read the events of this attempt: EventStreamError: an event of 4294967295 bytes "
        "(at most 4194304)"]
    for execution_id in (bad_time, bad_frame):      # and the package process (which sleeps on) is killed
        started = next(m.message for m in catalog.operation_messages(execution_id) if m.message_type == 30)
        pid = int(re.search(r"in process (\d+)", started).group(1))
        wait_until(lambda: not _pid_alive(pid), 10, f"package process {pid} to be killed")
    _then_hello_succeeds(catalog, worker)


def test_a_killed_fork_server_is_replaced(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--max-tasks", "2")
    first = run_execution(catalog, "noop")
    wait_terminal(catalog, [first], 30)
    [forkserver] = _children(worker.proc.pid)

    # Idle: the worker notices at once and starts another.
    os.kill(forkserver, signal.SIGKILL)
    replacement = wait_until(lambda: [p for p in _children(worker.proc.pid) if p != forkserver], 10,
                             "a new fork server")[0]
    assert "starting a new fork server" in worker.output()
    _then_hello_succeeds(catalog, worker)

    # With a package running: its attempt fails, saying why, and its retry runs on the next fork server.
    running = run_execution(catalog, "sleep", retry_count=1, params={"Seconds": 2, "Interval": 0.2})
    wait_until(lambda: any(m.message == "tick 2" for m in catalog.operation_messages(running)), 15,
               "the package to tick")
    os.kill(replacement, signal.SIGKILL)
    e = wait_terminal(catalog, [running], 30)[running]
    assert (e.status, e.executed_count) == (7, 2), worker.output()
    first_attempt = [m for m in catalog.operation_messages(running) if m.attempt == 1]
    assert any(m.message_type == 120 and f"fork server (process {replacement}) stopped, killed by signal 9"
               in m.message for m in first_attempt), [m.message for m in first_attempt]
    assert first_attempt[-1].message == "Attempt 1 ended: failed."
    _then_hello_succeeds(catalog, worker)


def test_a_spool_the_catalog_refuses_in_part_is_sent_at_start_and_never_kept(pg_catalog, pg_workers):
    """A spooled batch with records the catalog refuses (written by an older worker, or by hand): the
    good records are stored, the refused ones are cleaned, escaped or replaced by an error record,
    one that names an attempt the catalog does not know is dropped, and the spool ends empty."""
    catalog = pg_catalog
    deploy_test_project(catalog)
    worker_agent_id = uuid.uuid4()
    catalog.update_worker_agent_status(worker_agent_id, "spool-test")
    catalog.enable_worker_agent(worker_agent_id)
    execution_id = run_execution(catalog, "noop", workers=[worker_agent_id])
    [task] = catalog.pull_task(worker_agent_id, 1)

    def record(message, **fields):
        return {"lease_token": str(task.lease_token), "event_message_guid": str(uuid.uuid4()),
                "message_time": "2024-01-01T00:00:00+00:00", "message_type": 70, "message_source_type": 30,
                "message": message, **fields}
    batch = [record("good 1"), record("a NUL \x00 here"), record("good 2"),
             record("an impossible type", message_type=99999), record("good 3"),
             record("an unknown attempt", lease_token=str(uuid.uuid4())), record("good 4")]
    state_dir = pg_workers.root / "w1"
    (state_dir / "spool").mkdir(parents=True)
    (state_dir / "worker.json").write_text(json.dumps({"worker_agent_id": str(worker_agent_id)}))
    (state_dir / "spool" / "00000000000000000001-000001.json").write_text(json.dumps(batch))

    worker = pg_workers.start("w1")
    wait_until(lambda: not list((state_dir / "spool").glob("*.json")), 30, "the spool to be sent")
    messages = [m.message for m in catalog.operation_messages(execution_id) if m.message_time.year == 2024]
    assert messages[:4] == ["good 1", "a NUL \ufffd here" + _replaced(1), "good 2",
                            messages[3]] and messages[4:] == ["good 3", "good 4"]
    assert messages[3].startswith("A message of 18 characters was dropped: the catalog refused it (27101: ")
    assert messages[3].endswith("It began: 'an impossible type'")
    assert "dropped a message for lease" in worker.output()
    assert worker.alive(), worker.output()
    catalog.update_task_status(worker_agent_id, task.task_id, task.lease_token, 5)

    good = run_execution(catalog, "noop")
    assert wait_terminal(catalog, [good], 30)[good].status == 7
    assert worker.terminate() == 0
    earlier_output = len(worker.output())
    restarted = pg_workers.start("w1")       # nothing left to send, nothing to loop on
    good = run_execution(catalog, "noop")
    assert wait_terminal(catalog, [good], 30)[good].status == 7
    assert restarted.alive() and "refused" not in restarted.output()[earlier_output:]
