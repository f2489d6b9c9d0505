"""The web Scale Out Manager in a real browser: Debian's Chromium driven by Playwright, against a real
catalog, real `scaleout worker run` processes and a real `scaleout web` process. Screenshots of each page
go to the test output folder (test-output/screenshots, or SCALEOUT_TEST_OUTPUT)."""
from __future__ import annotations

import os

import pytest

from web_server import CHROMIUM, WebServer, screenshot
from workers import wait_until
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


def test_an_admin_enables_a_new_worker_from_the_worker_manager(page, web, catalog, workers, logins):
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

    page.get_by_role("link", name="Dashboard").click()
    page.locator("[data-stat=workers_disabled]", has_text="1").wait_for()
    screenshot(page, "dashboard")


@pytest.mark.parametrize("role", ["ssis_cluster_executor", "ssis_logreader"])
def test_no_action_is_offered_without_ssis_admin(page, web, catalog, workers, logins, role):
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
