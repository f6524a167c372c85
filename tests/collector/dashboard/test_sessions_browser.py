"""Sign-out and the Sessions page in a real browser (Chromium via Playwright)
against a real collector process (issue 16, item 2).

The cookie is taken from the browser's own jar after signing in, the user
signs out with the header's button, and the cookie is put into a fresh
browser context: the page sends it to the sign-in form, the API answers 401.
"""

from __future__ import annotations

import re

import pytest

from tests.collector.dashboard.conftest import SCREENSHOTS
from tests.fixtures.collector_server import CollectorServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"


@pytest.fixture
def server(collector: CollectorServer) -> CollectorServer:
    collector.cli("user", "add", "maria", "--role", "manager", "--team", "ops", stdin=PASSWORD)
    return collector


def signed_in(browser, server: CollectorServer):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("#f-name", "maria")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/overview"))
    return context, page


def session_cookie(context) -> dict:
    (cookie,) = [c for c in context.cookies() if c["name"] == "session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    return cookie


def replayed(browser, server: CollectorServer, cookie: dict) -> tuple[str, int]:
    """Where /overview lands and what the API answers, with only this cookie."""
    context = browser.new_context()
    try:
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto(f"{server.url}/overview")
        api = context.request.get(f"{server.url}/api/v1/clients")
        return page.url, api.status
    finally:
        context.close()


def test_signed_out_cookie_replayed_opens_nothing(browser, server):
    context, page = signed_in(browser, server)
    cookie = session_cookie(context)
    url, status = replayed(browser, server, cookie)
    assert url.endswith("/overview") and status == 200  # the copy works while signed in
    page.click("text=Sign out")
    page.wait_for_url(re.compile(r"/login"))
    assert page.locator("text=You are signed out.").count() == 1
    url, status = replayed(browser, server, cookie)
    assert "/login" in url, url
    assert status == 401
    context.close()


def test_sessions_page_ends_another_session(browser, server):
    mine, page = signed_in(browser, server)
    other, other_page = signed_in(browser, server)
    page.click("a:text('Sessions')")
    page.wait_for_url(re.compile(r"/account/sessions"))
    rows = page.locator("table.sessions-table tbody tr")
    assert rows.count() == 2
    assert page.locator("tr.is-current").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-sessions.png"), full_page=True)
    page.locator("tr:not(.is-current) button:text('Sign out')").click()
    page.wait_for_url(re.compile(r"/account/sessions"))
    assert page.locator("text=That session is signed out.").count() == 1
    assert rows.count() == 1
    other_page.goto(f"{server.url}/overview")
    assert "/login" in other_page.url
    page.goto(f"{server.url}/overview")
    assert page.url.endswith("/overview")
    mine.close()
    other.close()
