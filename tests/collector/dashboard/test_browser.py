"""The dashboard in a real browser (Debian's Chromium driven by Playwright)
against a real collector process filled by `backlight-collector demo`.

Every page is opened as an admin and as a manager: it must draw its chart
(an <svg> with data marks), log no console errors, and answer to its
filters. Screenshots of each page go to docs/screenshots/dashboard-<page>.png.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import requests

from tests.collector.dashboard.conftest import PASSWORD, SCREENSHOTS

pytestmark = pytest.mark.browser

PAGES = [
    "overview",
    "functions",
    "teams",
    "interruptions",
    "spikes",
    "clients",
    "review",
    "quarterly",
    "workload",
    "units",
    "backlog",
]
#: A manager without client finance (maria in the demo) has every page but Clients; Teams
#: side by side has one row for a manager of one team (test_teams_page_shows_own_teams_only).
MANAGER_PAGES = [p for p in PAGES if p not in ("clients", "teams")]
#: Shapes that carry figures (not the frame, gridlines or legend swatches alone).
MARKS = "svg.chart :is(rect, circle, line) > title, svg.chart polyline"


class Session:
    """A signed-in browser tab that records console errors and failed requests."""

    def __init__(self, browser, base: str, name: str, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(f"{base}/login")
        self.page.fill("#f-name", name)
        self.page.fill("#f-password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r"/overview"))

    def open(self, path: str):
        response = self.page.goto(self.base + path)
        return response

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def admin(browser, demo_server):
    s = Session(browser, demo_server.url, "admin")
    yield s
    s.close()


@pytest.fixture(scope="module")
def manager(browser, demo_server):
    s = Session(browser, demo_server.url, "maria")  # manager of "Payroll & HR"
    yield s
    s.close()


def _marks(session: Session) -> int:
    return session.page.locator(MARKS).count()


@pytest.mark.parametrize("name", PAGES)
def test_admin_sees_every_page_with_a_chart(admin, name):
    admin.errors.clear()
    response = admin.open(f"/{name}")
    assert response.status == 200
    assert admin.page.locator("svg.chart[role=img] > title").count() >= 1
    assert _marks(admin) > 3, f"{name}: the chart has no data marks"
    assert admin.page.locator("table.data tbody tr").count() >= 1
    assert admin.errors == [], admin.errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin.page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"), full_page=True)


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_manager_sees_every_page_for_own_team(manager, name):
    manager.errors.clear()
    response = manager.open(f"/{name}")
    assert response.status == 200
    assert _marks(manager) > 3
    assert manager.errors == [], manager.errors
    options = manager.page.locator("#f-team option").all_inner_texts()
    assert "Workforce planning" not in options and "Client services" not in options


def test_teams_page_shows_own_teams_only(manager):
    """maria manages Payroll & HR only: one row, and no other team's name on the page."""
    manager.errors.clear()
    assert manager.open("/teams?function=reporting").status == 200
    rows = manager.page.locator("table.data tbody tr").all_inner_texts()
    assert len(rows) == 1 and rows[0].startswith("Payroll & HR"), rows
    text = manager.page.locator("main").inner_text()
    assert "Workforce planning" not in text and "Client services" not in text
    assert manager.errors == [], manager.errors


def test_clients_page_needs_client_finance(manager, browser, demo_server):
    """Per-client finance covers every team: maria (no client finance) gets 403 and no
    Clients link; carla (given it in the demo) sees the page with its charts."""
    assert manager.open("/clients").status == 403
    assert "client finance" in manager.page.locator("main").inner_text()
    manager.open("/overview")
    assert manager.page.locator(".site-nav a", has_text="Clients").count() == 0
    manager.errors.clear()  # the 403 above is logged by the browser, as it should be
    carla = Session(browser, demo_server.url, "carla")
    try:
        assert carla.page.locator(".site-nav a", has_text="Clients").count() == 1
        assert carla.open("/clients").status == 200
        assert _marks(carla) > 3
        assert carla.errors == [], carla.errors
    finally:
        carla.close()


def test_sign_in_page_screenshot_and_no_console_errors(browser, demo_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{demo_server.url}/login")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-signin.png"), full_page=True)
    # Wrong password: the same message for any name, and still no console noise but the 401.
    page.fill("#f-name", "admin")
    page.fill("#f-password", "not the password")
    page.click("button[type=submit]")
    assert "did not work" in page.inner_text("main")
    context.close()
    assert [e for e in errors if "401" not in e] == []


def test_filters_change_the_figures(admin):
    admin.open("/functions")
    before = admin.page.inner_text("table.data tbody")
    admin.page.select_option("#f-team", "Workforce planning")
    admin.page.click(".filters button[type=submit]")
    admin.page.wait_for_url(re.compile(r"team=Workforce"))
    after = admin.page.inner_text("table.data tbody")
    assert before != after
    assert "team Workforce planning" in admin.page.inner_text(".scope")
    # A shorter date range changes the overview's figures too.
    admin.open("/overview")
    wide = admin.page.inner_text(".headline")
    end = date.today()
    admin.page.fill("#f-from", (end - timedelta(days=6)).isoformat())
    admin.page.fill("#f-to", end.isoformat())
    admin.page.click(".filters button[type=submit]")
    admin.page.wait_for_url(re.compile(r"from="))
    assert admin.page.inner_text(".headline") != wide


def test_keyboard_skip_link_and_focus(admin):
    admin.open("/overview")
    admin.page.keyboard.press("Tab")
    focused = admin.page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    admin.page.keyboard.press("Enter")
    assert admin.page.evaluate("location.hash") == "#main"


def test_csv_upload_with_an_error_names_the_row(manager, demo_server):
    manager.errors.clear()
    manager.open("/units")
    rows_before = manager.page.locator("table.data tbody tr").count()
    csv = (
        "date,function,units,corrections,team\n"
        f"{date.today().isoformat()},payroll,2,0,Payroll & HR\n"
        f"{date.today().isoformat()},payroll,two,0,Payroll & HR\n"
        f"{date.today().isoformat()},no_such_function,1,0,Payroll & HR\n"
    )
    manager.page.set_input_files(
        "#f-file", {"name": "units.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    manager.page.click("form[enctype] button[type=submit]")
    errors = manager.page.inner_text("#upload-errors")
    assert "Nothing was imported" in errors
    assert "row 3" in errors and "row 4" in errors
    manager.page.screenshot(path=str(SCREENSHOTS / "dashboard-units-errors.png"), full_page=True)
    manager.open("/units")
    assert manager.page.locator("table.data tbody tr").count() == rows_before  # nothing stored


def test_manager_cannot_open_another_team_by_editing_the_url(manager):
    for path in ("/functions?team=Workforce%20planning", "/overview.csv?team=Client%20services"):
        response = manager.open(path)
        assert response.status == 403
        assert "Workforce planning" not in manager.page.inner_text("main").split("team")[0]
    assert "not one of yours" in manager.page.inner_text("main")


def test_form_post_without_csrf_token_is_refused(manager, demo_server):
    cookies = {c["name"]: c["value"] for c in manager.context.cookies()}
    r = requests.post(
        f"{demo_server.url}/units",
        data={"date": date.today().isoformat(), "function": "payroll", "units": "1"},
        cookies=cookies,
        timeout=10,
        allow_redirects=False,
    )
    assert r.status_code == 403
    # And from inside the page: a form whose token was removed.
    manager.open("/units")
    manager.page.evaluate(
        "document.querySelectorAll('form[method=post][action$=\"/units\"] input[name=csrf_token]')"
        ".forEach(e => e.remove())"
    )
    manager.page.fill("#f-date", date.today().isoformat())
    manager.page.fill("#f-units", "3")
    with manager.page.expect_navigation() as nav:
        manager.page.click("form[method=post][action$='/units'] button[type=submit]")
    assert nav.value.status == 403


def test_phone_width_is_readable(browser, demo_server):
    s = Session(browser, demo_server.url, "admin", width=390)
    try:
        s.open("/interruptions")
        overflow = s.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, "the page scrolls sideways on a phone"
        s.page.screenshot(path=str(SCREENSHOTS / "dashboard-phone-interruptions.png"))
        assert s.errors == []
    finally:
        s.close()


def test_print_stylesheet_keeps_figures_and_drops_navigation(admin):
    admin.open("/functions")
    admin.page.emulate_media(media="print")
    try:
        assert not admin.page.locator(".site-header").is_visible()
        assert not admin.page.locator("form.filters").is_visible()
        assert admin.page.locator("svg.chart").first.is_visible()
        assert admin.page.locator("table.data").first.is_visible()
    finally:
        admin.page.emulate_media(media="screen")


def test_privacy_page_opens_without_sign_in(browser, demo_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto(f"{demo_server.url}/privacy")
    assert response.status == 200 and page.url.endswith("/privacy")  # no redirect to sign-in
    assert page.locator("h1").inner_text() == "What Backlight holds, and who sees it"
    roles = page.locator("table.data tbody th").all_inner_texts()
    assert roles == [
        "You (the employee)",
        "Managers",
        "Managers with client finance",
        "Admins",
        "Nobody",
    ]
    page.screenshot(path=str(SCREENSHOTS / "privacy.png"), full_page=True)
    assert errors == [], errors
    context.close()


def test_quality_and_money_show_on_functions_and_review(admin):
    """Issue 17: quality in every verdict, money at stake and the seed's fix on the page."""
    admin.errors.clear()
    admin.open("/functions")
    badge = admin.page.locator("table.data .badge--below_quality")
    assert badge.count() == 1 and badge.inner_text() == "below quality"
    fixes = admin.page.locator("#fixes-h + p + ul.advice li").all_inner_texts()
    assert any("rule-based overtime" in t for t in fixes), fixes
    assert admin.page.locator("svg.chart text", has_text="errors 3.0% (limit 2.0%)").count() == 1
    admin.open("/review")
    focus = admin.page.locator("section.focus").inner_text()
    assert "Payroll processing is below quality" in focus
    assert admin.page.locator("svg.chart[role=img] > title").count() >= 2  # hours and per unit
    admin.open("/units")
    assert admin.page.locator("#unit-warnings").count() == 0  # the demo's counts fit
    assert admin.errors == [], admin.errors


def test_quarterly_review_states_the_decision_and_what_was_measured(admin):
    """Issue 19: the decision with its evidence, each quarter's tracked days, the CSV."""
    admin.errors.clear()
    admin.open("/quarterly")
    heading = admin.page.locator("#decision-h").inner_text()
    assert heading == "Next quarter's focus: Process improvement"
    evidence = admin.page.locator("ul.evidence li").all_inner_texts()
    assert any(t.startswith("Payroll processing: below quality") for t in evidence), evidence
    coverage = admin.page.locator("#coverage-h + ul li").all_inner_texts()
    assert len(coverage) == 2 and all("working days" in t for t in coverage)
    admin.page.screenshot(path=str(SCREENSHOTS / "dashboard-quarterly.png"), full_page=True)
    csv = admin.page.locator("a", has_text="CSV").first.get_attribute("href")
    r = admin.page.request.get(admin.base + csv)
    assert r.status == 200 and "error_rate_change" in r.text()
    assert admin.errors == [], admin.errors
