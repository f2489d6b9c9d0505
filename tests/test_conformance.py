"""The catalog contract, procedure by procedure: the happy path, and every documented
error number with the database left exactly as it was. Runs on every backend."""
from __future__ import annotations

import uuid

import pytest

from helpers import (ARCHIVE, FOLDER, MANIFEST, PACKAGE, PROJECT, age_operations, deploy_sample, expire_leases,
                     new_execution, register, snapshot)
from scaleout_catalog import CatalogError, errors

ALL_WORKERS = "11111111-1111-1111-1111-111111111111"


def refused(catalog, number, fn, *args, **kwargs):
    """Calls fn; asserts it raised SSIS error `number` and that no table changed."""
    before = snapshot(catalog)
    with pytest.raises(CatalogError) as info:
        fn(*args, **kwargs)
    assert info.value.number == number, info.value.message
    assert str(number) in info.value.message
    assert snapshot(catalog) == before
    return info.value


# -- worker management -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["enable_worker_agent", "disable_worker_agent", "delete_worker_agent"])
def test_worker_management_errors(catalog, name):
    register(catalog)
    fn = getattr(catalog, name)
    refused(catalog, 27100, fn, None)
    refused(catalog, 27101, fn, ALL_WORKERS)
    refused(catalog, 27243, fn, uuid.uuid4())
    refused(catalog, 27101, fn, "not-a-guid")


def test_enable_disable_delete(catalog):
    worker = register(catalog, enabled=False)
    catalog.enable_worker_agent(worker)
    assert catalog.worker_agent(worker).is_enabled
    catalog.disable_worker_agent(worker)
    assert not catalog.worker_agent(worker).is_enabled
    catalog.delete_worker_agent(worker)
    assert catalog.worker_agent(worker) is None


def test_delete_worker_with_running_task_is_refused(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    new_execution(catalog)
    catalog.pull_task(worker)
    refused(catalog, 27101, catalog.delete_worker_agent, worker)


def test_set_worker_agent_property(catalog):
    worker = register(catalog)
    catalog.set_worker_agent_property(worker, "DisplayName", "etl-01")
    catalog.set_worker_agent_property(worker, "Description", "nightly loads")
    catalog.set_worker_agent_property(worker, "Tags", "gpu,large")
    agent = catalog.worker_agent(worker)
    assert (agent.display_name, agent.description, agent.tags) == ("etl-01", "nightly loads", "gpu,large")
    refused(catalog, 27100, catalog.set_worker_agent_property, None, "Tags", "x")
    refused(catalog, 27100, catalog.set_worker_agent_property, worker, None, "x")
    refused(catalog, 27101, catalog.set_worker_agent_property, worker, "MachineName", "x")
    refused(catalog, 27101, catalog.set_worker_agent_property, ALL_WORKERS, "Tags", "x")
    refused(catalog, 27243, catalog.set_worker_agent_property, uuid.uuid4(), "Tags", "x")


def test_configure_catalog(catalog):
    catalog.configure_catalog("RETENTION_WINDOW", 30)
    assert catalog.catalog_properties()["RETENTION_WINDOW"] == "30"
    refused(catalog, 27100, catalog.configure_catalog, None, "1")
    refused(catalog, 27100, catalog.configure_catalog, "RETENTION_WINDOW", None)
    refused(catalog, 27101, catalog.configure_catalog, "NO_SUCH_PROPERTY", "1")
    refused(catalog, 27101, catalog.configure_catalog, "RETENTION_WINDOW", "-5")
    refused(catalog, 27101, catalog.configure_catalog, "DEFAULT_EXECUTION_MODE", "0")


# -- folders and projects ----------------------------------------------------------------

def test_create_folder(catalog):
    folder_id = catalog.create_folder("etl")
    assert [(f.id, f.name) for f in catalog.folders()] == [(folder_id, "etl")]
    refused(catalog, 27100, catalog.create_folder, None)
    refused(catalog, 27101, catalog.create_folder, "etl")
    refused(catalog, 27101, catalog.create_folder, "x" * 129)


def test_deploy_project_versions(catalog):
    catalog.create_folder(FOLDER)
    op1 = catalog.deploy_project(FOLDER, PROJECT, ARCHIVE, MANIFEST)
    op2 = catalog.deploy_project(FOLDER, PROJECT, ARCHIVE + b"2", dict(MANIFEST, version="1.0.1"))
    assert op2 > op1
    [project] = catalog.projects()
    assert project.version == "1.0.1"
    assert sorted(p.name for p in catalog.packages()) == ["package1", "package2"]
    assert {p.entry_point_name for p in catalog.packages()} == {"sample.load:run", "sample.noop:run"}


@pytest.mark.parametrize("manifest, problem", [
    ({**MANIFEST, "name": "other"}, "does not match"),
    ({**MANIFEST, "packages": []}, "no packages"),
    ({**MANIFEST, "packages": [{"name": "p", "entry_point": "no_colon"}]}, "module:function"),
    ({**MANIFEST, "packages": [{"name": "p", "entry_point": "m:f"}, {"name": "p", "entry_point": "m:g"}]}, "same name"),
    ({**MANIFEST, "parameters": [{"name": "x", "type": "Decimal"}]}, "Supported types"),
    ({**MANIFEST, "parameters": [{"name": "x", "type": "Int32", "default": "ten"}]}, "not a valid Int32"),
    ({**MANIFEST, "parameters": [{"name": "1x", "type": "Int32"}]}, "parameter name"),
    ("{not json", "not valid JSON"),
])
def test_deploy_project_rejects_bad_manifest(catalog, manifest, problem):
    catalog.create_folder(FOLDER)
    error = refused(catalog, 27101, catalog.deploy_project, FOLDER, PROJECT, ARCHIVE, manifest)
    assert problem in error.message


def test_deploy_project_errors(catalog):
    catalog.create_folder(FOLDER)
    refused(catalog, 27100, catalog.deploy_project, None, PROJECT, ARCHIVE, MANIFEST)
    refused(catalog, 27100, catalog.deploy_project, FOLDER, None, ARCHIVE, MANIFEST)
    refused(catalog, 27100, catalog.deploy_project, FOLDER, PROJECT, None, MANIFEST)
    refused(catalog, 27100, catalog.deploy_project, FOLDER, PROJECT, ARCHIVE, None)
    refused(catalog, 27104, catalog.deploy_project, "nofolder", PROJECT, ARCHIVE, MANIFEST)


# -- executions ---------------------------------------------------------------------------

def test_create_execution_errors(catalog):
    deploy_sample(catalog)
    refused(catalog, 27100, catalog.create_execution, None, PROJECT, PACKAGE)
    refused(catalog, 27100, catalog.create_execution, FOLDER, None, PACKAGE)
    refused(catalog, 27100, catalog.create_execution, FOLDER, PROJECT, None)
    refused(catalog, 27104, catalog.create_execution, "nofolder", PROJECT, PACKAGE)
    refused(catalog, 27109, catalog.create_execution, FOLDER, "noproject", PACKAGE)
    refused(catalog, 27146, catalog.create_execution, FOLDER, PROJECT, "nopackage")
    refused(catalog, 27101, catalog.create_execution, FOLDER, PROJECT, PACKAGE, runinscaleout=False)
    refused(catalog, 27208, catalog.create_execution, FOLDER, PROJECT, PACKAGE, reference_id=1)   # no such reference


def test_create_execution_defaults(catalog):
    deploy_sample(catalog)
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE, runinscaleout=None)
    values = {(v.object_type, v.parameter_name): v for v in catalog.execution_parameter_values(execution_id)}
    assert values[(20, "Environment")].parameter_value == "test"
    assert values[(30, "RowCount")].parameter_value == "10"
    assert values[(30, "ApiKey")].required and not values[(30, "ApiKey")].value_set
    assert {"LOGGING_LEVEL", "SYNCHRONIZED", "DUMP_ON_ERROR", "CALLER_INFO"} <= {
        name for (t, name) in values if t == 50}
    # package2's parameters are not package1's
    assert (30, "RowCount") not in {(v.object_type, v.parameter_name)
                                    for v in catalog.execution_parameter_values(new_execution(catalog, start=False))}


def test_set_execution_parameter_value_errors(catalog):
    deploy_sample(catalog)
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE)
    catalog.set_execution_parameter_value(execution_id, 30, "Threshold", 0.5)
    catalog.set_execution_parameter_value(execution_id, 20, "Environment", "prod")
    refused(catalog, 27100, catalog.set_execution_parameter_value, None, 30, "RowCount", 1)
    refused(catalog, 27100, catalog.set_execution_parameter_value, execution_id, None, "RowCount", 1)
    refused(catalog, 27100, catalog.set_execution_parameter_value, execution_id, 30, None, 1)
    refused(catalog, 27100, catalog.set_execution_parameter_value, execution_id, 30, "RowCount", None)
    refused(catalog, 27101, catalog.set_execution_parameter_value, execution_id, 40, "RowCount", 1)
    refused(catalog, 27103, catalog.set_execution_parameter_value, 999999, 30, "RowCount", 1)
    refused(catalog, 27176, catalog.set_execution_parameter_value, execution_id, 30, "NoSuch", 1)
    refused(catalog, 27176, catalog.set_execution_parameter_value, execution_id, 20, "RowCount", 1)
    refused(catalog, 27147, catalog.set_execution_parameter_value, execution_id, 30, "RowCount", "ten")
    refused(catalog, 27147, catalog.set_execution_parameter_value, execution_id, 30, "RowCount", 2**40)
    refused(catalog, 27217, catalog.set_execution_parameter_value, execution_id, 50, "LOGGING_LEVEL", 7)
    catalog.set_execution_parameter_value(execution_id, 30, "ApiKey", "k")
    catalog.start_execution(execution_id)
    refused(catalog, 27224, catalog.set_execution_parameter_value, execution_id, 30, "RowCount", 1)


def test_add_execution_worker_errors(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    any_worker = new_execution(catalog, start=False, useanyworker=True)
    listed = new_execution(catalog, start=False, useanyworker=False)
    catalog.add_execution_worker(listed, worker)
    catalog.add_execution_worker(listed, worker)    # idempotent
    refused(catalog, 27100, catalog.add_execution_worker, None, worker)
    refused(catalog, 27100, catalog.add_execution_worker, listed, None)
    refused(catalog, 27101, catalog.add_execution_worker, listed, ALL_WORKERS)
    refused(catalog, 27103, catalog.add_execution_worker, 999999, worker)
    refused(catalog, 27251, catalog.add_execution_worker, any_worker, worker)
    refused(catalog, 27243, catalog.add_execution_worker, listed, uuid.uuid4())


def test_start_execution_errors(catalog):
    deploy_sample(catalog)
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE)
    refused(catalog, 27138, catalog.start_execution, None)
    refused(catalog, 27101, catalog.start_execution, -1)
    refused(catalog, 27101, catalog.start_execution, execution_id, -1)
    refused(catalog, 27103, catalog.start_execution, 999999)
    error = refused(catalog, 27184, catalog.start_execution, execution_id)
    assert "ApiKey" in error.message
    catalog.set_execution_parameter_value(execution_id, 30, "ApiKey", "k")
    catalog.start_execution(execution_id, 2)
    assert [t.max_executed_count for t in catalog.tasks(execution_id)] == [3]
    refused(catalog, 27224, catalog.start_execution, execution_id)


def test_start_execution_after_redeploy_raises_27150(catalog):
    deploy_sample(catalog)
    execution_id = new_execution(catalog, start=False)
    catalog.deploy_project(FOLDER, PROJECT, ARCHIVE, dict(MANIFEST, version="2"))
    refused(catalog, 27150, catalog.start_execution, execution_id)


def test_stop_operation(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    queued = new_execution(catalog)
    running = new_execution(catalog)
    created = new_execution(catalog, start=False)
    task = [t for t in catalog.pull_task(worker, 1)][0]
    assert task.execution_id == queued
    # queued/running swapped: the first started is claimed first (age order)
    catalog.stop_operation(running)                       # still queued: cancelled at once
    assert catalog.execution(running).status == 3
    catalog.stop_operation(queued)                        # running: stopping until the worker hears it
    assert catalog.execution(queued).status == 8
    refused(catalog, 27126, catalog.stop_operation, queued)
    renewal = catalog.renew_task_lease(worker, task.task_id, task.lease_token)
    assert renewal.is_cancelled
    assert catalog.update_task_status(worker, task.task_id, task.lease_token, 6) == 6
    e = catalog.execution(queued)
    assert e.status == 3 and e.end_time is not None and e.stopped_by_name
    refused(catalog, 27100, catalog.stop_operation, None)
    refused(catalog, 27124, catalog.stop_operation, 999999)
    refused(catalog, 27124, catalog.stop_operation, created)
    refused(catalog, 27124, catalog.stop_operation, queued)


# -- the worker side ------------------------------------------------------------------------

def test_registration_and_heartbeat(catalog):
    worker = uuid.uuid4()
    status = catalog.update_worker_agent_status(worker, "host1", tags="a,b", max_tasks=4, display_name="w1")
    assert not status.is_enabled and status.lease_seconds > 0 and status.online_window_seconds > 0
    agent = catalog.worker_agent(worker)
    assert (agent.display_name, agent.tags, agent.max_tasks, agent.running_tasks) == ("w1", "a,b", 4, 0)
    first_seen = agent.last_online_time
    catalog.enable_worker_agent(worker)
    assert catalog.update_worker_agent_status(worker, "host1").is_enabled
    assert catalog.worker_agent(worker).last_online_time >= first_seen
    refused(catalog, 27100, catalog.update_worker_agent_status, None, "host1")
    refused(catalog, 27100, catalog.update_worker_agent_status, worker, None)
    refused(catalog, 27101, catalog.update_worker_agent_status, ALL_WORKERS, "host1")
    refused(catalog, 27101, catalog.update_worker_agent_status, worker, "host1", max_tasks=0)


def test_pull_task_errors(catalog):
    worker = register(catalog, enabled=False)
    refused(catalog, 27100, catalog.pull_task, None)
    refused(catalog, 27243, catalog.pull_task, uuid.uuid4())
    refused(catalog, 27252, catalog.pull_task, worker)
    catalog.enable_worker_agent(worker)
    refused(catalog, 27101, catalog.pull_task, worker, 0)
    assert catalog.pull_task(worker, 5) == []


def test_pull_task_orders_by_age_and_claims_in_batches(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    ids = [new_execution(catalog) for _ in range(5)]
    first = catalog.pull_task(worker, 3)
    second = catalog.pull_task(worker, 3)
    assert [t.execution_id for t in first + second] == ids
    assert catalog.worker_agent(worker).running_tasks == 5
    outcomes = catalog.update_tasks_status(worker, [(t.task_id, t.lease_token, 5) for t in first + second])
    assert [o.status for o in outcomes] == [5] * 5
    assert {catalog.execution(i).status for i in ids} == {7}


def test_worker_calls_on_a_task_need_the_lease(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    other = register(catalog, "computerB")
    new_execution(catalog)
    task = catalog.pull_task(worker)[0]
    for call in (catalog.renew_task_lease, catalog.get_task_parameters, catalog.get_task_package):
        refused(catalog, 27246, call, worker, task.task_id, uuid.uuid4())
        refused(catalog, 27246, call, other, task.task_id, task.lease_token)
        refused(catalog, 27100, call, worker, None, task.lease_token)
    refused(catalog, 27246, catalog.update_task_status, worker, task.task_id, uuid.uuid4(), 5)
    refused(catalog, 27101, catalog.update_task_status, worker, task.task_id, task.lease_token, 3)
    refused(catalog, 27101, catalog.update_task_status, worker, task.task_id, task.lease_token, 6)
    package = catalog.get_task_package(worker, task.task_id, task.lease_token)
    assert (package.package_name, package.entry_point, package.project_stream) == ("package2", "sample.noop:run", ARCHIVE)
    assert catalog.get_task_package(worker, task.task_id, task.lease_token, include_stream=False).project_stream is None
    assert len(package.project_checksum) == 64


def test_a_release_uses_up_its_attempt_and_its_number(catalog):
    """A drained attempt may have run part-way: it counts against retry_count, and its number is never reused."""
    deploy_sample(catalog)
    worker = register(catalog)
    execution_id = new_execution(catalog, retry_count=1)
    task = catalog.pull_task(worker)[0]
    assert catalog.update_task_status(worker, task.task_id, task.lease_token, 1) == 1
    assert catalog.execution(execution_id).status == 5
    again = catalog.pull_task(worker)[0]
    assert again.executed_count == 2
    assert catalog.update_task_status(worker, again.task_id, again.lease_token, 1) == 4
    e = catalog.execution(execution_id)
    assert (e.status, e.executed_count) == (6, 2)      # released with no attempt left: ended unexpectedly
    attempts = catalog.query("SELECT attempt, status FROM catalog.task_attempts WHERE execution_id = :id "
                             "ORDER BY attempt", {"id": execution_id})
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, 1), (2, 1)]


def test_append_operation_messages(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    other = register(catalog, "computerB")
    execution_id = new_execution(catalog)
    task = catalog.pull_task(worker)[0]
    messages = [{"lease_token": str(task.lease_token), "event_message_guid": str(uuid.uuid4()),
                 "message_time": None, "message_type": t, "message_source_type": 20, "message": m}
                for t, m in [(70, "loading"), (110, "slow"), (120, "boom: 50% done")]]
    assert catalog.append_operation_messages(worker, messages) == 3
    assert catalog.append_operation_messages(worker, messages) == 0      # a re-sent batch adds nothing
    rows = catalog.operation_messages(execution_id)
    assert [(r.message_type, r.message) for r in rows] == [(70, "loading"), (110, "slow"), (120, "boom: 50% done")]
    assert {r.attempt for r in rows} == {1} and {r.worker_agent_id for r in rows} == {worker}
    refused(catalog, 27246, catalog.append_operation_messages, other, messages)
    bad = [dict(messages[0], event_message_guid=str(uuid.uuid4()), message=None)]
    refused(catalog, 27100, catalog.append_operation_messages, worker, bad)
    refused(catalog, 27100, catalog.call, "append_operation_messages", worker_agent_id=worker, messages=None)


def _messages(task, *texts):
    return [{"lease_token": str(task.lease_token), "event_message_guid": str(uuid.uuid4()),
             "message_time": None, "message_type": 70, "message_source_type": 20, "message": m} for m in texts]


def test_a_long_message_is_stored_whole(catalog):
    """Up to the 64 Ki characters a worker keeps of one message, and beyond: nothing is cut on the way
    (Babelfish's typed OPENJSON columns stop at 4000 characters; the T-SQL reads around them)."""
    deploy_sample(catalog)
    worker = register(catalog)
    new_execution(catalog)
    task = catalog.pull_task(worker)[0]
    texts = ["z" * 70000, "y" * 1023, "x" * 65536 + " [a note]"]
    catalog.append_operation_messages(worker, _messages(task, texts[0], texts[1]))
    catalog.report_tasks(worker, _messages(task, texts[2]), [(task.task_id, task.lease_token, 5)])
    assert [m.message for m in catalog.operation_messages(task.execution_id)] == texts


def test_report_tasks_writes_messages_and_outcomes_in_one_call(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    ok, bad = new_execution(catalog), new_execution(catalog)
    first, second = catalog.pull_task(worker, 2)
    outcomes = catalog.report_tasks(worker, _messages(first, "one", "two") + _messages(second, "three"),
                                    [(first.task_id, first.lease_token, 5), (second.task_id, second.lease_token, 4)])
    assert [(o.task_id, o.status) for o in sorted(outcomes, key=lambda o: o.task_id != first.task_id)] == \
        [(first.task_id, 5), (second.task_id, 4)]
    assert (catalog.execution(ok).status, catalog.execution(bad).status) == (7, 4)
    assert [m.message for m in catalog.operation_messages(ok)] == ["one", "two"]
    assert [m.message for m in catalog.operation_messages(bad)] == ["three"]
    # messages alone, and an outcome on a stale lease: refused as a row, not an error
    assert catalog.report_tasks(worker, _messages(first, "late"), []) == []
    assert [o.status for o in catalog.report_tasks(worker, [], [(first.task_id, first.lease_token, 5)])] == [None]
    assert [m.message for m in catalog.operation_messages(ok)] == ["one", "two", "late"]


def test_report_tasks_refusals_change_nothing(catalog):
    """All or nothing: whichever part is refused, no message is written and no outcome applied."""
    deploy_sample(catalog)
    worker = register(catalog)
    other = register(catalog, "computerB")
    new_execution(catalog)
    task = catalog.pull_task(worker)[0]
    done = [(task.task_id, task.lease_token, 5)]
    refused(catalog, 27100, catalog.call, "report_tasks", worker_agent_id=worker, messages=None, tasks=None)
    refused(catalog, 27100, catalog.report_tasks, None, _messages(task, "x"), done)
    refused(catalog, 27243, catalog.report_tasks, uuid.uuid4(), _messages(task, "x"), done)
    refused(catalog, 27246, catalog.report_tasks, other, _messages(task, "x"), [])
    refused(catalog, 27100, catalog.report_tasks, worker, [dict(_messages(task, "x")[0], message=None)], done)
    refused(catalog, 27101, catalog.report_tasks, worker, _messages(task, "a NUL \x00 here"), done)
    refused(catalog, 27101, catalog.report_tasks, worker, _messages(task, "fine"), [(task.task_id, task.lease_token, 3)])
    refused(catalog, 27101, catalog.call, "report_tasks", worker_agent_id=worker, messages="not json", tasks=None)
    refused(catalog, 27101, catalog.call, "report_tasks", worker_agent_id=worker,
            messages=None, tasks='{"task_id": 1}')
    assert catalog.tasks()[0].status == 2 and catalog.operation_messages(task.execution_id) == []


def test_dealwith_expired_tasks(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    retried = new_execution(catalog, retry_count=1)
    lost = new_execution(catalog, retry_count=0)
    catalog.pull_task(worker, 2)
    expire_leases(catalog)
    assert catalog.dealwith_expired_tasks() == 2
    assert catalog.execution(retried).status == 5           # re-queued
    e = catalog.execution(lost)
    assert e.status == 6 and e.end_time is not None          # ended unexpectedly
    assert catalog.dealwith_expired_tasks() == 0


def test_cleanup_server_retention_window(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    done = new_execution(catalog)
    running = new_execution(catalog)
    task = catalog.pull_task(worker)[0]
    catalog.update_task_status(worker, task.task_id, task.lease_token, 5)
    catalog.pull_task(worker)
    assert catalog.cleanup_server_retention_window() == 0    # nothing old enough
    age_operations(catalog, days=400)
    assert catalog.cleanup_server_retention_window() >= 1
    remaining = {e.execution_id for e in catalog.executions()}
    assert done not in remaining and running in remaining     # running work is never touched


def test_cleanup_server_retention_window_works_in_batches(catalog):
    """More than one batch (1000 operations) expired: one call removes them all, and only them."""
    deploy_sample(catalog)
    with catalog.transaction():
        stale = {catalog.create_execution(FOLDER, PROJECT, "package2") for _ in range(1001)}
    age_operations(catalog, days=400, unstarted=True)
    fresh = catalog.create_execution(FOLDER, PROJECT, "package2")
    assert catalog.cleanup_server_retention_window() == 1001
    assert [e.execution_id for e in catalog.recent_executions(2000)] == [fresh]
    assert not stale & {e.execution_id for e in catalog.recent_executions(2000)}



# -- what used to differ on SQL Server -------------------------------------------------------

def test_overlong_names_are_refused_not_cut(catalog):
    # SQL Server cuts an argument to its parameter's declared size; the parameters are declared wider.
    refused(catalog, 27101, catalog.update_worker_agent_status, uuid.uuid4(), "computerA", display_name="d" * 10_000)
    refused(catalog, 27101, catalog.update_worker_agent_status, uuid.uuid4(), "m" * 257)
    catalog.create_folder(FOLDER)
    long_project = "p" * 129
    refused(catalog, 27101, catalog.deploy_project, FOLDER, long_project, ARCHIVE, {**MANIFEST, "name": long_project})
    deploy_sample(catalog)
    # A name longer than the column must not match the stored name it starts with.
    refused(catalog, 27104, catalog.create_execution, FOLDER + "x" * 4000, PROJECT, "package2")


def test_values_come_back_typed_and_checksums_as_hex(catalog):
    import hashlib
    worker = register(catalog, "computerA")
    [row] = catalog.query("SELECT WorkerAgentId, computerName FROM catalog.worker_agents")
    values = list(row.values())
    assert values == [worker, "computerA"] and isinstance(values[0], uuid.UUID)
    deploy_sample(catalog)
    [checksum] = [r["project_checksum"] for r in catalog.query("SELECT project_checksum FROM internal.object_versions")]
    assert checksum.strip() == hashlib.sha256(ARCHIVE).hexdigest()
    properties = catalog.catalog_properties()
    assert properties["SENSITIVE_VALUE_ENCRYPTION"] in {"pgcrypto", "none", "AES_256"}


def test_calls_in_one_transaction_leave_nothing_when_one_is_refused(catalog):
    """What scaleout execute relies on: create, set and start together, or nothing at all."""
    deploy_sample(catalog)
    register(catalog)
    before = snapshot(catalog)
    with pytest.raises(errors.ParameterTypeMismatch):
        with catalog.transaction():
            execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE)
            catalog.set_execution_parameter_value(execution_id, 30, "ApiKey", "k")
            catalog.set_execution_parameter_value(execution_id, 30, "RowCount", "1_000")
    assert snapshot(catalog) == before
    with catalog.transaction():
        execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE)
        catalog.set_execution_parameter_value(execution_id, 30, "ApiKey", "k")
        catalog.start_execution(execution_id)
    assert catalog.execution(execution_id).status == 5


def test_recent_executions_pages_newest_first(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    ids = [new_execution(catalog) for _ in range(5)]
    created = new_execution(catalog, start=False)
    task = catalog.pull_task(worker)[0]
    catalog.update_task_status(worker, task.task_id, task.lease_token, 5)
    assert [e.execution_id for e in catalog.recent_executions(3)] == [created, ids[4], ids[3]]
    assert [e.execution_id for e in catalog.recent_executions(3, before=ids[3])] == [ids[2], ids[1], ids[0]]
    assert [e.execution_id for e in catalog.recent_executions(10, status=7)] == [ids[0]]
    assert [e.execution_id for e in catalog.recent_executions(2, status=5, before=ids[4])] == [ids[3], ids[2]]
    assert catalog.recent_executions(10, status=4) == []


# -- many executions in one call (extension) ----------------------------------------------------

def _bulk(package=PACKAGE, **extra):
    element = {"folder_name": FOLDER, "project_name": PROJECT, "package_name": package}
    if package == PACKAGE:
        element["parameters"] = [{"object_type": 30, "parameter_name": "ApiKey", "parameter_value": "k"}]
    return {**element, **extra}


def test_create_and_start_executions_matches_the_one_by_one_procedures(catalog):
    deploy_sample(catalog)
    worker = register(catalog)
    one = catalog.create_execution(FOLDER, PROJECT, PACKAGE)
    catalog.set_execution_parameter_value(one, 30, "ApiKey", "s3cret")
    catalog.set_execution_parameter_value(one, 30, "RowCount", 7)
    catalog.set_execution_parameter_value(one, 50, "LOGGING_LEVEL", 3)
    catalog.start_execution(one, retry_count=2)
    ids = catalog.create_and_start_executions([
        {"folder_name": FOLDER, "project_name": PROJECT, "package_name": PACKAGE,
         "parameters": [{"object_type": 30, "parameter_name": "ApiKey", "parameter_value": "s3cret"},
                        {"object_type": 30, "parameter_name": "RowCount", "parameter_value": 7},
                        {"object_type": 50, "parameter_name": "LOGGING_LEVEL", "parameter_value": "3"}]},
        _bulk("package2"), _bulk("package2")], retry_count=2)
    assert len(ids) == 3 and ids == sorted(ids) and ids[0] > one

    def values(execution_id):
        return [(v.object_type, v.parameter_name, v.parameter_data_type, v.parameter_value, v.sensitive, v.required,
                 v.value_set, v.runtime_override) for v in catalog.execution_parameter_values(execution_id)]
    assert values(ids[0]) == values(one)
    a, b = catalog.execution(one), catalog.execution(ids[0])
    assert (b.status, b.executed_count, b.project_lsn, b.caller_name, b.package_name) == \
        (a.status, a.executed_count, a.project_lsn, a.caller_name, a.package_name) == (5, 0, 1, a.caller_name, PACKAGE)
    # Queued in the array's order, after what was queued before; the sensitive value reaches the lease holder.
    claimed = catalog.pull_task(worker, 10)
    assert [t.execution_id for t in claimed] == [one, *ids]
    assert all(t.max_executed_count == 3 for t in claimed)
    assert {p.parameter_name: p.parameter_value for p in claimed[1].parameters}["ApiKey"] == "s3cret"
    assert catalog.create_and_start_executions([]) == []


@pytest.mark.parametrize("case", [
    "not json", "not an array", "missing package", "no folder", "no project", "no package", "parameters not array",
    "parameter without value", "object_type 40", "unknown parameter", "wrong type", "logging level 7",
    "parameter twice", "required missing", "retry_count 101", "use32bitruntime not boolean"])
def test_create_and_start_executions_errors(catalog, case):
    deploy_sample(catalog)
    good = _bulk()
    number, bad = {
        "not json": (27101, "[{"),
        "not an array": (27101, '{"folder_name": "x"}'),
        "missing package": (27100, [good, {"folder_name": FOLDER, "project_name": PROJECT}]),
        "no folder": (27104, [good, _bulk(folder_name="nosuch")]),
        "no project": (27109, [good, _bulk(project_name="nosuch")]),
        "no package": (27146, [good, _bulk("nosuch")]),
        "parameters not array": (27101, [_bulk(parameters={"object_type": 30})]),
        "parameter without value": (27100, [_bulk(parameters=[{"object_type": 30, "parameter_name": "ApiKey"}])]),
        "object_type 40": (27101, [_bulk(parameters=[{"object_type": 40, "parameter_name": "ApiKey",
                                                      "parameter_value": "k"}])]),
        "unknown parameter": (27176, [_bulk(parameters=[{"object_type": 30, "parameter_name": "ApiKey", "parameter_value": "k"},
                                                        {"object_type": 30, "parameter_name": "Nope", "parameter_value": "1"}])]),
        "wrong type": (27147, [_bulk(parameters=[{"object_type": 30, "parameter_name": "ApiKey", "parameter_value": "k"},
                                                 {"object_type": 30, "parameter_name": "RowCount", "parameter_value": "1_000"}])]),
        "logging level 7": (27217, [_bulk(parameters=[{"object_type": 30, "parameter_name": "ApiKey", "parameter_value": "k"},
                                                      {"object_type": 50, "parameter_name": "LOGGING_LEVEL", "parameter_value": "7"}])]),
        "parameter twice": (27101, [_bulk(parameters=[{"object_type": 30, "parameter_name": "ApiKey", "parameter_value": "k"},
                                                      {"object_type": 30, "parameter_name": "ApiKey", "parameter_value": "j"}])]),
        "required missing": (27184, [good, _bulk(parameters=[])]),
        "retry_count 101": (27101, [good]),
        "use32bitruntime not boolean": (27101, [_bulk(use32bitruntime="maybe")]),
    }[case]
    text = bad if isinstance(bad, str) else __import__("json").dumps(bad)
    error = refused(catalog, number, catalog.create_and_start_executions, text,
                    retry_count=101 if case == "retry_count 101" else 0)
    if case in ("no folder", "no project", "no package", "required missing"):
        assert "element 2" in error.message.lower()
