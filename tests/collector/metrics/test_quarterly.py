"""The quarterly review's rules on plain data (collector/metrics/quarterly.py)."""

from __future__ import annotations

import pytest

from collector.metrics.quarterly import Quarter, decide, processes_added, quarterly_review


def _f(function: str, band: str | None) -> dict:
    return {"function": function, "name": function, "band": band, "hours": 10.0}


def test_overloaded_people_with_reasonable_functions_call_for_capacity():
    d = decide([_f("payroll", "reasonable"), _f("reporting", "watch")], overloaded=3, people=10)
    assert d["kind"] == "capacity_adjustment" and d["functions"] == []


def test_slow_processes_come_before_capacity_even_when_people_are_overloaded():
    d = decide([_f("invoicing", "slow"), _f("payroll", "below_quality")], overloaded=5, people=10)
    assert d["kind"] == "process_improvement"
    assert [e["function"] for e in d["functions"]] == ["payroll", "invoicing"]  # quality first


def test_a_fifth_overloaded_is_not_yet_a_capacity_problem():
    assert decide([_f("payroll", "reasonable")], overloaded=2, people=10)["kind"] == "no_change"


def test_nothing_is_added_against_a_quarter_nobody_was_tracked_in():
    assert processes_added({"payroll": 5.0}, {}, then_tracked=False) == []
    assert processes_added({"payroll": 5.0, "qa": 1.0}, {"qa": 2.0}, then_tracked=True) == [
        "payroll"
    ]


def test_a_half_tracked_quarter_is_compared_per_tracked_day():
    then = Quarter("2026-Q2", working_hours=100.0, workdays=65, tracked_workdays=13)
    now = Quarter("2026-Q3", working_hours=400.0, workdays=66, tracked_workdays=66)
    body = quarterly_review(now, then, [then, now], 10, [], [], overloaded=0, people=5)
    assert body["comparable"] is False and body["change_basis"] == "tracked_day"
    # 10 h vs 40 h per member in total (x4), but per tracked day 0.769 vs 0.606: down 21%.
    assert body["change"] == pytest.approx((40 / 66) / (10 / 13) - 1)


def test_a_hidden_quarter_shows_no_figure():
    then = Quarter("2026-Q2", 12.0, 65, 65, hidden=True)
    now = Quarter("2026-Q3", 30.0, 66, 66)
    body = quarterly_review(now, then, [then, now], 10, [], [], overloaded=0, people=5)
    assert body["previous_hours_per_operation_member"] is None and body["change"] is None
    assert body["coverage"][1]["working_hours"] is None
