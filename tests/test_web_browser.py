"""The web Scale Out Manager in a real browser: Debian's Chromium driven by Playwright, against a real
catalog, real `scaleout worker run` processes and a real `scaleout web` process. Screenshots of each page
go to the test output folder (test-output/screenshots, or SCALEOUT_TEST_OUTPUT)."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from web_server import CHROMIUM, WebServer, screenshot
from workers import FOLDER, PROJECT, deploy_test_project, wait_until
from test_roles import logins  # noqa: F401  (the fixture: one login per role, and one in none)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (CI does)")


@pytest.fixture
def web(catalog_url, tmp_path):
    server = WebServer(catalog_url, tmp_path / "web.log")
    yield server
    server.stop()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, web, login_catalog) -> None:
    url = login_catalog.engine.url
    page.goto(f"{web.base}/workers")
    assert page.url.startswith(f"{web.base}/signin")
    page.get_by_label("Database login").fill(url.username)
    page.get_by_label("Password").fill(url.password or "")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{web.base}/workers")


def test_an_admin_enables_a_new_worker_from_the_worker_manager(logins, page, web, catalog, workers):
    worker = workers.start("new")
    worker_id = worker.worker_agent_id
    wait_until(lambda: catalog.worker_agent(worker_id), 30, "the worker to register")
    page.goto(f"{web.base}/signin")
    screenshot(page, "signin")
    sign_in(page, web, logins["ssis_admin"])
    row = page.locator(f"#worker-{worker_id}")
    assert row.locator("[data-state=enabled]").inner_text() == "Disabled"
    row.get_by_role("button", name="Enable").click()
    # No reload: the table is swapped in place, and its two-second refresh keeps it current.
    row.locator("[data-state=enabled]", has_text="Enabled").wait_for()
    row.locator(".badge", has_text="Online").wait_for()
    assert catalog.worker_agent(worker_id).is_enabled
    screenshot(page, "worker-manager")

    row.get_by_role("button", name="Edit").click()
    page.get_by_label("Display name").fill("<b>night</b> 'runner'")
    page.get_by_label("Tags").fill("etl")
    page.get_by_role("button", name="Save").click()
    row.get_by_text("<b>night</b> 'runner'").wait_for()
    screenshot(page, "worker-manager-edited")
    assert catalog.worker_agent(worker_id).display_name == "<b>night</b> 'runner'"

    page.on("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Disable").click()
    row.locator("[data-state=enabled]", has_text="Disabled").wait_for()
    assert not catalog.worker_agent(worker_id).is_enabled

    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    page.locator("[data-stat=workers_disabled]", has_text="1").wait_for()
    expect(page.locator("[data-chart][data-drawn=true]")).to_have_count(4)
    screenshot(page, "dashboard")


@pytest.mark.parametrize("role", ["ssis_cluster_executor", "ssis_logreader"])
def test_no_action_is_offered_without_ssis_admin(logins, page, web, catalog, workers, role):
    worker = workers.start("w")
    wait_until(lambda: catalog.worker_agent(worker.worker_agent_id), 30, "the worker to register")
    sign_in(page, web, logins[role])
    assert page.get_by_role("button", name="Enable").count() == 0
    assert page.get_by_role("button", name="Delete").count() == 0
    if role == "ssis_logreader":
        page.get_by_text("catalog.worker_agents").first.wait_for()
    else:
        page.locator(f"#worker-{worker.worker_agent_id}").wait_for()
    screenshot(page, f"worker-manager-{role}")
    # A forged POST of each action, with the session's own CSRF token: the database's roles refuse it.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    def state():      # what the actions would change (the running worker's heartbeat moves the rest)
        w = catalog.worker_agent(worker.worker_agent_id)
        return w and (w.is_enabled, w.display_name, w.description, w.tags)
    before = state()
    for action in ("enable", "disable", "delete"):
        reply = page.request.post(f"{web.base}/workers/{worker.worker_agent_id}/{action}",
                                  headers={"X-CSRF-Token": token})
        assert reply.status == 403 and f"{action}_worker_agent" in reply.text(), action
    reply = page.request.post(f"{web.base}/workers/{worker.worker_agent_id}/properties",
                              headers={"X-CSRF-Token": token}, form={"DisplayName": "taken over"})
    assert reply.status == 403
    assert state() == before


def settled(page) -> None:
    """Waits until htmx has swapped in and settled its last response (a change before that is lost)."""
    page.locator(".htmx-request, .htmx-swapping, .htmx-settling").first.wait_for(state="detached")


def pick(page, package: str, folder: str = FOLDER, project: str = PROJECT) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Execute Package").click()
    for label, value in (("Folder", folder), ("Project", project), ("Package", package)):
        page.get_by_label(label).select_option(value)
        page.locator(f"select[name={label.lower()}] option[selected]", has_text=value).wait_for(state="attached")
        settled(page)


def execute(page, web, package: str, folder: str = FOLDER, project: str = PROJECT, **parameters: str) -> int:
    """Execute Package in Scale Out, through the form; returns the execution id the overview shows."""
    pick(page, package, folder, project)
    for name, value in parameters.items():     # a project's (20) or the package's (30) parameter
        page.locator(f"input[name$=':{name}']").fill(value)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{web.base}/executions/*")
    return int(page.url.rsplit("/", 1)[1])


def test_execute_package_and_watch_it_live(logins, page, web, catalog, workers, tmp_path):
    from scaleout_catalog.project.deploy import deploy
    from scaleout_catalog.samples import SALES
    deploy(catalog, SALES, "samples", create_folder=True)        # the bundled sample, as scaleout demo deploys it
    deploy_test_project(catalog)
    worker = workers.start("w1")
    wait_until(lambda: catalog.worker_agent(worker.worker_agent_id), 30, "the worker to register")
    sign_in(page, web, logins["ssis_admin"])
    page.locator(f"#worker-{worker.worker_agent_id}").get_by_role("button", name="Enable").click()
    page.locator(f"#worker-{worker.worker_agent_id} [data-state=enabled]", has_text="Enabled").wait_for()

    sample = execute(page, web, "load_region", "samples", "sales", Region="EMEA", OutputDir=str(tmp_path / "out"))
    page.locator("[data-status='7']").wait_for(timeout=60_000)      # no reload: over the page's event stream
    page.locator("#messages", has_text="EMEA: loaded").wait_for()
    assert catalog.execution(sample).status == 7

    pick(page, "hello")
    page.locator("input[name='param:30:Lines']").fill("4")
    screenshot(page, "execute-package")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{web.base}/executions/*")
    execution_id = int(page.url.rsplit("/", 1)[1])
    # No reload: the status and the messages arrive over the page's event stream.
    page.locator("[data-status='7']").wait_for(timeout=60_000)
    page.locator("#messages", has_text="line 4 of 4").wait_for()
    page.locator("#messages", has_text="from a subprocess").wait_for()
    assert catalog.execution(execution_id).status == 7
    screenshot(page, "execution-succeeded")

    failed_id = execute(page, web, "fail")
    page.locator("[data-error]", has_text="this package always fails").wait_for(timeout=60_000)
    assert catalog.execution(failed_id).status == 4
    screenshot(page, "execution-failed")

    long_id = execute(page, web, "sleep", Seconds="120", Interval="0.2")
    page.locator("#messages", has_text="tick 2").wait_for(timeout=60_000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Stop").click()
    page.locator("[data-status='3']").wait_for(timeout=60_000)
    assert catalog.execution(long_id).status == 3

    page.get_by_role("navigation").get_by_role("link", name="All Executions").click()
    page.locator(f"[data-execution='{failed_id}']").wait_for()
    page.get_by_label("Status").select_option("failed")
    expect(page.locator("[data-execution]")).to_have_count(1)
    screenshot(page, "all-executions")


def test_a_pending_execution_pinned_to_a_disabled_worker_says_why(logins, page, web, catalog):
    from helpers import register
    deploy_test_project(catalog)
    worker = register(catalog, "pinned-host")
    execution_id = catalog.create_execution(FOLDER, PROJECT, "noop", useanyworker=False)
    catalog.add_execution_worker(execution_id, worker)
    catalog.start_execution(execution_id)
    catalog.disable_worker_agent(worker)
    sign_in(page, web, logins["ssis_admin"])
    page.goto(f"{web.base}/executions/{execution_id}")
    page.locator("[data-why=no_enabled_worker]", has_text="None of the 1 worker(s)").wait_for()
    screenshot(page, "execution-why")
    catalog.enable_worker_agent(worker)      # the page learns it without a reload
    page.locator("[data-why=queued]").wait_for()
