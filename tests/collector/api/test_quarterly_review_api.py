"""The quarterly review over real HTTP, worked by hand (seed 001, issue 19):
hours per operation member 3.0 -> 2.5, a process added, an error rate that rose."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from collector.service.quarterly import last_full_quarter, previous_quarter, quarter_bounds
from tests.collector.batches import batch, plan

PEOPLE = 5


def _monday_in(first: date) -> datetime:
    """A Monday a fortnight into the quarter, 08:00 UTC."""
    d = first + timedelta(days=14)
    d -= timedelta(days=d.weekday())
    return datetime(d.year, d.month, d.day, 8, tzinfo=UTC)


def _post(c, token, start, steps):
    r = c.api("POST", "/summaries", token, json=batch(plan(start, steps)))
    assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def review(shared_collector):
    """Five people, operation size 10. Last quarter: 6 h each (4 h QA, 2 h e-mail),
    30 h in all = 3.0 h per operation member. This quarter: 5 h each (3 h QA,
    1 h invoicing, new, 1 h e-mail), 25 h = 2.5. QA errors 2% then 8%."""
    c = shared_collector
    c.cli("settings", "set", "operation.size=10")
    this = last_full_quarter()
    before = previous_quarter(this)
    then_first, _ = quarter_bounds(before)
    now_first, _ = quarter_bounds(this)
    tokens = [c.enroll(f"q{i}") for i in range(PEOPLE)]
    for token in tokens:
        # The first tracked day is the previous quarter's first day: both are whole.
        first = datetime(then_first.year, then_first.month, then_first.day, 7, tzinfo=UTC)
        _post(c, token, first, [("non_work", 5)])  # tracked, not working time
        _post(c, token, _monday_in(then_first), [("qa_evaluation", 240), ("communication", 120)])
        steps = [("qa_evaluation", 180), ("invoicing", 60), ("communication", 60)]
        _post(c, token, _monday_in(now_first), steps)
    units = [
        (then_first + timedelta(days=20), 100, 2),
        (now_first + timedelta(days=20), 100, 8),
    ]
    items = [
        {"date": d.isoformat(), "function": "qa_evaluation", "units": u, "corrections": k}
        for d, u, k in units
    ]
    r = c.api(
        "POST", "/output-units", c.admin_key, json={"items": [dict(i, team="ops") for i in items]}
    )
    assert r.status_code == 200, r.text
    r = c.api("GET", "/reports/quarterly-review", c.admin_key, params={"team": "ops"})
    assert r.status_code == 200, r.text
    return r.json()


def test_hours_per_operation_member_fall_from_three_to_two_and_a_half(review):
    assert review["quarter"] == last_full_quarter()
    assert review["hours_per_operation_member"] == pytest.approx(2.5, abs=0.01)
    assert review["previous_hours_per_operation_member"] == pytest.approx(3.0, abs=0.01)
    assert review["change"] == pytest.approx(-1 / 6, abs=0.005)
    assert review["change_basis"] == "quarter" and review["comparable"] is True
    trend = review["trend"]
    assert [t["quarter"] for t in trend][-2:] == [
        previous_quarter(review["quarter"]),
        review["quarter"],
    ]
    assert trend[0]["hours_per_operation_member"] is None  # not tracked then: not zero


def test_a_process_added_and_an_error_rate_that_rose(review):
    rows = {r["function"]: r for r in review["functions"]}
    assert review["added"] == ["invoicing"] and rows["invoicing"]["added"] is True
    assert rows["qa_evaluation"]["added"] is False
    assert rows["qa_evaluation"]["error_rate"] == pytest.approx(0.08)
    assert rows["qa_evaluation"]["previous_error_rate"] == pytest.approx(0.02)
    assert rows["qa_evaluation"]["error_rate_change"] == pytest.approx(0.06)


def test_the_decision_is_process_improvement_with_its_evidence(review):
    decision = review["decision"]
    assert decision["kind"] == "process_improvement"
    assert [e["function"] for e in decision["functions"]] == ["qa_evaluation"]
    assert decision["functions"][0]["band"] == "below_quality"


def test_a_quarter_under_way_is_compared_per_tracked_day(shared_collector, review):
    c = shared_collector
    today = date.today()
    name = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    r = c.api("GET", "/reports/quarterly-review", c.admin_key, params={"quarter": name})
    body = r.json()
    assert r.status_code == 200 and body["change_basis"] == "tracked_day"
    assert body["comparable"] is False and body["coverage"][0]["under_way"] is True


def test_a_bad_quarter_is_refused_naming_the_field(shared_collector):
    c = shared_collector
    for bad in ("2026-Q5", "2026-3", "Q3"):
        r = c.api("GET", "/reports/quarterly-review", c.admin_key, params={"quarter": bad})
        assert r.status_code == 400 and r.json()["fields"][0]["field"] == "quarter", r.text


def test_a_small_team_is_suppressed(shared_collector, review):
    c = shared_collector
    c.cli("team", "add", "pair")
    first, _ = quarter_bounds(review["quarter"])
    for name in ("pa", "pb"):
        _post(c, c.enroll(name, "pair"), _monday_in(first), [("payroll", 60)])
    r = c.api(
        "GET",
        "/reports/quarterly-review",
        c.admin_key,
        params={"team": "pair", "quarter": review["quarter"]},
    )
    body = r.json()
    assert r.status_code == 200 and body["suppressed"] is True
    assert "hours_per_operation_member" not in body
