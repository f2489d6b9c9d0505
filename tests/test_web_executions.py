"""All Executions, the execution overview, its live stream, stop, run again and Execute Package, over
HTTP on every backend; each refusal by the catalog changes nothing."""
from __future__ import annotations

import re

import pytest

import uuid

from helpers import FOLDER, PACKAGE, PROJECT, deploy_sample, new_execution, register, snapshot
from test_roles import logins  # noqa: F401
from test_web import csrf, manager, sign_in  # noqa: F401  (fixtures and helpers)


@pytest.fixture
def admin(logins, manager, catalog):
    deploy_sample(catalog)
    assert sign_in(manager, logins["ssis_admin"]).status_code == 303
    return manager


def ids(page_text: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-execution="(\d+)"', page_text)]


def test_all_executions_filters_and_pages_in_the_database(admin, catalog):
    made = [new_execution(catalog, package="package2", start=i % 2 == 0) for i in range(55)]
    page = admin.get("/executions")
    assert page.status_code == 200 and ids(page.text) == sorted(made, reverse=True)[:50]
    older = re.search(r'href="/executions\?([^"]*before=\d+[^"]*)"', page.text).group(1).replace("&amp;", "&")
    assert ids(admin.get(f"/executions/rows?{older}").text) == sorted(made, reverse=True)[50:]
    pending = admin.get("/executions/rows?status=5").text
    assert set(ids(pending)) == set(made[0::2][-50:]) and "badge" in pending
    assert ids(admin.get("/executions/rows?package=package1").text) == []
    assert len(ids(admin.get("/executions/rows?q=PACKAGE2").text)) == 50      # any case
    assert ids(admin.get("/executions/rows?q=pack%25ge2").text) == []          # % is a character, not a wildcard
    assert ids(admin.get("/executions/rows?q=pack_ge2").text) == []
    assert len(ids(admin.get(f"/executions/rows?folder={FOLDER}&project={PROJECT}").text)) == 50
    assert ids(admin.get("/executions/rows?from=2999-01-01T00:00").text) == []
    for bad, why in (("status=99", "status must be from 1 to 9"), ("worker=nope", "WorkerAgentId"),
                     ("from=yesterday", "date and time"), ("before=-1", "before must be"),
                     ("q=" + "x" * 300, "at most 200"), ("folder=a%00b", "NUL")):
        refused = admin.get(f"/executions/rows?{bad}", headers={"HX-Request": "true"})
        assert refused.status_code == 400 and why in refused.text, bad


def test_the_overview_masks_sensitive_values_and_names_its_attempts(admin, catalog):
    worker = register(catalog)
    execution_id = catalog.create_execution(FOLDER, PROJECT, PACKAGE)
    catalog.set_execution_parameter_value(execution_id, 30, "ApiKey", "top-secret-key")
    catalog.set_execution_parameter_value(execution_id, 30, "RowCount", 42)
    catalog.start_execution(execution_id)
    task = catalog.pull_task(worker)[0]
    catalog.append_operation_messages(worker, [{"lease_token": str(task.lease_token), "message_type": 120,
                                                "event_message_guid": str(uuid.uuid4()),
                                                "message": "<b>boom</b> in row 7"}])
    catalog.update_task_status(worker, task.task_id, task.lease_token, 4)
    page = admin.get(f"/executions/{execution_id}")
    assert page.status_code == 200
    assert "top-secret-key" not in page.text and "(sensitive)" in page.text and ">42<" in page.text
    assert "data-error" in page.text and "&lt;b&gt;boom&lt;/b&gt; in row 7" in page.text
    assert 'data-status="4"' in page.text and "Run again" in page.text
    assert admin.get("/executions/999999999").status_code == 404


def test_the_stream_sends_messages_status_and_the_end(admin, catalog):
    worker = register(catalog)
    execution_id = new_execution(catalog, package="package2")
    task = catalog.pull_task(worker)[0]
    catalog.append_operation_messages(worker, [{"lease_token": str(task.lease_token), "message_type": 70,
                                                "event_message_guid": str(uuid.uuid4()),
                                                "message": f"line {i}"} for i in range(3)])
    catalog.update_task_status(worker, task.task_id, task.lease_token, 5)
    first = catalog.operation_messages(execution_id)[0].operation_message_id
    body = admin.get(f"/executions/{execution_id}/stream?after={first}&status=2").text
    events = re.findall(r"^event: (\w+)$", body, re.M)
    assert events == ["messages", "status", "done"]
    assert "line 0" not in body and "line 1" in body and "line 2" in body and 'data-status="7"' in body
    again = admin.get(f"/executions/{execution_id}/stream", headers={"Last-Event-ID": "999999999"}).text
    assert re.findall(r"^event: (\w+)$", again, re.M) == ["status", "done"]


def test_stop_and_run_again(admin, catalog):
    worker = register(catalog)
    running = catalog.create_execution(FOLDER, PROJECT, PACKAGE)
    catalog.set_execution_parameter_value(running, 30, "ApiKey", "k")
    catalog.set_execution_parameter_value(running, 30, "RowCount", 7)
    catalog.start_execution(running, retry_count=2)
    task = catalog.pull_task(worker)[0]
    token = csrf(admin)
    stopped = admin.post(f"/executions/{running}/stop", headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert stopped.status_code == 200 and "Stop requested" in stopped.text
    assert catalog.execution(running).status == 8
    again = admin.post(f"/executions/{running}/stop", headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert again.status_code == 400 and "already stopping" in again.text
    catalog.update_task_status(worker, task.task_id, task.lease_token, 6)
    assert catalog.execution(running).status == 3

    before = snapshot(catalog)   # ApiKey is sensitive and required: not copied, so the start is refused
    refused = admin.post(f"/executions/{running}/rerun", data={"csrf_token": token})
    assert refused.status_code == 400 and "ApiKey" in refused.text
    assert snapshot(catalog) == before

    plain = new_execution(catalog, package="package2")
    t = catalog.pull_task(worker)[0]
    catalog.update_task_status(worker, t.task_id, t.lease_token, 5)
    rerun = admin.post(f"/executions/{plain}/rerun", data={"csrf_token": token})
    assert rerun.status_code == 303
    new_id = int(rerun.headers["location"].rsplit("/", 1)[1])
    assert new_id > plain and catalog.execution(new_id).status == 5


def test_execute_package_starts_it_and_a_refusal_leaves_nothing(admin, catalog):
    worker = register(catalog)
    token = csrf(admin)
    form = admin.get(f"/execute?folder={FOLDER}&project={PROJECT}&package={PACKAGE}")
    assert form.status_code == 200 and "param:30:ApiKey" in form.text and 'type="password"' in form.text
    before = snapshot(catalog)
    fields = {"csrf_token": token, "folder": FOLDER, "project": PROJECT, "package": PACKAGE,
              "param:30:ApiKey": "k", "param:30:RowCount": "not a number", "retry_count": "1"}
    refused = admin.post("/execute", data=fields)
    assert refused.status_code == 400 and "RowCount" in refused.text and "not a number" in refused.text
    assert snapshot(catalog) == before
    missing = admin.post("/execute", data={**fields, "param:30:RowCount": "", "param:30:ApiKey": ""})
    assert missing.status_code == 400 and "ApiKey" in missing.text
    assert snapshot(catalog) == before
    bad_retry = admin.post("/execute", data={**fields, "param:30:RowCount": "5", "retry_count": "x"})
    assert bad_retry.status_code == 400 and snapshot(catalog) == before

    started = admin.post("/execute", data={**fields, "param:30:RowCount": "5", "worker": str(worker)})
    assert started.status_code == 303
    execution_id = int(started.headers["location"].rsplit("/", 1)[1])
    e = catalog.execution(execution_id)
    assert e.status == 5
    values = {p.parameter_name: p.parameter_value for p in catalog.execution_parameter_values(execution_id)}
    assert values["RowCount"] == "5" and values["ApiKey"] is None
    assert catalog.tasks(execution_id)[0].max_executed_count == 2
    assert catalog.pull_task(register(catalog, "other")) == []          # restricted to the chosen worker
    assert catalog.pull_task(worker)[0].execution_id == execution_id


def test_execute_package_with_an_environment(admin, catalog):
    catalog.create_environment(FOLDER, "prod")
    catalog.create_environment_variable(FOLDER, "prod", "Key", "String", True, "env-key")
    reference = catalog.create_environment_reference(FOLDER, PROJECT, "prod", "R")
    catalog.set_object_parameter_value(30, FOLDER, PROJECT, "ApiKey", "Key", PACKAGE, "R")
    form = admin.get(f"/execute?folder={FOLDER}&project={PROJECT}&package={PACKAGE}")
    assert f'value="{reference}"' in form.text and f"{FOLDER}/prod" in form.text
    assert "environment variable Key" in form.text
    fields = {"csrf_token": csrf(admin), "folder": FOLDER, "project": PROJECT, "package": PACKAGE, "retry_count": "0"}
    before = snapshot(catalog)
    for bad in (str(reference + 1000), "x", "1; DROP TABLE x"):
        refused = admin.post("/execute", data={**fields, "reference": bad})
        assert refused.status_code == 400 and "not one this project references" in refused.text
        assert snapshot(catalog) == before
    started = admin.post("/execute", data={**fields, "reference": str(reference)})
    assert started.status_code == 303, started.text
    execution_id = int(started.headers["location"].rsplit("/", 1)[1])
    assert catalog.execution(execution_id).environment_name == "prod"
    worker = register(catalog)
    [task] = catalog.pull_task(worker)
    assert {p.parameter_name: p.parameter_value for p in task.parameters}["ApiKey"] == "env-key"


@pytest.mark.parametrize("role", ["ssis_logreader"])
def test_a_logreader_cannot_execute_stop_or_rerun(logins, manager, catalog, role):
    deploy_sample(catalog)
    execution_id = new_execution(catalog, package="package2")
    assert sign_in(manager, logins[role]).status_code == 303
    page = manager.get(f"/executions/{execution_id}")
    assert page.status_code == 200 and "hx-post" not in page.text and "Run again" not in page.text
    token = csrf(manager)
    before = snapshot(catalog)
    for path, data in ((f"/executions/{execution_id}/stop", {}), (f"/executions/{execution_id}/rerun", {}),
                       ("/execute", {"folder": FOLDER, "project": PROJECT, "package": "package2"})):
        refused = manager.post(path, data={"csrf_token": token, **data})
        assert refused.status_code == 403, path
    assert snapshot(catalog) == before


def test_a_pending_execution_says_why_it_is_not_running(admin, catalog):
    worker = register(catalog)
    execution_id = catalog.create_execution(FOLDER, PROJECT, "package2", useanyworker=False)
    catalog.add_execution_worker(execution_id, worker)
    catalog.start_execution(execution_id)
    catalog.disable_worker_agent(worker)
    page = admin.get(f"/executions/{execution_id}")
    assert 'data-why="no_enabled_worker"' in page.text and "None of the 1 worker(s)" in page.text
    catalog.enable_worker_agent(worker)
    assert 'data-why="queued"' in admin.get(f"/executions/{execution_id}").text


def test_bulk_stop_stops_the_ticked_executions_and_says_which_could_not(admin, catalog):
    worker = register(catalog)
    running = [new_execution(catalog, package="package2") for _ in range(2)]
    catalog.pull_task(worker, 2)
    pending = new_execution(catalog, package="package2")
    created = new_execution(catalog, package="package2", start=False)
    page = admin.get("/executions")
    assert 'hx-post="/executions/stop"' in page.text
    assert f'name="execution_id" value="{created}"' not in page.text       # not stoppable: no box
    token = csrf(admin)
    ticked = [str(i) for i in [*running, pending, created]]
    reply = admin.post("/executions/stop", data={"csrf_token": token, "execution_id": ticked},
                       headers={"HX-Request": "true"})
    assert reply.status_code == 200 and "Stop requested for 3 execution(s)" in reply.text
    assert f"{created}: " in reply.text
    assert [catalog.execution(i).status for i in running] == [8, 8]
    assert catalog.execution(pending).status == 3 and catalog.execution(created).status == 1
    assert admin.post("/executions/stop", data={"csrf_token": token}).status_code == 400


def test_the_next_page_keeps_filters_with_characters_a_url_must_escape(admin, catalog):
    from helpers import ARCHIVE, MANIFEST
    folder = "R&D #2+ 100%"
    catalog.create_folder(folder)
    catalog.deploy_project(folder, PROJECT, ARCHIVE, MANIFEST)
    made = [catalog.create_execution(folder, PROJECT, "package2") for _ in range(51)]
    new_execution(catalog, package="package2")          # in the other folder: never on these pages
    page = admin.get("/executions/rows", params={"folder": folder}).text
    assert ids(page) == sorted(made, reverse=True)[:50]
    older = re.search(r'href="/executions\?([^"]*before=\d+[^"]*)"', page).group(1).replace("&amp;", "&")
    assert ids(admin.get(f"/executions/rows?{older}").text) == [min(made)]
