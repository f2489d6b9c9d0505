"""The web Scale Out Manager over HTTP (Starlette's test client), on every backend: sign-in under each
person's own login, sessions, CSRF, and the Worker Manager's actions, each refused by the catalog's
roles where the login lacks them, with nothing changed. The browser tests are in test_web_browser.py."""
from __future__ import annotations

import re
import time
import uuid

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from helpers import register
from scaleout_catalog.web import create_app
from scaleout_catalog.web.app import SESSION_COOKIE
from test_roles import logins  # noqa: F401  (the fixture: one login per role, and one in none)


@pytest.fixture
def manager(catalog_url):
    app = create_app(catalog_url)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def credentials(catalog) -> tuple[str, str]:
    url = catalog.engine.url
    return url.username, url.password or ""


def signin_token(client: TestClient) -> str:
    page = client.get("/signin")
    assert page.status_code == 200
    return re.search(r'name="signin_token" value="([^"]+)"', page.text).group(1)


def sign_in(client: TestClient, catalog, **extra) -> "object":
    login, password = credentials(catalog)
    return client.post("/signin", data={"login": login, "password": password,
                                        "signin_token": signin_token(client), **extra})


def csrf(client: TestClient) -> str:
    page = client.get("/dashboard")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_health_and_readiness(manager):
    assert manager.get("/healthz").text == "ok\n"
    ready = manager.get("/readyz")
    assert ready.status_code == 200 and ready.text.startswith("ready: catalog revision ")


def test_an_empty_database_is_not_ready_and_says_what_to_run(pg_server):
    name = f"scaleout_empty_{uuid.uuid4().hex[:8]}"
    pg_server.create_database(name)
    try:
        with TestClient(create_app(pg_server.url_for(name))) as client:
            ready = client.get("/readyz")
            assert ready.status_code == 503 and "scaleout db upgrade" in ready.text
            assert client.get("/healthz").status_code == 200
    finally:
        pg_server.drop_database(name)


def test_pages_need_a_session(manager):
    page = manager.get("/workers")
    assert page.status_code == 303 and page.headers["location"] == "/signin?next=/workers"
    assert manager.post(f"/workers/{uuid.uuid4()}/enable").status_code == 401
    assert manager.get("/nowhere").status_code == 404


def test_sign_in_refusals_change_nothing(logins, manager, catalog):
    login, password = credentials(catalog)
    forged = manager.post("/signin", data={"login": login, "password": password, "signin_token": "x"})
    assert forged.status_code == 403 and SESSION_COOKIE not in forged.cookies
    for bad_login, why in (("", "Enter your database login"), ("a\x00b", "control characters"),
                           ("x" * 500, "at most 128")):
        refused = manager.post("/signin", data={"login": bad_login, "password": "",
                                                "signin_token": signin_token(manager)})
        assert refused.status_code == 401 and why in refused.text
    nobody_login, nobody_password = credentials(logins[None])
    refused = manager.post("/signin", data={"login": nobody_login, "password": nobody_password,
                                            "signin_token": signin_token(manager)})
    assert refused.status_code == 401 and "holds none of the roles" in refused.text
    worker_login, worker_password = credentials(logins["ssis_cluster_worker"])
    refused = manager.post("/signin", data={"login": worker_login, "password": worker_password,
                                            "signin_token": signin_token(manager)})
    assert refused.status_code == 401 and "holds none of the roles" in refused.text
    assert manager.get("/workers").status_code == 303     # still signed out


def test_a_wrong_password_is_refused(logins, manager, catalog, server):
    if catalog.dialect == "postgresql":
        pytest.skip("the test PostgreSQL trusts local logins: no password is checked")
    login, _ = credentials(logins["ssis_admin"])
    refused = manager.post("/signin", data={"login": login, "password": "wrong",
                                            "signin_token": signin_token(manager)})
    assert refused.status_code == 401 and "refused this login and password" in refused.text


def test_an_admin_manages_workers_and_each_action_needs_the_csrf_token(logins, manager, catalog):
    worker = register(catalog, enabled=False, machine="host-<b>&'\"")
    signed = sign_in(manager, logins["ssis_admin"], next="/workers")
    assert signed.status_code == 303 and signed.headers["location"] == "/workers"
    page = manager.get("/workers")
    assert page.status_code == 200 and str(worker) in page.text
    assert "host-&lt;b&gt;&amp;&#39;&#34;" in page.text and "<b>&" not in page.text
    assert f'hx-post="/workers/{worker}/enable"' in page.text

    assert manager.post(f"/workers/{worker}/enable").status_code == 403            # no token
    assert manager.post(f"/workers/{worker}/enable", headers={"X-CSRF-Token": "nope"}).status_code == 403
    token = csrf(manager)
    cross = manager.post(f"/workers/{worker}/enable", headers={"X-CSRF-Token": token, "Origin": "https://evil.example"})
    assert cross.status_code == 403
    assert catalog.worker_agent(worker).is_enabled is False

    done = manager.post(f"/workers/{worker}/enable", headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert done.status_code == 200 and "enabled." in done.text
    assert catalog.worker_agent(worker).is_enabled is True
    assert manager.post(f"/workers/{worker}/disable", data={"csrf_token": token}).status_code == 303
    assert catalog.worker_agent(worker).is_enabled is False

    markup = "<script>alert('x')</script> \"quoted\""
    saved = manager.post(f"/workers/{worker}/properties", headers={"X-CSRF-Token": token, "HX-Request": "true"},
                         data={"DisplayName": markup, "Description": "night ETL", "Tags": "etl,big"})
    assert saved.status_code == 200 and "<script>alert" not in saved.text
    agent = catalog.worker_agent(worker)
    assert (agent.display_name, agent.description, agent.tags) == (markup, "night ETL", "etl,big")

    before = catalog.worker_agent(worker)
    huge = manager.post(f"/workers/{worker}/properties", headers={"X-CSRF-Token": token, "HX-Request": "true"},
                        data={"DisplayName": "x" * 5000})
    assert huge.status_code == 400 and huge.headers["HX-Retarget"] == "#flash"
    assert catalog.worker_agent(worker) == before

    assert manager.post("/workers/not-a-guid/enable", headers={"X-CSRF-Token": token}).status_code == 404
    assert manager.post(f"/workers/{worker}/explode", headers={"X-CSRF-Token": token}).status_code == 404
    unknown = manager.post(f"/workers/{uuid.uuid4()}/enable", headers={"X-CSRF-Token": token})
    assert unknown.status_code == 404 and "does not exist" in unknown.text

    assert manager.post(f"/workers/{worker}/delete", headers={"X-CSRF-Token": token}).status_code == 303
    assert catalog.worker_agent(worker) is None


@pytest.mark.parametrize("role", ["ssis_cluster_executor", "ssis_logreader"])
def test_without_ssis_admin_no_action_is_offered_and_a_forged_one_is_refused_by_the_database(
        logins, manager, catalog, role):
    worker = register(catalog, enabled=False)
    assert sign_in(manager, logins[role]).status_code == 303
    page = manager.get("/workers")
    assert "hx-post" not in page.text
    if role == "ssis_logreader":     # it may not read catalog.worker_agents: the catalog's own refusal
        assert page.status_code == 403 and "catalog.worker_agents" in page.text
    else:
        assert page.status_code == 200 and str(worker) in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    before = catalog.worker_agent(worker)
    for action in ("enable", "disable", "delete"):
        forged = manager.post(f"/workers/{worker}/{action}", headers={"X-CSRF-Token": token})
        assert forged.status_code == 403, action
        assert f"{action}_worker_agent" in forged.text and "ssis_admin" in forged.text
    forged = manager.post(f"/workers/{worker}/properties", headers={"X-CSRF-Token": token},
                          data={"DisplayName": "taken over"})
    assert forged.status_code == 403
    assert catalog.worker_agent(worker) == before


def test_signing_out_ends_the_session_and_its_cookie_is_worthless(logins, manager, catalog):
    assert sign_in(manager, logins["ssis_admin"]).status_code == 303
    cookie = manager.cookies.get(SESSION_COOKIE)
    token = csrf(manager)
    assert manager.post("/signout", data={"csrf_token": token}).status_code == 303
    manager.cookies.set(SESSION_COOKIE, cookie)
    assert manager.get("/workers").status_code == 303
    assert manager.post(f"/workers/{uuid.uuid4()}/enable", headers={"X-CSRF-Token": token}).status_code == 401


def test_sessions_expire(logins, catalog_url, catalog):
    with TestClient(create_app(catalog_url, idle_seconds=0.5), follow_redirects=False) as client:
        assert sign_in(client, logins["ssis_admin"]).status_code == 303
        assert client.get("/workers").status_code == 200
        time.sleep(0.8)
        assert client.get("/workers").status_code == 303


def test_after_sign_in_only_a_path_on_this_site(logins, manager):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert sign_in(manager, logins["ssis_admin"], next=target).headers["location"] == "/"


def test_the_session_cookie_holds_no_credentials(logins, manager, catalog):
    login, password = credentials(logins["ssis_admin"])
    signed = sign_in(manager, logins["ssis_admin"])
    header = signed.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=strict" in header
    value = signed.cookies[SESSION_COOKIE]
    assert login not in value and (not password or password not in value)
    assert len(value) >= 40


def test_a_bind_beyond_this_computer_needs_tls(tmp_path):
    from helpers import run_scaleout
    refused = run_scaleout("web", "--url", "postgresql://nobody@127.0.0.1:1/none", "--host", "0.0.0.0")
    assert refused.returncode == 1 and "--certfile" in refused.stderr and len(refused.stderr.splitlines()) == 1
    half = run_scaleout("web", "--url", "postgresql://nobody@127.0.0.1:1/none", "--certfile", str(tmp_path / "x"))
    assert half.returncode == 1 and "both --certfile and --keyfile" in half.stderr


def test_the_manager_serves_https_with_a_certificate_from_scaleout_cert(pg_url, tmp_path):
    import ssl
    import subprocess
    import sys
    import urllib.request

    from helpers import run_scaleout
    from web_server import free_port
    made = run_scaleout("cert", "create-master", "--host", "localhost", "--host", "127.0.0.1", "--dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "scaleout_catalog.cli", "web", "--url", pg_url, "--port", str(port),
                             "--certfile", str(tmp_path / "server.crt"), "--keyfile", str(tmp_path / "server.key")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        context = ssl.create_default_context(cafile=str(tmp_path / "ca.crt"))
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"https://localhost:{port}/readyz", context=context, timeout=2) as reply:
                    assert reply.status == 200 and reply.read().startswith(b"ready")
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read().decode(errors="replace")
                time.sleep(0.1)
        with urllib.request.urlopen(f"https://localhost:{port}/signin", context=context, timeout=5) as reply:
            cookie = reply.headers["set-cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie
        with pytest.raises(OSError):      # plain HTTP on the TLS port gets nothing
            urllib.request.urlopen(f"http://localhost:{port}/healthz", timeout=5)
    finally:
        proc.terminate()
        proc.wait(15)


def test_the_dashboard_shows_the_catalog_and_what_a_logreader_may_not_read_says_so(logins, manager, catalog):
    from test_manager_views import _scene
    _scene(catalog)
    assert sign_in(manager, logins["ssis_admin"]).headers["location"] == "/"
    assert manager.get("/").headers["location"] == "/dashboard"
    page = manager.get("/dashboard")
    assert page.status_code == 200
    for stat, value in (("workers_online", 1), ("workers_offline", 1), ("workers_disabled", 1), ("queued_tasks", 1),
                        ("failed_last_24_hours", 1), ("succeeded_last_24_hours", 1)):
        assert re.search(rf'data-stat="{stat}"[^>]*>{value}<', page.text), stat
    assert "WORKER_LEASE_SECONDS" in page.text
    assert manager.get("/dashboard/cards").status_code == 200
    for minutes in (60, 1440):
        rate = manager.get(f"/dashboard/rate?minutes={minutes}").json()
        assert len(rate["time"]) == len(rate["ended"]) == minutes and rate["time"] == sorted(rate["time"])
        assert (sum(rate["ended"]), sum(rate["failed"])) == (2, 1)
        assert any(p is not None for p in rate["pickup_avg_ms"])
    manager.cookies.clear()
    assert sign_in(manager, logins["ssis_logreader"]).status_code == 303
    page = manager.get("/dashboard")
    assert page.status_code == 200 and 'data-stat="queued_tasks"' in page.text
    assert 'data-stat="workers_online"' not in page.text and "catalog.worker_summary" in page.text
    assert 'href="/workers"' not in page.text


def test_metrics_parse_and_match_the_catalog(manager, catalog):
    from prometheus_client.parser import text_string_to_metric_families
    from test_manager_views import _scene
    _scene(catalog)
    reply = manager.get("/metrics")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(reply.text) for s in family.samples}
    assert samples[("scaleout_catalog_up", ())] == 1
    assert samples[("scaleout_queue_depth", ())] == 1
    assert samples[("scaleout_running_tasks", ())] == 1
    assert samples[("scaleout_task_slots_online", ())] == 6
    assert {state: samples[("scaleout_workers", (("state", state),))] for state in ("online", "offline", "disabled")} \
        == {"online": 1, "offline": 1, "disabled": 1}
    counts = {}
    for execution in catalog.executions():
        counts[execution.status] = counts.get(execution.status, 0) + 1
    names = {1: "created", 2: "running", 4: "failed", 5: "pending", 7: "succeeded", 3: "canceled"}
    for code, name in names.items():
        assert samples[("scaleout_executions", (("status", name),))] == counts.get(code, 0), name
    assert samples[("scaleout_pickup_latency_seconds", (("stat", "max"),))] >= \
        samples[("scaleout_pickup_latency_seconds", (("stat", "avg"),))] >= 0


def test_metrics_say_when_the_catalog_is_away():
    from prometheus_client.parser import text_string_to_metric_families
    with TestClient(create_app("postgresql://nobody@127.0.0.1:1/none")) as client:
        reply = client.get("/metrics")
        assert reply.status_code == 200
        families = {f.name: f for f in text_string_to_metric_families(reply.text)}
        assert families["scaleout_catalog_up"].samples[0].value == 0
        assert client.get("/readyz").status_code == 503


def test_the_schedules_page_shows_each_schedule_its_next_run_and_why_a_run_did_not_start(logins, manager, catalog):
    from helpers import FOLDER, PROJECT, deploy_sample
    deploy_sample(catalog)
    odd = "nightly <script>alert(1)</script> 'x'"
    catalog.create_schedule(FOLDER, odd, PROJECT, "package2", "0 30 2 * * *")
    catalog.run_schedule_now(FOLDER, odd)
    assert sign_in(manager, logins["ssis_logreader"]).status_code == 303
    page = manager.get("/schedules")
    assert page.status_code == 200 and 'href="/schedules"' in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert(1)" not in page.text
    assert "0 30 2 * * *" in page.text and "run now" in page.text and "/executions/" in page.text
