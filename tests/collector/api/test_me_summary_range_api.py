"""``GET /me/summary`` for a week (the tray's My week), through a real collector.

Worked by hand. Mina, last week (Berlin time):

* Monday 09:00: payroll 90 min, chat 10 min, payroll 30 min, scheduling 60 min
  (190 min = 3.1667 h that day; one interruption, one task switch);
* Wednesday 13:00: timesheet review 45 min;
* the Monday before: payroll 20 min (outside the range, must not count).

Own hours: payroll 2.0, scheduling 1.0, timesheet review 0.75, communication
0.1667; total 3.9167. Focus sessions (shared/focus.py): payroll 09:00-10:30
(the 10 min chat is more than 4 min away: it ends there), payroll 10:40-11:10
(ended by the hour of scheduling), scheduling 11:10-12:10, timesheet review
45 min: 4 sessions, 225 min = 3.75 h, longest 90 (payroll, Monday).

Units that name Mina: payroll 4 -> 0.5 h each, scheduling 2 -> 0.5 h each;
timesheet review has none -> no ratio. Nils (same team) works 5 h of payroll
on the Monday and has 10 payroll units, and the team has 100 payroll units
naming nobody: none of it is in Mina's figures.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.collector.batches import batch, day_at, plan

pytestmark = pytest.mark.slow


def _post(c, token, start, steps) -> None:
    r = c.api("POST", "/summaries", token, json=batch(plan(start, steps)))
    assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def week(shared_collector):
    c = shared_collector
    monday_ago = date.today().weekday() + 7
    mina, nils = c.enroll("mina"), c.enroll("nils")
    _post(
        c,
        mina,
        day_at(monday_ago, 9),
        [("payroll", 90), ("communication", 10), ("payroll", 30), ("scheduling", 60)],
    )
    _post(c, mina, day_at(monday_ago - 2, 13), [("timesheet_review", 45)])
    _post(c, mina, day_at(monday_ago + 7, 9), [("payroll", 20)])
    _post(c, nils, day_at(monday_ago, 8), [("payroll", 300)])
    monday = day_at(monday_ago, 9).date()
    items = [
        {"date": monday.isoformat(), "function": "payroll", "units": 4, "employee": "mina"},
        {"date": monday.isoformat(), "function": "scheduling", "units": 2, "employee": "mina"},
        {"date": monday.isoformat(), "function": "payroll", "units": 10, "employee": "nils"},
        {"date": monday.isoformat(), "function": "payroll", "units": 100, "team": "ops"},
    ]
    r = c.api("POST", "/output-units", c.admin_key, json={"items": items})
    assert r.status_code == 200, r.text
    r = c.api(
        "GET",
        "/me/summary",
        mina,
        params={"from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat()},
    )
    assert r.status_code == 200, r.text
    return monday, r.json()


def test_own_hours_per_function_and_per_day(week):
    monday, body = week
    hours = {c["category"]: c["hours"] for c in body["categories"]}
    assert hours == pytest.approx(
        {"payroll": 2.0, "scheduling": 1.0, "timesheet_review": 0.75, "communication": 10 / 60}
    )
    assert body["total_hours"] == pytest.approx(3.9167, abs=1e-4)
    assert body["days"] == [
        {"day": monday.isoformat(), "hours": pytest.approx(190 / 60)},
        {"day": (monday + timedelta(days=2)).isoformat(), "hours": pytest.approx(0.75)},
    ]


def test_own_focus_and_interruptions(week):
    monday, body = week
    assert body["focus"] == {"hours": pytest.approx(3.75), "sessions": 4}
    assert body["longest_focus"] == {
        "minutes": pytest.approx(90.0),
        "function": "payroll",
        "day": monday.isoformat(),
    }
    assert body["interruptions"]["count"] == 1
    assert body["interruptions"]["away_minutes"] == pytest.approx(10.0)
    assert body["interruptions"]["task_switches"] == 1


def test_own_hours_per_unit_only_from_units_that_name_the_employee(week):
    _monday, body = week
    assert body["functions"] == [
        {"function": "payroll", "hours": 2.0, "units": 4, "hours_per_unit": 0.5},
        {"function": "scheduling", "hours": 1.0, "units": 2, "hours_per_unit": 0.5},
        {"function": "timesheet_review", "hours": 0.75, "units": 0, "hours_per_unit": None},
    ]
    assert "nils" not in str(body)


def test_a_range_longer_than_the_reports_allow_is_refused(shared_collector, week):
    token = shared_collector.enroll("olga")
    r = shared_collector.api(
        "GET", "/me/summary", token, params={"from": "2020-01-01", "to": "2026-01-31"}
    )
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "from"
    empty = shared_collector.api("GET", "/me/summary", token).json()
    assert (
        empty["focus"]["sessions"] == 0
        and empty["longest_focus"] is None
        and empty["functions"] == []
        and empty["days"] == []
    )
