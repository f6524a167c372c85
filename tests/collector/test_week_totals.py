"""Range totals cannot be differenced against the weekly parts (issue 13).

A real collector process; a team of five works one week, and one of them
alone works the next. Before the fix the totals held the lonely week, so
total minus the shown week gave one person's hours back, on the overview
and the functions pages and in their API reports.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.collector.batches import batch, plan

PASSWORD = "week-totals-pass"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _monday(weeks_ago: int) -> datetime:
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    return today - timedelta(days=today.weekday() + 7 * weeks_ago)


def _work(c, token: str, day: datetime, minutes: float) -> None:
    r = c.api("POST", "/summaries", token, json=batch(plan(day, [("payroll", minutes)])))
    assert r.status_code == 200, r.text


def _units(c, team: str, day: datetime, units: float) -> None:
    item = {"date": day.date().isoformat(), "function": "payroll", "units": units, "team": team}
    r = c.api("POST", "/output-units", c.admin_key, json={"items": [item]})
    assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def weeks(shared_collector):
    """Team 'lone': five people in week 1, one of them alone in week 2.
    Team 'pairs': three people in week 1, three others (five in all) in week 2."""
    c = shared_collector
    busy, lonely = _monday(3), _monday(2)
    c.cli("team", "add", "lone")
    people = [c.enroll(f"lone{i}", "lone") for i in range(5)]
    for token in people:
        _work(c, token, busy, 60)
    _work(c, people[0], lonely + timedelta(days=1), 90)
    _units(c, "lone", busy, 10)
    _units(c, "lone", lonely + timedelta(days=1), 3)
    c.cli("team", "add", "pairs")
    pairs = [c.enroll(f"pair{i}", "pairs") for i in range(5)]
    for token in pairs[:3]:
        _work(c, token, busy, 60)
    for token in pairs[2:]:
        _work(c, token, lonely, 30)
    c.cli("user", "add", "weekboss", "--role", "admin", stdin=PASSWORD + "\n")
    span = {
        "from": busy.date().isoformat(),
        "to": (lonely + timedelta(days=6)).date().isoformat(),
    }
    return {"busy": busy.date().isoformat(), "lonely": lonely.date().isoformat(), **span}


def _get(c, path: str, **params) -> dict:
    r = c.api("GET", path, c.admin_key, params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
def browser_session(shared_collector, weeks) -> requests.Session:
    s = requests.Session()
    url = shared_collector.url
    token = TOKEN.search(s.get(f"{url}/login", timeout=10).text).group(1)
    r = s.post(
        f"{url}/login",
        data={"name": "weekboss", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 302, r.text
    return s


def _page_text(s: requests.Session, url: str) -> str:
    r = s.get(url, timeout=30)
    assert r.status_code == 200, r.text
    body = re.sub(r"<[^>]+>", " ", r.text)
    return re.sub(r"\s+", " ", html.unescape(body))


def _csv(s: requests.Session, url: str) -> list[dict]:
    r = s.get(url, timeout=30)
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_overview_api_lists_no_hidden_week_and_its_totals_leave_it_out(shared_collector, weeks):
    span = {"from": weeks["from"], "to": weeks["to"]}
    body = _get(shared_collector, "/reports/overview", team="lone", **span)
    assert {w["week"] for w in body["weeks"]} == {weeks["busy"]}
    assert [w["week"] for w in body["suppressed_weeks"]] == [weeks["lonely"]]
    assert body["suppressed_weeks_in_totals"] is False
    shown = sum(w["hours"] for w in body["weeks"] if w["category"] != "non_work")
    # Before the fix: 6.5 h, and 6.5 - 5 gave lone0's week back.
    assert body["tracked_hours"] == pytest.approx(shown) == pytest.approx(5.0)
    # The target covers the counted week only (5 people x 40 h).
    weekly = shared_collector.store().settings()["workload.weekly_hours"]
    assert body["target_hours"] == pytest.approx(5 * weekly)


def test_time_per_unit_api_totals_leave_the_hidden_week_out(shared_collector, weeks):
    span = {"from": weeks["from"], "to": weeks["to"]}
    body = _get(shared_collector, "/reports/time-per-unit", team="lone", **span)
    payroll = next(f for f in body["functions"] if f["function"] == "payroll")
    assert payroll["hours"] == pytest.approx(5.0)  # not 6.5
    assert payroll["units"] == pytest.approx(10)  # not 13
    assert body["suppressed_weeks_in_totals"] is False
    # The lonely week on its own is the whole group, and is suppressed as a whole.
    alone = _get(
        shared_collector, "/reports/time-per-unit", team="lone", **{"from": weeks["lonely"]}
    )
    assert alone.get("suppressed") is True


def test_hidden_weeks_that_together_reach_the_group_count_in_the_totals(shared_collector, weeks):
    span = {"from": weeks["from"], "to": weeks["to"]}
    body = _get(shared_collector, "/reports/overview", team="pairs", **span)
    assert body["weeks"] == []
    assert len(body["suppressed_weeks"]) == 2
    assert body["suppressed_weeks_in_totals"] is True
    assert body["tracked_hours"] == pytest.approx(3 * 1.0 + 3 * 0.5)
    tpu = _get(shared_collector, "/reports/time-per-unit", team="pairs", **span)
    payroll = next(f for f in tpu["functions"] if f["function"] == "payroll")
    assert payroll["hours"] == pytest.approx(4.5)


def test_overview_page_totals_equal_the_shown_weeks(shared_collector, weeks, browser_session):
    query = f"team=lone&from={weeks['from']}&to={weeks['to']}"
    text = _page_text(browser_session, f"{shared_collector.url}/overview?{query}")
    assert "Tracked working hours 5.0 h" in text, text[:3000]
    assert "6.5 h" not in text
    assert "the totals leave it out too" in text
    rows = _csv(browser_session, f"{shared_collector.url}/overview.csv?{query}")
    shown = [r for r in rows if not r.get("suppressed")]
    hidden = [r for r in rows if r.get("suppressed")]
    assert [r["week"] for r in hidden] == [weeks["lonely"]]
    assert sum(float(r["tracked"]) for r in shown) == pytest.approx(5.0)


def test_functions_page_totals_equal_the_shown_weeks(shared_collector, weeks, browser_session):
    query = f"team=lone&from={weeks['from']}&to={weeks['to']}"
    text = _page_text(browser_session, f"{shared_collector.url}/functions?{query}")
    assert "the totals leave it out too" in text
    rows = _csv(browser_session, f"{shared_collector.url}/functions.csv?{query}")
    payroll = next(r for r in rows if r["name"].lower().startswith("payroll"))
    assert float(payroll["hours"]) == pytest.approx(5.0)
    assert float(payroll["units"]) == pytest.approx(10)
    # Where the hidden weeks together are a group, the page says they are counted.
    query = f"team=pairs&from={weeks['from']}&to={weeks['to']}"
    text = _page_text(browser_session, f"{shared_collector.url}/functions?{query}")
    assert "so the totals include them" in text
