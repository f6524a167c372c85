"""The Backlog & SLA page in a real browser against the demo collector: per
work type its charts (backlog running into the projection with breach days,
aging against the SLA), the weekly trends, the table and its CSV, the type
filter, a manager's own teams only, and the CSV upload naming each bad row."""

from __future__ import annotations

from datetime import date

import pytest
import requests

from tests.collector.dashboard.conftest import SCREENSHOTS
from tests.collector.dashboard.test_browser import Session

pytestmark = pytest.mark.browser


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


def _cookies(session) -> dict:
    return {c["name"]: c["value"] for c in session.context.cookies()}


def test_backlog_page_tells_the_demo_story_and_exports(admin, demo_server):
    admin.errors.clear()
    admin.open("/overview")
    admin.page.click(".site-nav a:has-text('Backlog & SLA')")
    admin.page.wait_for_url("**/backlog")
    page = admin.page
    headings = page.locator("section.card h2").all_inner_texts()
    for name in ("Pay queries", "Leave requests", "Schedule changes", "Invoice disputes"):
        assert f"{name}: backlog and projection" in headings, headings
        assert f"{name}: open items by age" in headings
    assert "SLA compliance and cycle time, week by week" in headings
    # Pay queries run short in the demo's last week: items past due now and breach days ahead.
    tips = page.locator("svg.chart rect > title").all_text_contents()
    assert any("past due (breach)" in t for t in tips)
    assert any("past due" in t and "days old" in t for t in tips)
    rows = page.locator("table.data tbody tr").all_inner_texts()
    assert len(rows) == 4 and rows[0].startswith("Pay queries")
    headline = page.inner_text(".headline")
    assert "Past due" in headline and "FTE required / put in" in headline
    assert "as of the end of" in page.inner_text(".scope")
    assert admin.errors == [], admin.errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-backlog.png"), full_page=True)
    href = page.locator("a[download]").first.get_attribute("href")
    csv = requests.get(demo_server.url + href, cookies=_cookies(admin), timeout=30)
    assert csv.status_code == 200 and "text/csv" in csv.headers["Content-Type"]
    assert "backlog" in csv.headers["Content-Disposition"]
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("name,function,sla,open,breached,backlog_health_index")
    assert len(lines) == 5
    # One work type through the filter.
    page.select_option("#f-type", "invoice-disputes")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**type=invoice-disputes**")
    assert page.locator("table.data tbody tr").count() == 1
    assert "Invoice disputes: open items by age" in page.inner_text("main")


def test_manager_sees_own_teams_and_a_bad_upload_names_each_row(manager):
    manager.errors.clear()
    assert manager.open("/backlog").status == 200
    rows = manager.page.locator("table.data tbody tr").all_inner_texts()
    open_before = [r.split("\t")[3] for r in rows]
    # maria's team has pay queries and leave requests; the others show nothing open.
    assert open_before[2:] == ["0", "0"], rows
    assert manager.open("/backlog?team=Client%20services").status == 403
    assert manager.errors == [
        "Failed to load resource: the server responded with a status of 403 (FORBIDDEN)"
    ]
    manager.errors.clear()  # the 403 above is logged by the browser, as it should be
    manager.open("/backlog")
    today = date.today().isoformat()
    csv = (
        "id,type,team,received_at,completed_at\n"
        f"PQ-X1,pay-queries,Payroll & HR,{today}T08:00:00+00:00,\n"
        f"PQ-X2,pay-queries,Payroll & HR,{today}T08:00:00,\n"
        f"PQ-X3,claims,Payroll & HR,{today}T08:00:00+00:00,\n"
        f"PQ-X4,pay-queries,Payroll & HR,{today}T09:00:00+00:00,{today}T08:00:00+00:00\n"
    )
    manager.page.set_input_files(
        "#f-file", {"name": "items.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    manager.page.click("#work-items-upload button[type=submit]")
    errors = manager.page.inner_text("#upload-errors")
    assert "Nothing was imported from items.csv" in errors
    for row in ("row 3", "row 4", "row 5"):
        assert row in errors, errors
    assert "no work type 'claims'" in errors and "before received_at" in errors
    manager.page.screenshot(path=str(SCREENSHOTS / "dashboard-backlog-errors.png"), full_page=True)
    assert len(manager.errors) == 1 and "400 (BAD REQUEST)" in manager.errors[0]  # the refusal
    manager.errors.clear()
    manager.open("/backlog")
    rows = manager.page.locator("table.data tbody tr").all_inner_texts()
    assert [r.split("\t")[3] for r in rows] == open_before  # nothing stored
    # The good row alone is imported and counted as open.
    good = "\n".join(csv.splitlines()[:2]) + "\n"
    manager.page.set_input_files(
        "#f-file", {"name": "good.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    manager.page.click("#work-items-upload button[type=submit]")
    assert "1 new items, 0 updated" in manager.page.inner_text("main")
    rows = manager.page.locator("table.data tbody tr").all_inner_texts()
    assert int(rows[0].split("\t")[3]) == int(open_before[0]) + 1
    assert manager.errors == [], manager.errors
