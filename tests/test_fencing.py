"""Fencing: once a lease expires and the task is claimed again, the old attempt's token is dead."""
from __future__ import annotations

import pytest

from helpers import deploy_sample, expire_leases, new_execution, register
from scaleout_catalog import errors


def test_stale_token_cannot_renew_or_complete(catalog):
    deploy_sample(catalog)
    worker_a = register(catalog, "computerA")
    worker_b = register(catalog, "computerB")
    execution_id = new_execution(catalog, retry_count=2)

    stale = catalog.pull_task(worker_a)[0]
    expire_leases(catalog)                       # worker A went silent past its lease
    assert catalog.dealwith_expired_tasks() == 1
    fresh = catalog.pull_task(worker_b)[0]
    assert fresh.task_id == stale.task_id and fresh.lease_token != stale.lease_token

    with pytest.raises(errors.TaskNotFound):
        catalog.renew_task_lease(worker_a, stale.task_id, stale.lease_token)
    with pytest.raises(errors.LeaseLost):
        catalog.update_task_status(worker_a, stale.task_id, stale.lease_token, 4)
    # Batched completion refuses the stale row instead of applying it.
    assert [o.status for o in catalog.update_tasks_status(worker_a, [(stale.task_id, stale.lease_token, 5)])] == [None]
    # The same worker, re-claiming, would get a new token; the old one stays dead.
    e = catalog.execution(execution_id)
    assert (e.status, e.worker_agent_id, e.executed_count) == (2, worker_b, 2)

    # The later attempt's outcome stands.
    assert catalog.update_task_status(worker_b, fresh.task_id, fresh.lease_token, 5) == 5
    with pytest.raises(errors.TaskNotFound):
        catalog.update_task_status(worker_a, stale.task_id, stale.lease_token, 4)
    e = catalog.execution(execution_id)
    assert (e.status, e.worker_agent_id, e.executed_count) == (7, worker_b, 2)
    attempts = catalog.query("SELECT attempt, worker_agent_id, status FROM catalog.task_attempts ORDER BY attempt")
    assert [(a["attempt"], str(a["worker_agent_id"]), a["status"]) for a in attempts] == [
        (1, str(worker_a), 7), (2, str(worker_b), 5)]
