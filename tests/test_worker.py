"""The Scale Out Worker as operators run it: real `scaleout worker run` processes on every backend (PostgreSQL, and SQL Server where one is given)."""
from __future__ import annotations

import os
import time

import pytest

from scaleout_catalog import errors
from workers import (TERMINAL, deploy_test_project, package_lines, run_execution, wait_terminal, wait_until)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _running_pid(worker, timeout: float = 15) -> int:
    """The pid a running `sleep` package wrote into its working directory."""
    def find():
        for path in (worker.state_dir / "work").glob("*/pid"):
            text = path.read_text().strip()
            if text:
                return int(text)
        return None
    return wait_until(find, timeout, "the package to write its pid")


def test_registers_at_once_disabled_then_runs_an_execution_with_its_log_in_order(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start("w1", "--display-name", "first", "--tags", "etl,large")
    agent = wait_until(lambda: catalog.worker_agents(), 10, "the worker to register")[0]
    registered_after = time.monotonic() - worker.started_at
    # The figure is printed; benchmarks/registration.py measures it (a timing is no assertion here).
    print(f"registered {registered_after:.3f} s after the process started")
    assert (agent.is_enabled, agent.display_name, agent.tags, agent.is_online) == (False, "first", "etl,large", True)
    assert agent.worker_agent_id == worker.worker_agent_id

    execution_id = run_execution(catalog, "hello", params={"Lines": 4})
    time.sleep(1.5)                                   # disabled: it must not take the work
    assert catalog.execution(execution_id).status == 5
    catalog.enable_worker_agent(agent.worker_agent_id)
    e = wait_terminal(catalog, [execution_id], 30)[execution_id]
    assert (e.status, e.executed_count, e.worker_agent_id) == (7, 1, agent.worker_agent_id)
    assert package_lines(catalog, execution_id) == [
        "line 1 of 4", "line 2 of 4", "line 3 of 4", "line 4 of 4",
        "printed to stdout", "from a subprocess", "a warning in test"]
    types = {m.message: m.message_type for m in catalog.operation_messages(execution_id)}
    assert types["line 1 of 4"] == 70 and types["a warning in test"] == 110
    assert worker.terminate() == 0


def test_a_failing_package_is_retried_until_attempts_run_out(catalog, workers):
    deploy_test_project(catalog)
    workers.start_enabled("w1")
    flaky = run_execution(catalog, "flaky", retry_count=2, params={"SucceedOnAttempt": 3})
    failing = run_execution(catalog, "fail", retry_count=2)
    ended = wait_terminal(catalog, [flaky, failing], 60)

    assert (ended[flaky].status, ended[flaky].executed_count) == (7, 3)
    assert package_lines(catalog, flaky)[::2] == ["attempt 1 of 3", "attempt 2 of 3", "attempt 3 of 3"]
    assert (ended[failing].status, ended[failing].executed_count) == (4, 3)
    errors_logged = [m for m in catalog.operation_messages(failing) if m.message_type == 120]
    assert len(errors_logged) == 3 and {m.attempt for m in errors_logged} == {1, 2, 3}
    assert all("Traceback" in m.message and "ValueError: this package always fails" in m.message
               for m in errors_logged)


def test_a_killed_worker_is_replaced_after_its_lease_expires_and_cannot_report_late(catalog, workers):
    deploy_test_project(catalog)
    catalog.configure_catalog("WORKER_LEASE_SECONDS", 2)
    first = workers.start_enabled("w1")
    execution_id = run_execution(catalog, "sleep", retry_count=1, params={"Seconds": 3, "Interval": 0.5})
    wait_until(lambda: catalog.execution(execution_id).status == 2, 15, "the first worker to start it")
    package_pid = _running_pid(first)

    first.proc.kill()                                    # SIGKILL: no drain, no report
    first.proc.wait(10)
    wait_until(lambda: not _pid_alive(package_pid), 10, "the package to die with its worker")
    second = workers.start_enabled("w2")
    e = wait_terminal(catalog, [execution_id], 60)[execution_id]
    assert (e.status, e.executed_count, e.worker_agent_id) == (7, 2, second.worker_agent_id)

    restarted = workers.start("w1")                      # the same state directory, so the same identity
    assert restarted.worker_agent_id == first.worker_agent_id
    wait_until(lambda: "stale report refused" in restarted.output(), 20, "the restarted worker to settle its lease")
    time.sleep(1)
    e = catalog.execution(execution_id)
    assert (e.status, e.executed_count, e.worker_agent_id) == (7, 2, second.worker_agent_id)
    attempts = catalog.query("SELECT attempt, worker_agent_id, status FROM catalog.task_attempts "
                                "WHERE execution_id = :id ORDER BY attempt", {"id": execution_id})
    assert [(a["attempt"], a["worker_agent_id"], a["status"]) for a in attempts] == [
        (1, first.worker_agent_id, 7), (2, second.worker_agent_id, 5)]
    assert "done after" in " ".join(package_lines(catalog, execution_id))


def test_stop_operation_ends_a_running_package_within_seconds(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1")
    execution_id = run_execution(catalog, "sleep", params={"Seconds": 60})
    wait_until(lambda: catalog.execution(execution_id).status == 2, 15, "the package to start")
    package_pid = _running_pid(worker)

    stopped_at = time.monotonic()
    catalog.stop_operation(execution_id)
    # PostgreSQL notifies the worker at once; on SQL Server it learns at its next lease renewal
    # (every WORKER_LEASE_SECONDS / 3).
    bound = 5 if catalog.dialect == "postgresql" else int(catalog.catalog_properties()["WORKER_LEASE_SECONDS"]) / 3 + 5
    e = wait_terminal(catalog, [execution_id], bound)[execution_id]
    print(f"canceled {time.monotonic() - stopped_at:.3f} s after stop_operation")
    assert (e.status, e.executed_count) == (3, 1)
    wait_until(lambda: not _pid_alive(package_pid), 5, "the package process to be gone")
    assert any("stopped (catalog.stop_operation)" in m.message for m in catalog.operation_messages(execution_id))


def test_sigterm_drains_running_packages_then_releases_the_rest(catalog, workers):
    deploy_test_project(catalog)
    worker = workers.start_enabled("w1", "--drain-timeout", "3", "--max-tasks", "2")
    short = run_execution(catalog, "sleep", params={"Seconds": 1, "Interval": 0.2})
    long = run_execution(catalog, "sleep", retry_count=1, params={"Seconds": 60})
    wait_until(lambda: all(catalog.execution(i).status == 2 for i in (short, long)), 15, "both to start")
    queued = run_execution(catalog, "noop")

    assert worker.terminate(timeout=30) == 0
    assert catalog.execution(short).status == 7                 # finished within the drain timeout
    released = catalog.execution(long)
    assert (released.status, released.executed_count) == (5, 1)    # back in the queue; the attempt counts
    assert catalog.execution(queued).status == 5                # never claimed while draining

    workers.start_enabled("w2")
    catalog.stop_operation(long)
    ended = wait_terminal(catalog, [long, queued], 30)
    assert ended[queued].status == 7 and ended[long].status == 3
    attempts = catalog.query("SELECT attempt, status FROM catalog.task_attempts WHERE execution_id = :id "
                             "ORDER BY attempt", {"id": long})
    assert [a["attempt"] for a in attempts][:1] == [1] and attempts[0]["status"] == 1   # numbers never reused
    assert len({a["attempt"] for a in attempts}) == len(attempts)


def test_routing_and_max_tasks(catalog, workers):
    deploy_test_project(catalog)
    n = 2
    tagged = workers.start_enabled("tagged", "--tags", "etl", "--max-tasks", str(n))
    workers.start_enabled("other", "--max-tasks", str(n))
    assert {a.worker_agent_id: a.tags for a in catalog.worker_agents()}[tagged.worker_agent_id] == "etl"

    only_tagged = [run_execution(catalog, "sleep", params={"Seconds": 1, "Interval": 0.5},
                                 workers=[tagged.worker_agent_id]) for _ in range(3 * n)]
    anywhere = [run_execution(catalog, "noop") for _ in range(4)]
    most_running = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = {a.worker_agent_id: a.running_tasks for a in catalog.worker_agents()}
        most_running = max(most_running, running[tagged.worker_agent_id])
        assert running[tagged.worker_agent_id] <= n
        if all(catalog.execution(i).status in TERMINAL for i in only_tagged + anywhere):
            break
        time.sleep(0.05)
    ended = wait_terminal(catalog, only_tagged + anywhere, 1)
    assert all(ended[i].status == 7 and ended[i].worker_agent_id == tagged.worker_agent_id for i in only_tagged)
    assert all(ended[i].status == 7 for i in anywhere)
    assert most_running == n
    # The same from the attempts' own times: never more than n overlapping on the tagged worker.
    spans = catalog.query("SELECT claimed_time, ended_time FROM catalog.task_attempts WHERE worker_agent_id = :w",
                             {"w": str(tagged.worker_agent_id)})
    edges = sorted([(s["claimed_time"], 1) for s in spans] + [(s["ended_time"], -1) for s in spans],
                   key=lambda e: (e[0], e[1]))
    level = peak = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    assert peak <= n


def test_a_worker_login_cannot_report_for_a_stale_lease(catalog, workers):
    """The fencing the worker relies on: the token of an attempt that was taken over is refused."""
    deploy_test_project(catalog)
    catalog.configure_catalog("WORKER_LEASE_SECONDS", 1)
    worker = workers.start_enabled("w1")
    execution_id = run_execution(catalog, "noop")
    wait_terminal(catalog, [execution_id], 30)
    attempt = catalog.query("SELECT task_id, lease_token FROM internal.task_attempts WHERE execution_id = :id",
                               {"id": execution_id})[0]
    with pytest.raises(errors.LeaseLost):
        catalog.update_task_status(worker.worker_agent_id, attempt["task_id"], attempt["lease_token"], 4)
