"""The spike calendar page in a real browser against the demo collector."""

from __future__ import annotations

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


def test_spike_calendar_draws_days_names_spikes_and_exports(admin, demo_server):
    admin.errors.clear()
    admin.open("/overview")
    admin.page.click(".site-nav a:has-text('Spike calendar')")
    admin.page.wait_for_url("**/spikes")
    page = admin.page
    calendar = page.locator("svg.chart--calendar[role=img]")
    assert calendar.count() == 1
    cells = page.locator("svg.chart--calendar rect.cell > title")
    assert cells.count() > 200  # nine functions x about 65 working days
    assert page.locator("rect.cell--usual").count() > 50
    assert page.locator("rect.cell--high, rect.cell--very_high").count() >= 1
    # The demo's smaller functions have days with fewer than five people: hatched, no figure.
    hidden = page.locator("rect.cell--hidden > title").first.text_content()
    assert "hidden, fewer people than the minimum group" in hidden
    assert page.locator("table.data tbody tr").count() >= 1
    recurring = page.inner_text("#recurring")
    # The demo's runs (collector/demo_volumes.py): pay runs, month-end invoicing, the
    # month's reports on its first business day; and onboarding's hiring wave.
    assert "Payroll processing: pay-run day" in recurring
    assert "Invoicing (BPO): month end" in recurring
    assert "Reporting: first business day of the month" in recurring
    assert page.locator("rect.cell > title", has_text="pay-run day").count() >= 2
    assert admin.errors == [], admin.errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-spikes.png"), full_page=True)
    href = page.locator("a[download]").first.get_attribute("href")
    cookies = {c["name"]: c["value"] for c in admin.context.cookies()}
    csv = requests.get(demo_server.url + href, cookies=cookies, timeout=30)
    assert csv.status_code == 200 and "text/csv" in csv.headers["Content-Type"]
    head = csv.text.lstrip("\ufeff").splitlines()[0]
    assert head.startswith("day,name,hours,baseline,ratio,recurring")
    assert len(csv.text.splitlines()) == page.locator("table.data tbody tr").count() + 1
