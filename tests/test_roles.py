"""Least privilege with real logins, on every backend: each role reaches exactly what it is granted."""
from __future__ import annotations

import uuid

import pytest

from helpers import FOLDER, PROJECT, deploy_sample, new_execution, permission_denied, register
from scaleout_catalog import Catalog, errors

ROLES = ("ssis_admin", "ssis_cluster_executor", "ssis_logreader", "ssis_cluster_worker", None)


@pytest.fixture
def logins(catalog, server):
    """One login per role (and one in no role), each with a Catalog of its own, on `catalog`'s backend."""
    database = catalog.engine.url.database
    urls = {role: server.create_login(database, role) for role in ROLES}
    catalogs = {role: Catalog(url) for role, url in urls.items()}
    yield catalogs
    for c in catalogs.values():
        c.dispose()
    for url in urls.values():
        server.drop_login(database, url)


def ownership_chaining(catalog) -> bool:
    """Whether procedures reach the tables with their owner's rights (SECURITY DEFINER on PostgreSQL,
    ownership chaining on SQL Server), so that roles need no table rights; OFF on Babelfish."""
    return catalog.catalog_properties().get("OWNERSHIP_CHAINING", "ON") == "ON"


def denied(fn, *args, **kwargs):
    """The database itself refuses: no EXECUTE or SELECT privilege."""
    with pytest.raises(Exception) as info:
        fn(*args, **kwargs)
    assert permission_denied(info.value), repr(info.value)


def test_worker_login_calls_worker_procedures_only(catalog, logins):
    deploy_sample(catalog)
    worker_db = logins["ssis_cluster_worker"]
    worker_id = uuid.uuid4()
    assert worker_db.update_worker_agent_status(worker_id, "hostW").is_enabled is False
    agent = catalog.worker_agent(worker_id)
    assert agent.user_account == worker_db.engine.url.username

    # It cannot enable itself, deploy, create executions or read any view.
    denied(worker_db.enable_worker_agent, worker_id)
    denied(worker_db.create_folder, "x")
    denied(worker_db.create_execution, FOLDER, PROJECT, "package2")
    denied(worker_db.worker_agents)
    denied(worker_db.executions)
    if ownership_chaining(catalog):
        denied(worker_db.query, "SELECT * FROM internal.tasks")
    else:
        # The documented fallback where the engine has no ownership chaining (Babelfish): the roles hold
        # rights on the internal tables that their procedures use, so a direct read works.
        assert catalog.catalog_properties()["OWNERSHIP_CHAINING"] == "OFF"
        worker_db.query("SELECT * FROM internal.tasks")

    catalog.enable_worker_agent(worker_id)
    execution_id = new_execution(catalog)
    task = worker_db.pull_task(worker_id)[0]
    worker_db.renew_task_lease(worker_id, task.task_id, task.lease_token)
    worker_db.get_task_parameters(worker_id, task.task_id, task.lease_token)
    worker_db.append_operation_messages(worker_id, [{
        "lease_token": str(task.lease_token), "event_message_guid": str(uuid.uuid4()),
        "message_type": 70, "message": "hello"}])
    assert worker_db.update_task_status(worker_id, task.task_id, task.lease_token, 5) == 5
    worker_db.dealwith_expired_tasks()
    assert catalog.execution(execution_id).status == 7


def test_a_worker_login_cannot_act_as_another_worker(catalog, logins):
    deploy_sample(catalog)
    theirs = register(catalog, "hostAdmin")          # registered by another login
    worker_db = logins["ssis_cluster_worker"]
    new_execution(catalog)
    with pytest.raises(errors.WorkerAgentNotFound):
        worker_db.pull_task(theirs)
    with pytest.raises(errors.WorkerAgentNotFound):
        worker_db.update_worker_agent_status(theirs, "spoofed")
    assert catalog.worker_agent(theirs).machine_name == "hostAdmin"
    task = catalog.pull_task(theirs)[0]
    with pytest.raises(errors.WorkerAgentNotFound):
        worker_db.renew_task_lease(theirs, task.task_id, task.lease_token)


def test_logreader_reads_views_and_calls_nothing(catalog, logins):
    deploy_sample(catalog)
    execution_id = new_execution(catalog)
    reader = logins["ssis_logreader"]
    assert [e.execution_id for e in reader.executions()] == [execution_id]
    assert reader.operation_messages(execution_id) == []
    assert {p.name for p in reader.packages()} == {"package1", "package2"}
    denied(reader.worker_agents)
    denied(reader.stop_operation, execution_id)
    denied(reader.create_execution, FOLDER, PROJECT, "package2")
    denied(reader.pull_task, uuid.uuid4())
    denied(reader.enable_worker_agent, uuid.uuid4())


def test_cluster_executor_runs_executions_but_does_not_manage(catalog, logins):
    deploy_sample(catalog)
    executor = logins["ssis_cluster_executor"]
    # The role lets it run what it has READ and EXECUTE on (test_object_permissions.py).
    principal = catalog.principal_id(executor.engine.url.username)
    for permission in (1, 3):
        catalog.grant_permission(2, catalog.projects()[0].project_id, principal, permission)
    execution_id = executor.create_execution(FOLDER, PROJECT, "package2")
    executor.start_execution(execution_id, 1)
    assert executor.execution(execution_id).status == 5
    executor.stop_operation(execution_id)
    assert executor.worker_agents() == []
    denied(executor.enable_worker_agent, uuid.uuid4())
    denied(executor.create_folder, "x")
    denied(executor.pull_task, uuid.uuid4())
    # Another executor's execution is invisible to it (SSISDB: no READ permission).
    admin_execution = new_execution(catalog, start=False)
    with pytest.raises(errors.ExecutionNotFound):
        executor.start_execution(admin_execution)


def test_admin_does_everything_and_norole_nothing(catalog, logins):
    admin = logins["ssis_admin"]
    admin.create_folder("adminfolder")
    worker = uuid.uuid4()
    admin.update_worker_agent_status(worker, "h")
    admin.enable_worker_agent(worker)
    assert admin.worker_agent(worker).is_enabled
    nobody = logins[None]
    denied(nobody.executions)
    denied(nobody.enable_worker_agent, worker)
    denied(nobody.update_worker_agent_status, uuid.uuid4(), "h")


def test_each_login_sees_the_catalog_roles_it_holds(catalog, logins):
    """catalog.caller_roles: what a user interface may offer a login (the procedures still decide)."""
    for role in ("ssis_admin", "ssis_cluster_executor", "ssis_logreader"):
        assert logins[role].caller_roles() == {role}, role
    assert "ssis_admin" in catalog.caller_roles()      # the catalog's owner (a superuser, or dbo) is an admin
    denied(logins["ssis_cluster_worker"].caller_roles)     # a worker's login reads no view
    denied(logins[None].caller_roles)
