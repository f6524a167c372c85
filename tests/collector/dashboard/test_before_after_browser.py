"""Before/after in a real browser against the demo collector: the demo's marked
change (timesheets generated from tracked time, Payroll & HR) reads as an
improvement in timesheet review's hours per unit; an admin marks another
change on Admin → Changes and opens its comparison from there."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
import requests

from tests.collector.dashboard.conftest import SCREENSHOTS
from tests.collector.dashboard.test_browser import Session
from tests.fixtures.collector_server import CollectorServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin(browser, demo_server):
    s = Session(browser, demo_server.url, "admin")
    yield s
    s.close()


def _rows(page) -> dict[str, list[str]]:
    out = {}
    for row in page.locator("table.data tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        out[cells[0]] = cells
    return out


def test_the_demo_change_reads_as_an_improvement(admin, demo_server):
    admin.errors.clear()
    admin.open("/overview")
    admin.page.click(".site-nav a:has-text('Before/after')")
    admin.page.wait_for_url("**/before-after")
    page = admin.page
    selected = page.locator("#f-change option[selected]").inner_text()
    assert "Timesheets generated from tracked time" in selected and "Payroll & HR" in selected
    assert "Comparing 28 days before with 28 days after" in page.inner_text(".scope")
    chart = page.locator("svg.chart[role=img]")
    assert chart.count() == 1
    assert page.locator("svg.chart rect > title").count() >= 2  # a mark per figure
    rows = _rows(page)
    ts = rows["Hours per unit, Timesheet review"]
    assert ts[6] == "improved", ts
    assert float(ts[3]) < 0 and float(ts[5]) < 0  # the whole interval below zero
    assert rows["Interruptions per person-day"][6] in ("no clear change", "improved", "worse")
    assert rows["Focus hours per person-day"][6] in ("no clear change", "improved", "worse")
    assert "Focus hours per person-day: sessions of at least 15 minutes" in page.inner_text("main")
    assert admin.errors == [], admin.errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-before-after.png"), full_page=True)
    href = page.locator("a[download]").first.get_attribute("href")
    cookies = {c["name"]: c["value"] for c in admin.context.cookies()}
    csv = requests.get(demo_server.url + href, cookies=cookies, timeout=30)
    assert csv.status_code == 200 and "text/csv" in csv.headers["Content-Type"]
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("name,before,after,difference,low,high,verdict")
    assert len(lines) == len(rows) + 1


def test_a_manager_sees_only_changes_of_their_teams(browser, demo_server):
    maria = Session(browser, demo_server.url, "maria")  # Payroll & HR: the demo's change
    wes = Session(browser, demo_server.url, "wes")  # Workforce planning: none
    try:
        assert maria.open("/before-after").status == 200
        assert "Timesheets generated" in maria.page.inner_text("#f-change")
        assert wes.open("/before-after").status == 200
        assert "No changes marked yet" in wes.page.inner_text("main")
        assert wes.open("/before-after?change=1").status == 404
        assert maria.errors == []
    finally:
        maria.close()
        wes.close()


@pytest.fixture
def private_server(demo_db, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(demo_db, db)
    server = CollectorServer(db, tmp_path / "collector.log")
    server.start()
    yield server
    server.stop()


def test_admin_marks_a_change_and_opens_its_comparison(browser, private_server):
    s = Session(browser, private_server.url, "admin")
    try:
        s.open("/admin/changes")
        page = s.page
        page.click("button:has-text('Mark the change')")  # nothing filled in
        errors = page.inner_text(".error-summary")
        assert "day:" in errors and "note:" in errors and "teams:" in errors
        s.errors.clear()  # the 400 of that answer is logged by the browser, as it should be
        day = date.today() - timedelta(days=14)
        page.fill("#f-day", day.isoformat())
        page.fill("#f-note", "Scheduling template rolled out")
        page.check("label.check:has-text('Workforce planning') input")
        page.click("button:has-text('Mark the change')")
        assert "Change marked for Workforce planning" in page.inner_text(".flashes")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "admin-changes.png"), full_page=True)
        page.click("table.data tbody tr:has-text('Scheduling template') a:has-text('Before/after')")
        page.wait_for_url("**/before-after?change=*")
        assert "Scheduling template rolled out" in page.inner_text(".scope")
        assert "Workforce planning" in page.inner_text(".scope")
        assert page.locator("table.data tbody tr").count() >= 1
        audit = s.open("/admin/audit")
        assert audit.status == 200 and "changes.add" in page.inner_text("main")
        assert s.errors == [], s.errors
    finally:
        s.close()
