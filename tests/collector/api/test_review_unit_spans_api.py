"""The monthly review compares hours with the units of the same span (issue 13, docs/design.md §4).

October 2026 has five Fridays, November four. Five people spend one hour
every working day on reporting and count ten reports each Friday: the same
pace throughout. Before the fix, October's 22 working days of hours against
50 units and November's 21 against 40 read as +19% hours per unit, an
"efficiency decline" with units down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.collector.batches import batch, plan


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def review(shared_collector):
    c = shared_collector
    weekdays = [d for d in _days(date(2026, 9, 21), date(2026, 11, 30)) if d.weekday() < 5]
    for i in range(5):
        token = c.enroll(f"rep{i}")
        segs = []
        for d in weekdays:
            segs += plan(datetime(d.year, d.month, d.day, 9, tzinfo=UTC), [("reporting", 60)])
        body = batch(segs)
        body["timezone"] = "UTC"
        r = c.api("POST", "/summaries", token, json=body)
        assert r.status_code == 200, r.text
    fridays = [d for d in weekdays if d.weekday() == 4]
    items = [
        {"date": d.isoformat(), "function": "reporting", "units": 10, "team": "ops"}
        for d in fridays
    ]
    r = c.api("POST", "/output-units", c.admin_key, json={"items": items})
    assert r.status_code == 200, r.text
    r = c.api("GET", "/reports/monthly-review", c.admin_key, params={"month": "2026-11"})
    assert r.status_code == 200, r.text
    return r.json()


def _row(body, function="reporting"):
    return next(r for r in body["functions"] if r["function"] == function)


def test_the_same_pace_over_five_fridays_and_four_is_steady(review):
    row = _row(review)
    assert (row["units"], row["previous_units"]) == (40, 50)
    # Hours over the units' spans: 26 Sep - 30 Oct (5 weeks), 31 Oct - 27 Nov (4 weeks).
    assert (row["previous_span_from"], row["previous_span_to"]) == ("2026-09-26", "2026-10-30")
    assert (row["span_from"], row["span_to"]) == ("2026-10-31", "2026-11-27")
    assert row["previous_hours"] == pytest.approx(5 * 25)
    assert row["hours"] == pytest.approx(5 * 20)
    assert row["hours_per_unit"] == pytest.approx(row["previous_hours_per_unit"])
    assert row["cause"] == "steady"


def test_the_review_says_the_months_have_different_unit_days(review):
    row = _row(review)
    assert (row["unit_days"], row["previous_unit_days"]) == (4, 5)
    assert review["unit_days_differ"] == [
        {"function": "reporting", "name": row["name"], "unit_days": 4, "previous_unit_days": 5}
    ]
    # The headline keeps each calendar month's own hours: 21 and 22 working days.
    assert review["hours"] == pytest.approx(5 * 21)
    assert review["previous_hours"] == pytest.approx(5 * 22)
