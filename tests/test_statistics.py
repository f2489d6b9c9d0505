"""catalog.executable_statistics and catalog.event_messages, filled by real workers running real
packages: one statistics row per package run with its result, and SSISDB's event names. On every backend."""
from __future__ import annotations

from workers import deploy_test_project, run_execution, wait_terminal


def test_each_package_run_has_its_statistics_and_events(catalog, workers):
    deploy_test_project(catalog)
    workers.start_enabled("w1")
    succeeded = run_execution(catalog, "hello", params={"Lines": 1})
    failed = run_execution(catalog, "fail", retry_count=1)
    ended = wait_terminal(catalog, [succeeded, failed], 60)
    assert (ended[succeeded].status, ended[failed].status) == (7, 4)

    [run] = catalog.executable_statistics(succeeded)
    assert run["execution_result"] == 0 and run["execution_path"] == "\\hello" and run["attempt"] == 1
    assert run["end_time"] >= run["start_time"] and 0 <= run["execution_duration"] < 60_000
    runs = catalog.executable_statistics(failed)
    assert [(r["attempt"], r["execution_result"]) for r in runs] == [(1, 1), (2, 1)]
    assert runs[0]["statistics_id"] < runs[1]["statistics_id"]

    events = catalog.event_messages(succeeded)
    assert sorted(m.operation_message_id for m in catalog.operation_messages(succeeded)) == \
        [e["event_message_id"] for e in events]
    by_source = {(e["message_source_type"], e["event_name"]) for e in events}
    assert (20, "OnPreExecute") in by_source and (30, "OnInformation") in by_source
    package_lines = [e for e in events if e["message_source_type"] == 30]
    assert all(e["message_source_name"] == "hello" and e["package_name"] == "hello" for e in package_lines)
    errors = [e for e in catalog.event_messages(failed) if e["event_name"] == "OnError"]
    assert errors and all("this package always fails" in e["message"] for e in errors if e["message_source_type"] == 30)
