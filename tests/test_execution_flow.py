"""SSIS's "run packages in Scale Out" flow, with catalog.executions checked at every step."""
from __future__ import annotations

from helpers import FOLDER, PACKAGE, PROJECT, deploy_sample, register


def test_run_in_scale_out_with_listed_worker(catalog):
    deploy_sample(catalog)
    listed = register(catalog, "computerA")
    unlisted = register(catalog, "computerB")
    disabled = register(catalog, "computerC", enabled=False)

    # create_execution @runinscaleout=1, @useanyworker=0
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE, runinscaleout=True, useanyworker=False)
    e = catalog.execution(execution_id)
    assert (e.status, e.executed_count, e.worker_agent_id, e.start_time, e.end_time) == (1, 0, None, None, None)
    assert e.created_time is not None and e.package_name == PACKAGE

    catalog.set_execution_parameter_value(execution_id, 50, "LOGGING_LEVEL", 1)
    catalog.set_execution_parameter_value(execution_id, 30, "ApiKey", "s3cret")
    catalog.set_execution_parameter_value(execution_id, 30, "RowCount", 25)
    values = {v.parameter_name: v for v in catalog.execution_parameter_values(execution_id)}
    assert values["RowCount"].parameter_value == "25" and values["RowCount"].runtime_override
    assert values["ApiKey"].parameter_value is None and values["ApiKey"].sensitive

    catalog.add_execution_worker(execution_id, listed)
    catalog.add_execution_worker(execution_id, disabled)   # accepted, as in SSIS; it still cannot claim
    catalog.start_execution(execution_id, retry_count=2)
    e = catalog.execution(execution_id)
    assert (e.status, e.executed_count, e.worker_agent_id, e.end_time) == (5, 0, None, None)
    assert e.start_time is not None

    # An unlisted worker gets nothing; a disabled one is refused outright.
    assert catalog.pull_task(unlisted, 10) == []
    import pytest
    from scaleout_catalog import errors
    with pytest.raises(errors.WorkerAgentDisabled):
        catalog.pull_task(disabled, 10)

    claimed = catalog.pull_task(listed, 10)
    assert len(claimed) == 1
    task = claimed[0]
    assert (task.execution_id, task.executed_count, task.max_executed_count) == (execution_id, 1, 3)
    e = catalog.execution(execution_id)
    assert (e.status, e.executed_count, e.worker_agent_id, e.machine_name) == (2, 1, listed, "computerA")

    params = {p.parameter_name: p.parameter_value for p in catalog.get_task_parameters(listed, task.task_id, task.lease_token)}
    assert params["ApiKey"] == "s3cret" and params["RowCount"] == "25" and params["Environment"] == "test"
    # The claim itself carries what starts the task: the same values (sensitive ones decrypted, for the
    # lease holder), the package and the archive's checksum; reconciliation returns the same.
    package = catalog.get_task_package(listed, task.task_id, task.lease_token, include_stream=False)
    assert task.parameters == tuple(catalog.get_task_parameters(listed, task.task_id, task.lease_token))
    # What the package reads: its project and package parameters; SSIS's system ones stay in the catalog.
    assert {p.object_type for p in task.parameters} == {20, 30}
    assert (task.package_name, task.entry_point, task.project_checksum) == \
        (package.package_name, package.entry_point, package.project_checksum)
    held = catalog.get_held_tasks(listed)
    assert [(h.task_id, h.lease_token, h.parameters, h.entry_point) for h in held] == \
        [(task.task_id, task.lease_token, task.parameters, task.entry_point)]

    assert catalog.update_task_status(listed, task.task_id, task.lease_token, 5) == 5
    e = catalog.execution(execution_id)
    assert (e.status, e.executed_count, e.worker_agent_id) == (7, 1, listed)
    assert e.end_time is not None and e.end_time >= e.start_time
    assert [t.status for t in catalog.tasks(execution_id)] == [5]


def test_failed_attempt_is_retried_then_fails(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    execution_id = catalog.create_execution(FOLDER, PROJECT, "package2")
    catalog.start_execution(execution_id, retry_count=1)

    first = catalog.pull_task(worker)[0]
    assert catalog.update_task_status(worker, first.task_id, first.lease_token, 4) == 1   # re-queued
    e = catalog.execution(execution_id)
    assert (e.status, e.executed_count, e.end_time) == (5, 1, None)

    second = catalog.pull_task(worker)[0]
    assert second.executed_count == 2 and second.lease_token != first.lease_token
    assert catalog.update_task_status(worker, second.task_id, second.lease_token, 4) == 4
    e = catalog.execution(execution_id)
    assert (e.status, e.executed_count) == (4, 2) and e.end_time is not None
