"""An admin-set start date moves the overview and workload targets by exactly
the days it removes (or adds), in a real collector, set with `person start`."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest

from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CLI

PEOPLE = ["ana", "ben", "cai", "dee", "eli"]
FIRST_AGO = 10  # everyone is first tracked 10 days ago
WEEKLY = 40.0
SHRINKAGE = 0.2


def _span() -> dict[str, str]:
    today = date.today()
    return {
        "from": (today - timedelta(days=13)).isoformat(),
        "to": today.isoformat(),
        "team": "ops",
    }


def _get(c, path: str) -> dict:
    r = c.api("GET", path, c.admin_key, params=_span())
    assert r.status_code == 200, r.text
    return r.json()


def _weekdays(first: date, last: date) -> int:
    return sum(1 for i in range((last - first).days + 1) if (first + timedelta(i)).weekday() < 5)


def _start(c, name: str, day: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, "person", "start", name, day, "--db", str(c.db)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def org(shared_collector):
    c = shared_collector
    for person in PEOPLE:
        token = c.enroll(person)
        for days_ago in range(1, FIRST_AGO + 1):
            body = batch(plan(day_at(days_ago, 9), [("payroll", 120)]))
            assert c.api("POST", "/summaries", token, json=body).status_code == 200
    return c


@pytest.mark.parametrize("shift", [3, -2])
def test_a_start_date_moves_the_targets_by_exactly_the_days_it_removes(org, shift):
    c = org
    today = date.today()
    first = today - timedelta(days=FIRST_AGO)
    before_overview = _get(c, "/reports/overview")["target_hours"]
    before_workload = _get(c, "/reports/workload")["available_hours"]

    start = first + timedelta(days=shift)
    out = _start(c, "ana", start.isoformat())
    assert out.returncode == 0, out.stderr
    assert f"ana (ops) counts from {start.isoformat()}" in out.stderr
    try:
        overview = _get(c, "/reports/overview")["target_hours"]
        workload = _get(c, "/reports/workload")["available_hours"]
    finally:
        assert _start(c, "ana", "none").returncode == 0
    # overview: weekly_hours / 7 a calendar day
    assert overview - before_overview == pytest.approx(-shift * WEEKLY / 7)
    # workload: weekly_hours x (1 - shrinkage) / 5 a working day (the range ends yesterday)
    lo, hi = (first, start - timedelta(days=1)) if shift > 0 else (start, first - timedelta(1))
    workdays = _weekdays(lo, hi)
    per_workday = WEEKLY * (1 - SHRINKAGE) / 5
    expected = -workdays * per_workday if shift > 0 else workdays * per_workday
    assert workload - before_workload == pytest.approx(expected)
    # cleared: back to the first tracked day
    assert _get(c, "/reports/overview")["target_hours"] == pytest.approx(before_overview)


def test_person_start_refuses_a_bad_or_future_date_and_an_unknown_name(org):
    c = org
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    bad = _start(c, "ana", tomorrow)
    assert bad.returncode != 0 and "is after today" in bad.stderr, bad.stderr
    bad = _start(c, "ana", "2026-02-30")
    assert bad.returncode != 0 and "is not a date; give it as YYYY-MM-DD" in bad.stderr
    bad = _start(c, "nobody", "2026-01-05")
    assert bad.returncode != 0 and "no person named 'nobody'" in bad.stderr
    audit = c.store().audit_log()
    assert not any(e["action"] == "person.start_day" and e["target"] == "nobody" for e in audit)
