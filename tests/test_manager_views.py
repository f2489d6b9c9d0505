"""The web manager's views in both dialects: catalog.queue_summary, catalog.worker_summary and
catalog.execution_status_counts, each checked against the catalog's own rows."""
from __future__ import annotations

from helpers import deploy_sample, new_execution, register


def _scene(catalog) -> dict:
    """Two enabled workers (one silent past the online window), one disabled; one execution of each fate."""
    deploy_sample(catalog)
    online = register(catalog, "m1", max_tasks=6)
    register(catalog, "m2", enabled=False)
    silent = register(catalog, "m3", max_tasks=3)
    window = {"postgresql": "UPDATE internal.worker_agents SET last_online_time = now() - interval '1 hour' "
                            "WHERE worker_agent_id = %s",
              "mssql": "UPDATE internal.worker_agents SET last_online_time = DATEADD(hour, -1, SYSDATETIMEOFFSET()) "
                       "WHERE worker_agent_id = ?"}[catalog.dialect]
    with catalog.engine.begin() as conn:
        conn.exec_driver_sql(window, (str(silent),))
    succeeded, failed, running = (new_execution(catalog) for _ in range(3))
    tasks = {t.execution_id: t for t in catalog.pull_task(online, 3)}
    catalog.update_task_status(online, tasks[succeeded].task_id, tasks[succeeded].lease_token, 5)
    catalog.update_task_status(online, tasks[failed].task_id, tasks[failed].lease_token, 4)
    queued = new_execution(catalog)
    created = new_execution(catalog, start=False)
    return {"online": online, "succeeded": succeeded, "failed": failed, "running": running, "queued": queued,
            "created": created}


def test_the_summaries_count_what_the_catalog_holds(catalog):
    scene = _scene(catalog)
    queue = catalog.queue_summary()
    assert (queue["queued_tasks"], queue["running_tasks"]) == (1, 1)
    assert 0 <= queue["oldest_queued_seconds"] < 60
    assert (queue["pending_executions"], queue["running_executions"], queue["stopping_executions"]) == (1, 1, 0)
    assert (queue["succeeded_last_24_hours"], queue["failed_last_24_hours"], queue["canceled_last_24_hours"],
            queue["ended_unexpectedly_last_24_hours"]) == (1, 1, 0, 0)
    assert queue["started_last_hour"] == 4
    assert 0 <= queue["pickup_avg_ms_last_hour"] <= queue["pickup_max_ms_last_hour"] < 60_000

    workers = catalog.worker_summary()
    assert workers == {"workers_online": 1, "workers_offline": 1, "workers_disabled": 1, "task_slots_online": 6,
                       "running_tasks": 1}

    by_status = {}
    for execution in catalog.executions():
        by_status[execution.status] = by_status.get(execution.status, 0) + 1
    assert catalog.execution_status_counts() == by_status == {7: 1, 4: 1, 2: 1, 5: 1, 1: 1}
    assert scene["created"] in {e.execution_id for e in catalog.executions() if e.status == 1}


def test_an_empty_catalog_summarises_to_zeros(catalog):
    queue = catalog.queue_summary()
    assert queue["queued_tasks"] == queue["started_last_hour"] == 0 and queue["oldest_queued_seconds"] == 0
    assert queue["pickup_avg_ms_last_hour"] is None
    assert catalog.worker_summary()["workers_online"] == 0
    assert catalog.execution_status_counts() == {}


def test_why_a_queued_execution_is_not_running(catalog):
    deploy_sample(catalog)
    nobody = new_execution(catalog)
    assert catalog.execution_waits(nobody)["reason"] == "no_enabled_worker"
    assert catalog.execution_waits(nobody)["eligible_workers"] == 0

    disabled = register(catalog, "d1")
    pinned = new_execution(catalog, start=False, useanyworker=False)
    catalog.add_execution_worker(pinned, disabled)
    catalog.start_execution(pinned)
    catalog.disable_worker_agent(disabled)       # after the start (start_execution refuses a disabled one)
    waits = catalog.execution_waits(pinned)
    assert (waits["reason"], waits["eligible_workers"], waits["enabled_workers"]) == ("no_enabled_worker", 1, 0)

    register(catalog, "s1", max_tasks=2)
    with catalog.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE internal.worker_agents SET last_online_time = " + {
            "postgresql": "now() - interval '1 hour'", "mssql": "DATEADD(hour, -1, SYSDATETIMEOFFSET())"}[catalog.dialect])
    assert catalog.execution_waits(nobody)["reason"] == "no_online_worker"

    busy = register(catalog, "b1", max_tasks=1)          # registering is a heartbeat: online
    catalog.pull_task(busy)                                 # takes the oldest: `nobody`
    assert catalog.execution_waits(nobody) is None          # running now, not waiting
    queued = new_execution(catalog)
    waits = catalog.execution_waits(queued)
    assert (waits["reason"], waits["online_workers"], waits["free_slots"]) == ("workers_full", 1, 0)

    register(catalog, "f1", max_tasks=3)
    waits = catalog.execution_waits(queued)
    assert (waits["reason"], waits["free_slots"], waits["tasks_ahead"]) == ("queued", 3, 1)   # `pinned` is older
    behind = new_execution(catalog)
    assert catalog.execution_waits(behind)["tasks_ahead"] == 2
    assert catalog.execution_waits(pinned)["reason"] == "no_enabled_worker"     # still only its disabled worker


def test_the_rate_counts_each_minute_of_the_last_day(catalog):
    _scene(catalog)
    rows = catalog.execution_rate()
    assert rows and all(0 <= r["minutes_ago"] < 2 for r in rows)      # all of it just now (or a minute ago)
    assert sum(r["ended"] for r in rows) == 2 and sum(r["failed"] for r in rows) == 1
    assert sum(r["started"] for r in rows) == 4
    assert all(r["pickup_avg_ms"] is None or 0 <= r["pickup_avg_ms"] < 60_000 for r in rows)
    assert catalog.execution_rate(0) == []


def test_a_worker_disabled_for_a_changed_certificate_is_the_reason(catalog):
    deploy_sample(catalog)
    worker = register(catalog, "c1", certificate_thumbprint="AA" * 32)
    pinned = new_execution(catalog, start=False, useanyworker=False)
    catalog.add_execution_worker(pinned, worker)
    catalog.start_execution(pinned)
    status = catalog.update_worker_agent_status(worker, "c1", certificate_thumbprint="BB" * 32)
    assert status.is_enabled is False and status.warning
    waits = catalog.execution_waits(pinned)
    assert (waits["reason"], waits["certificate_disabled_workers"]) == ("certificate_changed", 1)
    catalog.disable_worker_agent(worker)          # an admin's decision replaces the catalog's reason
    assert catalog.execution_waits(pinned)["reason"] == "no_enabled_worker"
    catalog.enable_worker_agent(worker)
    assert catalog.execution_waits(pinned)["reason"] == "queued"
