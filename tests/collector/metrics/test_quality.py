"""Quality in every verdict, the weekly basis and money at stake, by hand (docs/design.md §4)."""

import pytest

from collector.metrics import UnitTotals, time_per_unit
from collector.service.settings_table import defaults, quality_limits

LIMITS = quality_limits(defaults())


def row(fid, hours, units, corrections=0, size=100, days=None, rate=25.0):
    rows = time_per_unit(
        {fid: hours},
        {fid: UnitTotals(units, corrections)},
        size,
        days=days,
        quality_limits=LIMITS,
        hourly_rate=rate,
    )
    return next(r for r in rows if r["function"] == fid)


def test_the_limits_are_the_seeds_payroll_rule_and_ours_elsewhere():
    assert LIMITS["payroll"] == 0.02
    assert {v for k, v in LIMITS.items() if k != "payroll"} == {0.05}


def test_three_corrected_paychecks_in_one_cycle_for_100_people_is_3_percent():
    r = row("payroll", 7.0, 1, 3, size=100)  # 7 h per cycle: reasonable on speed alone
    assert r["error_rate"] == pytest.approx(0.03)
    assert r["correction_rate"] == 3.0  # corrections per cycle, as the seed's table says
    assert r["band"] == "below_quality"
    assert r["quality_adjusted_units"] == pytest.approx(0.97)


def test_two_percent_is_at_the_limit_not_above_it():
    r = row("payroll", 7.0, 1, 2, size=100)
    assert r["error_rate"] == pytest.approx(0.02)
    assert r["band"] == "reasonable"


def test_fast_work_with_rework_is_below_quality_never_efficient():
    # 10 evaluations at 15 minutes each would be efficient; 1 in 10 needed redoing.
    r = row("qa_evaluation", 2.5, 10, 1)
    assert r["hours_per_unit"] == pytest.approx(0.25)
    assert r["band"] == "below_quality"
    assert r["money_at_stake"] == 0.0  # nothing at stake in time; the cost is rework


def test_a_function_with_no_benchmark_can_still_fail_on_quality():
    assert row("compliance", 10.0, 10, 1)["band"] == "below_quality"
    assert row("compliance", 10.0, 10, 0)["band"] is None


def test_money_at_stake_is_the_gap_to_reasonable_times_units_times_cost():
    # Reports: reasonable up to 2 h; 5 reports at 3.5 h each -> 1.5 h x 5 x 25 = 187.5.
    r = row("reporting", 17.5, 5)
    assert r["band"] == "slow"
    assert r["money_at_stake"] == pytest.approx(187.5)
    assert r["fix"]["fix"] == "Standardized report templates with pre-built data connections"
    assert row("reporting", 5.0, 5)["money_at_stake"] is None  # reasonable: nothing at stake
    assert row("reporting", 5.0, 5)["fix"] is None


def test_a_below_quality_payroll_gets_the_seeds_rule_based_payroll_fix():
    r = row("payroll", 7.0, 1, 3)
    assert "rule-based overtime" in r["fix"]["fix"]
    assert r["fix"]["symptom"] == "Payroll errors exceed 2%"


def test_weekly_basis_shows_what_a_per_unit_figure_hides():
    # 10,883 timesheets in 28 days for an operation of 50: about 2,721 a week,
    # 54 per person, though the per-unit figure looks "reasonable".
    r = row("timesheet_review", 300.0, 10_883, size=50, days=28)
    assert r["units_per_week"] == pytest.approx(10_883 / 4)
    assert r["hours_per_week"] == pytest.approx(75.0)
    assert r["band"] == "reasonable"
