"""The permission matrix: every procedure, called by a login in each role and by one in none,
is allowed or refused exactly as the table in README.md says. A refusal is the database's
own (no EXECUTE privilege: SQLSTATE 42501, or SQL Server's error 229); an allowed call reaches the
procedure, which may still refuse it by its own checks (an SSIS error number). On every backend."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from helpers import ARCHIVE, FOLDER, MANIFEST, PROJECT, deploy_sample, new_execution, permission_denied, register
from scaleout_catalog import errors
from scaleout_catalog.procedures import PROCEDURES
from test_roles import logins  # noqa: F401  (the fixture: one login per role, and one in none)

README = Path(__file__).resolve().parent.parent / "README.md"
COLUMNS = ("ssis_admin", "ssis_cluster_executor", "ssis_logreader", "ssis_cluster_worker", None)


def documented() -> dict[str, dict[str | None, bool]]:
    matrix = {}
    for line in README.read_text().splitlines():
        m = re.match(r"^\| `(?:catalog|internal)\.(\w+)` \|(.+)\|\s*$", line)
        if m:
            cells = [c.strip() for c in m.group(2).split("|")]
            assert len(cells) == len(COLUMNS) and set(cells) <= {"yes", "no"}, line
            matrix[m.group(1)] = {role: cell == "yes" for role, cell in zip(COLUMNS, cells)}
    return matrix


def test_the_readme_documents_every_procedure():
    assert set(documented()) == set(PROCEDURES)


def _calls(catalog, ctx):
    w, e, t = ctx["worker"], ctx["execution"], ctx["task"]
    message = [{"lease_token": str(t.lease_token), "event_message_guid": str(uuid.uuid4()), "message_type": 70,
                "message": "x"}]
    return {
        "enable_worker_agent": lambda: catalog.enable_worker_agent(w),
        "disable_worker_agent": lambda: catalog.disable_worker_agent(uuid.uuid4()),
        "delete_worker_agent": lambda: catalog.delete_worker_agent(uuid.uuid4()),
        "set_worker_agent_property": lambda: catalog.set_worker_agent_property(w, "Tags", "x"),
        "configure_catalog": lambda: catalog.configure_catalog("RETENTION_WINDOW", 30),
        "create_folder": lambda: catalog.create_folder(f"f{uuid.uuid4().hex[:8]}"),
        "deploy_project": lambda: catalog.deploy_project(FOLDER, PROJECT, ARCHIVE, MANIFEST),
        "create_execution": lambda: catalog.create_execution(FOLDER, PROJECT, "package2"),
        "set_execution_parameter_value": lambda: catalog.set_execution_parameter_value(e, 50, "LOGGING_LEVEL", 1),
        "add_execution_worker": lambda: catalog.add_execution_worker(e, w),
        "start_execution": lambda: catalog.start_execution(e),
        "stop_operation": lambda: catalog.stop_operation(e),
        "create_and_start_executions": lambda: catalog.create_and_start_executions(
            [{"folder_name": FOLDER, "project_name": PROJECT, "package_name": "package2"}]),
        "restore_project": lambda: catalog.restore_project(FOLDER, PROJECT, -1),
        "get_project": lambda: catalog.get_project(FOLDER, "no such project"),
        "delete_project": lambda: catalog.delete_project(FOLDER, "no such project"),
        "move_project": lambda: catalog.move_project(FOLDER, "no such project", FOLDER),
        "delete_folder": lambda: catalog.delete_folder("no such folder"),
        "rename_folder": lambda: catalog.rename_folder("no such folder", "x"),
        "set_folder_description": lambda: catalog.set_folder_description("no such folder", "x"),
        "create_environment": lambda: catalog.create_environment(FOLDER, f"e{uuid.uuid4().hex[:8]}"),
        "delete_environment": lambda: catalog.delete_environment(FOLDER, "no such environment"),
        "rename_environment": lambda: catalog.rename_environment(FOLDER, "no such environment", "x"),
        "move_environment": lambda: catalog.move_environment(FOLDER, "no such environment", FOLDER),
        "set_environment_property": lambda: catalog.set_environment_property(FOLDER, "env", "Description", "x"),
        "create_environment_variable": lambda: catalog.create_environment_variable(
            FOLDER, "env", f"v{uuid.uuid4().hex[:8]}", "String", False, "x"),
        "set_environment_variable_value": lambda: catalog.set_environment_variable_value(FOLDER, "env", "v", "x"),
        "set_environment_variable_property": lambda: catalog.set_environment_variable_property(
            FOLDER, "env", "v", "Description", "x"),
        "set_environment_variable_protection": lambda: catalog.set_environment_variable_protection(
            FOLDER, "env", "v", True),
        "delete_environment_variable": lambda: catalog.delete_environment_variable(FOLDER, "env", "nope"),
        "create_environment_reference": lambda: catalog.create_environment_reference(FOLDER, PROJECT, "nope", "R"),
        "delete_environment_reference": lambda: catalog.delete_environment_reference(-1),
        "set_environment_reference_type": lambda: catalog.set_environment_reference_type(-1, "R"),
        "set_object_parameter_value": lambda: catalog.set_object_parameter_value(20, FOLDER, PROJECT, "Environment", "x"),
        "clear_object_parameter_value": lambda: catalog.clear_object_parameter_value(FOLDER, PROJECT, 20, "Environment"),
        "grant_permission": lambda: catalog.grant_permission(2, -1, 0, 1),
        "deny_permission": lambda: catalog.deny_permission(2, -1, 0, 1),
        "revoke_permission": lambda: catalog.revoke_permission(2, -1, 0, 1),
        "create_schedule": lambda: catalog.create_schedule(FOLDER, f"s{uuid.uuid4().hex[:8]}", PROJECT, "package2",
                                                           "@daily"),
        "enable_schedule": lambda: catalog.enable_schedule(FOLDER, "no such schedule"),
        "disable_schedule": lambda: catalog.disable_schedule(FOLDER, "no such schedule"),
        "delete_schedule": lambda: catalog.delete_schedule(FOLDER, "no such schedule"),
        "run_schedule_now": lambda: catalog.run_schedule_now(FOLDER, "no such schedule"),
        "fire_schedules": lambda: catalog.fire_schedules(w),
        "update_worker_agent_status": lambda: catalog.update_worker_agent_status(uuid.uuid4(), "host"),
        "announce_worker_certificate": lambda: catalog.announce_worker_certificate(w, "AB12"),
        "pull_task": lambda: catalog.pull_task(w),
        "renew_task_lease": lambda: catalog.renew_task_lease(w, t.task_id, t.lease_token),
        "get_held_tasks": lambda: catalog.get_held_tasks(w),
        "update_task_status": lambda: catalog.update_task_status(w, t.task_id, t.lease_token, 5),
        "update_tasks_status": lambda: catalog.update_tasks_status(w, [(t.task_id, t.lease_token, 5)]),
        "append_operation_messages": lambda: catalog.append_operation_messages(w, message),
        "report_tasks": lambda: catalog.report_tasks(w, message, [(t.task_id, t.lease_token, 5)]),
        "get_task_package": lambda: catalog.get_task_package(w, t.task_id, t.lease_token),
        "get_task_parameters": lambda: catalog.get_task_parameters(w, t.task_id, t.lease_token),
        "dealwith_expired_tasks": lambda: catalog.dealwith_expired_tasks(),
        "cleanup_server_retention_window": lambda: catalog.cleanup_server_retention_window(),
    }


def _outcome(call) -> bool:
    """True if the call reached the procedure, False if the database refused the caller."""
    try:
        call()
    except errors.CatalogError:
        return True
    except Exception as exc:  # noqa: BLE001
        if permission_denied(exc):
            return False
        raise
    return True


@pytest.mark.parametrize("procedure", sorted(PROCEDURES))
def test_each_role_is_allowed_or_refused_as_documented(procedure, catalog, logins):  # noqa: F811
    deploy_sample(catalog)
    worker = register(catalog, "computerA")
    new_execution(catalog)
    task = catalog.pull_task(worker)[0]
    ctx = {"worker": worker, "execution": new_execution(catalog, start=False), "task": task}
    expected = documented()[procedure]
    observed = {role: _outcome(_calls(logins[role], ctx)[procedure]) for role in COLUMNS}
    assert observed == expected


def test_one_worker_login_cannot_touch_a_task_another_worker_claimed(catalog, server):
    """Worker A's login can neither act as worker B nor use B's task with its own worker id."""
    from scaleout_catalog import Catalog
    database = catalog.engine.url.database
    urls = [server.create_login(database, "ssis_cluster_worker") for _ in (1, 2)]
    a, b = (Catalog(url) for url in urls)
    try:
        deploy_sample(catalog)
        worker_a, worker_b = uuid.uuid4(), uuid.uuid4()
        a.update_worker_agent_status(worker_a, "hostA")
        b.update_worker_agent_status(worker_b, "hostB")
        for w in (worker_a, worker_b):
            catalog.enable_worker_agent(w)
        execution_id = new_execution(catalog, package="package1")
        task = b.pull_task(worker_b)[0]
        message = [{"lease_token": str(task.lease_token), "event_message_guid": str(uuid.uuid4()),
                    "message_type": 70, "message": "forged"}]
        attempts = {
            "renew": lambda w: a.renew_task_lease(w, task.task_id, task.lease_token),
            "complete": lambda w: a.update_task_status(w, task.task_id, task.lease_token, 4),
            "complete in a batch": lambda w: a.update_tasks_status(w, [(task.task_id, task.lease_token, 4)]),
            "read its parameters": lambda w: a.get_task_parameters(w, task.task_id, task.lease_token),
            "read its package": lambda w: a.get_task_package(w, task.task_id, task.lease_token),
            "append messages": lambda w: a.append_operation_messages(w, message),
            "report messages and an outcome": lambda w: a.report_tasks(w, message, [(task.task_id, task.lease_token, 4)]),
        }
        from helpers import snapshot
        before = snapshot(catalog)
        for what, attempt in attempts.items():
            with pytest.raises(errors.WorkerAgentNotFound):       # as worker B: not its worker
                attempt(worker_b)
            if what == "complete in a batch":
                assert [r.status for r in attempt(worker_a)] == [None]   # refused in the batch's answer
            else:
                with pytest.raises((errors.LeaseLost, errors.CatalogError)) as refused:   # as itself: not its task
                    attempt(worker_a)
                assert refused.value.number in (27246, 27101), what
        with pytest.raises(errors.WorkerAgentNotFound):           # nor list B's held tasks
            a.get_held_tasks(worker_b)
        assert snapshot(catalog) == before
        assert a.get_held_tasks(worker_a) == [] and b.get_held_tasks(worker_b)[0].task_id == task.task_id
        assert b.update_task_status(worker_b, task.task_id, task.lease_token, 5) == 5
        assert catalog.execution(execution_id).status == 7
    finally:
        a.dispose()
        b.dispose()
        for url in urls:
            server.drop_login(database, url)
