"""Seed 001's worked examples for hours per unit, bands and quality."""

import pytest

from collector.metrics import UnitTotals, time_per_unit


def row(rows, fid):
    return next(r for r in rows if r["function"] == fid)


def test_seven_hours_per_weekly_schedule_is_slow_for_fifty_people():
    r = row(time_per_unit({"scheduling": 7.0}, {"scheduling": UnitTotals(1)}, 50), "scheduling")
    assert r["hours_per_unit"] == 7.0
    assert r["band"] == "slow"


def test_schedule_benchmark_scales_with_operation_size():
    # 7 h for a 100-person operation: limits double (4-8 reasonable), so 7 h is reasonable.
    r = row(time_per_unit({"scheduling": 7.0}, {"scheduling": UnitTotals(1)}, 100), "scheduling")
    assert r["benchmark"]["reasonable_high"] == pytest.approx(8.0)
    assert r["band"] == "reasonable"


def test_eighty_evaluations_in_forty_hours_is_thirty_minutes_each():
    r = row(
        time_per_unit({"qa_evaluation": 40.0}, {"qa_evaluation": UnitTotals(80)}, 50),
        "qa_evaluation",
    )
    assert r["hours_per_unit"] * 60 == pytest.approx(30.0)
    assert r["band"] == "reasonable"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(0.25, "efficient"), (0.45, "reasonable"), (0.6, "watch"), (0.8, "slow")],
)
def test_qa_bands(hours, expected):
    r = row(
        time_per_unit({"qa_evaluation": hours}, {"qa_evaluation": UnitTotals(1)}, 50),
        "qa_evaluation",
    )
    assert r["band"] == expected


def test_no_units_is_no_output_recorded_not_a_division_by_zero():
    r = row(time_per_unit({"reporting": 12.0}, {}, 50), "reporting")
    assert r["hours"] == 12.0
    assert r["hours_per_unit"] is None
    assert r["status"] == "no_output_recorded"
    assert r["band"] is None


def test_quality_adjusted_units_subtract_the_error_rate():
    r = row(time_per_unit({"reporting": 4.0}, {"reporting": UnitTotals(2, 1)}, 100), "reporting")
    assert r["correction_rate"] == 0.5
    assert r["error_rate"] == 0.5
    assert r["quality_adjusted_units"] == 1.0


def test_every_catalogue_function_has_a_row_in_order():
    rows = time_per_unit({}, {}, 50)
    assert [r["function"] for r in rows][:3] == ["scheduling", "timesheet_review", "payroll"]
    assert len(rows) == 9
    assert row(rows, "compliance")["benchmark"] is None
