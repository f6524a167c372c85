"""The demo reads true to a back-office lead (issue 17): integer counts that
fit its operation, and the planted changes found by the monthly review."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from collector import demo_volumes
from collector.metrics.plausibility import implausible_weeks
from collector.service import capacity, reports
from collector.store import open_store


@pytest.fixture
def store(demo_db):
    s = open_store(demo_db)
    yield s
    s.close()


def _span(store):
    first, last = store.one("SELECT MIN(date), MAX(date) FROM output_units")
    return first, last


def test_counts_are_whole_and_fit_the_operation(store):
    assert store.settings()["operation.size"] == demo_volumes.OPERATION_SIZE
    kinds = store.all("SELECT DISTINCT typeof(units), typeof(corrections) FROM output_units")
    assert [tuple(k) for k in kinds] == [("integer", "integer")]
    first, last = _span(store)
    weekly = store.weekly_units_by_team(None, first, last)
    assert implausible_weeks(weekly, demo_volumes.OPERATION_SIZE) == []
    by_week = {}
    for r in weekly:
        by_week.setdefault((r["week"], r["function"]), 0)
        by_week[(r["week"], r["function"])] += r["units"]
    assert max(v for (w, f), v in by_week.items() if f == "timesheet_review") <= 1000


def test_every_full_month_has_two_pay_cycles(store):
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    start, end = reports.month_bounds(month)
    (cycles,) = store.one(
        "SELECT SUM(units) FROM output_units WHERE function = 'payroll' AND date BETWEEN ? AND ?",
        (start, end),
    )
    assert cycles == 2


def test_the_review_finds_the_planted_spike_and_decline(store):
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    review = reports.monthly_review_report(store, None, None, month)
    cause = {r["function"]: r["cause"] for r in review["functions"]}
    assert cause["scheduling"] == "efficiency_decline"
    assert cause["onboarding"] == "volume_spike"
    assert review["focus"]["function"] == "payroll"
    assert review["focus"]["reason"] == "below_quality"
    # Nothing else reads as a decline or a spike: the plants are the story.
    others = {f: c for f, c in cause.items() if f not in ("scheduling", "onboarding")}
    assert not {"efficiency_decline", "volume_spike"} & set(others.values()), others


def test_the_functions_page_has_one_below_quality_and_a_few_slow(store):
    end = date.today() - timedelta(days=1)
    start = end - timedelta(days=27)
    tpu = reports.time_per_unit_report(store, None, None, start.isoformat(), end.isoformat())
    band = {r["function"]: r["band"] for r in tpu["functions"]}
    assert [f for f, b in band.items() if b == "below_quality"] == ["payroll"]
    assert band["invoicing"] == "slow"
    assert band["qa_evaluation"] == "watch"
    assert band["timesheet_review"] in ("efficient", "reasonable")
    ts = next(r for r in tpu["functions"] if r["function"] == "timesheet_review")
    assert ts["units_per_week"] <= demo_volumes.OPERATION_SIZE


def test_workload_does_not_flag_people_for_planned_time_away(store):
    end = date.today() - timedelta(days=1)
    start = end - timedelta(days=27)
    w = capacity.workload_report(store, None, None, start.isoformat(), end.isoformat())
    assert w["unused_capacity"] <= w["people"] * 0.2
    assert w["absent_days"] > 0


def test_the_demo_story_is_dated_in_the_past(store):
    """Issue 13: the "last month" story must not carry units or hours dated ahead."""
    today = date.today().isoformat()
    _, last = _span(store)
    assert last < today
    (latest_day,) = store.one("SELECT MAX(day) FROM rollups")
    assert latest_day < today
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    review = reports.monthly_review_report(store, None, None, month)
    # Not every function reads as a decline: at most the planted one does.
    declines = [r["function"] for r in review["functions"] if r["cause"] == "efficiency_decline"]
    assert declines == ["scheduling"]
    # Weekly counts (Thursday schedules) are compared over their units' spans, and a
    # month with a different number of unit days says so.
    for d in review["unit_days_differ"]:
        assert d["unit_days"] != d["previous_unit_days"]
    sched = next(r for r in review["functions"] if r["function"] == "scheduling")
    assert sched["span_to"] <= reports.month_bounds(month)[1]
    assert sched["unit_days"] in (4, 5)


def test_no_window_of_the_year_puts_a_second_function_below_quality():
    """Whatever day the demo is made, only payroll fails on quality: a function
    with a few units a week must not cross its limit on one correction."""
    from collector.demo import CLIENTS
    from collector.service.settings_table import OUR_QUALITY_LIMIT, QUALITY_DEFAULTS

    first = date(2026, 1, 5)
    days = [first + timedelta(days=n) for n in range(540)]
    workdays = [d for d in days if d.weekday() < 5]
    units, _ = demo_volumes.plan(workdays, "2026-11", [(c[0], c[4]) for c in CLIENTS])
    failing: set[tuple[str, date]] = set()
    for end in workdays[100:]:
        start = end - timedelta(days=27)
        totals: dict[str, list[int]] = {}
        for u in units:
            if start <= u.day <= end:
                t = totals.setdefault(u.function, [0, 0])
                t[0] += u.units * (demo_volumes.OPERATION_SIZE if u.function == "payroll" else 1)
                t[1] += u.corrections
        for function, (n, wrong) in totals.items():
            if function != "payroll" and wrong / n > QUALITY_DEFAULTS.get(
                function, OUR_QUALITY_LIMIT
            ):
                failing.add((function, end))
    assert failing == set()
