"""The monthly review's `cause` in the contract's order and its focus, by hand."""

import pytest

from collector.metrics import UnitTotals, monthly_review, time_per_unit
from collector.service.settings_table import defaults, quality_limits


def rows(hours, units, corrections=None):
    corrections = corrections or {}
    return time_per_unit(
        hours,
        {f: UnitTotals(u, corrections.get(f, 0)) for f, u in units.items()},
        100,
        days=30,
        quality_limits=quality_limits(defaults()),
        hourly_rate=25.0,
    )


def review_of(before_hours, before_units, now_hours, now_units, corrections=None):
    return monthly_review(
        rows(now_hours, now_units, corrections), rows(before_hours, before_units), 100
    )


def causes(review):
    return {r["function"]: r["cause"] for r in review["functions"]}


def test_hours_and_units_both_up_half_is_a_volume_spike_not_steady():
    r = review_of({"onboarding": 20}, {"onboarding": 10}, {"onboarding": 30}, {"onboarding": 15})
    row = next(x for x in r["functions"] if x["function"] == "onboarding")
    assert row["hours_change"] == pytest.approx(0.5)
    assert row["units_change"] == pytest.approx(0.5)
    assert row["change"] == pytest.approx(0.0)
    assert row["cause"] == "volume_spike"
    assert (row["hours"], row["previous_hours"]) == (30, 20)


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        ((20, 10), (30, 10), "efficiency_decline"),  # same units, +50% hours per unit
        ((20, 10), (23, 12), "volume_spike"),  # hours +15%, units +20%: the rise is volume
        ((20, 10), (18, 10), "improved"),
        ((20, 10), (20.6, 10), "slower"),  # +3% per unit
        ((20, 10), (20.2, 10), "steady"),
        ((20, 0), (30, 10), "not_comparable"),
        ((20, 10), (30, 0), "not_comparable"),
    ],
)
def test_cause_takes_the_first_match_in_order(before, now, expected):
    r = review_of(
        {"reporting": before[0]},
        {"reporting": before[1]},
        {"reporting": now[0]},
        {"reporting": now[1]},
    )
    assert causes(r)["reporting"] == expected


def test_efficiency_decline_wins_over_volume_when_units_barely_moved():
    # hours +32%, units +10% (not more than 10%), hpu +20%: a process problem.
    r = review_of({"reporting": 20}, {"reporting": 10}, {"reporting": 26.4}, {"reporting": 11})
    assert causes(r)["reporting"] == "efficiency_decline"


def test_focus_is_a_below_quality_function_before_a_slow_one():
    # Reporting is 3x its reasonable limit; payroll is fast but 3% of paychecks were wrong.
    r = review_of(
        {}, {}, {"reporting": 30, "payroll": 7}, {"reporting": 5, "payroll": 1}, {"payroll": 3}
    )
    assert r["focus"]["function"] == "payroll"
    assert r["focus"]["reason"] == "below_quality"
    assert "rule-based" in r["focus"]["fix"]["fix"]


def test_without_a_quality_problem_the_focus_is_furthest_above_reasonable():
    r = review_of({}, {}, {"reporting": 30, "payroll": 7}, {"reporting": 5, "payroll": 1})
    assert r["focus"]["function"] == "reporting"
    assert r["focus"]["reason"] == "above_reasonable"
    assert r["focus"]["money_at_stake"] == pytest.approx((6 - 2) * 5 * 25)


def test_the_review_totals_hours_for_both_months():
    r = review_of({"reporting": 20, "payroll": 10}, {"reporting": 10}, {"reporting": 30}, {})
    assert (r["hours"], r["previous_hours"]) == (30, 30)
    assert r["hours_change"] == pytest.approx(0.0)
