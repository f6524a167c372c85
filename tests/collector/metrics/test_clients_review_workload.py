"""Client margins, the monthly review, workload, privacy and advice."""

import pytest

from collector.metrics import (
    ClientMonth,
    UnitTotals,
    client_margins,
    interruption_advice,
    monthly_review,
    suppression,
    time_per_unit,
    workload,
)

SEED_TABLE = [
    ClientMonth("a", "Client A", 50_000, 35_000, 80),
    ClientMonth("b", "Client B", 50_000, 35_000, 200),
    ClientMonth("c", "Client C", 30_000, 20_000, 160),
]


def test_seed_client_table_margins():
    rows = client_margins(SEED_TABLE, 25)
    assert [r["back_office_cost"] for r in rows] == [2_000, 5_000, 4_000]
    assert [r["gross_margin"] for r in rows] == [13_000, 10_000, 6_000]
    assert [round(r["margin_share"], 2) for r in rows] == [0.26, 0.20, 0.20]


def test_client_without_financials_has_unknown_margin_not_zero():
    (r,) = client_margins([ClientMonth("d", "D", None, None, 10)], 25)
    assert r["back_office_cost"] == 250
    assert r["gross_margin"] is None and r["margin_share"] is None


def _rows(hours, units):
    return time_per_unit(hours, {f: UnitTotals(u) for f, u in units.items()}, 50)


def test_review_tells_volume_spike_from_efficiency_decline():
    before = _rows({"onboarding": 20, "reporting": 8}, {"onboarding": 10, "reporting": 4})
    now = _rows({"onboarding": 30, "reporting": 12}, {"onboarding": 12, "reporting": 4})
    review = monthly_review(now, before, 50)
    cause = {r["function"]: r["cause"] for r in review["functions"]}
    assert cause["onboarding"] == "volume_spike"  # units +20%, hours per hire up
    assert cause["reporting"] == "efficiency_decline"  # same units, more hours each


def test_focus_is_the_function_furthest_above_reasonable():
    now = _rows({"onboarding": 40, "reporting": 10}, {"onboarding": 10, "reporting": 4})
    review = monthly_review(now, [], 50)
    # onboarding 4 h/hire vs 3 (+33%); reporting 2.5 h vs 2 (+25%)
    assert review["focus"]["function"] == "onboarding"
    assert review["focus"]["gap"] == pytest.approx(1.0)


def test_no_focus_when_everything_is_reasonable():
    assert monthly_review(_rows({"reporting": 1.5}, {"reporting": 1}), [], 50)["focus"] is None


def test_workload_flags_overload_and_unused_capacity():
    result = workload({"a": 4 * 46, "b": 4 * 40, "c": 4 * 30}, weeks=4, weekly_hours=40)
    status = {p["person"]: p["status"] for p in result["people"]}
    assert status == {"a": "overload", "b": "balanced", "c": "unused_capacity"}
    assert result["median_weekly_hours"] == 40
    assert result["distribution"]["min"] == 30


def test_workload_of_nobody_is_empty():
    assert workload({}, weeks=4, weekly_hours=40)["distribution"] is None


def test_groups_below_the_minimum_are_suppressed():
    assert suppression(4, 5)["suppressed"] is True
    assert "5" in suppression(4, 5)["reason"]
    assert suppression(5, 5) is None
    assert suppression(0, 5) is None


def test_advice_grows_with_interruptions():
    assert interruption_advice(1, 0.05) == []
    assert [a["id"] for a in interruption_advice(8, 0.2)] == [
        "batching",
        "office_hours",
        "self_service",
    ]
