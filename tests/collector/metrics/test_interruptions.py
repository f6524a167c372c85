"""Interruption detection and cost (docs/design.md §4, seed 001)."""

from datetime import UTC, datetime, timedelta

import pytest

from collector.metrics import Span, detect, interruption_cost, per_day

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def timeline(*parts: tuple[str, float], state: str = "active") -> list[Span]:
    """Back-to-back spans from (category, seconds) pairs."""
    spans, t = [], T0
    for cat, secs in parts:
        spans.append(Span(t, t + timedelta(seconds=secs), cat, state))
        t += timedelta(seconds=secs)
    return spans


def test_eight_interruptions_cost_eighty_to_one_twenty_minutes_of_recovery():
    c = interruption_cost(8, 0, 8 * 3600, recovery_min_s=600, recovery_max_s=900, hourly_rate=25)
    assert (c["recovery_minutes_low"], c["recovery_minutes_high"]) == (80, 120)
    assert c["cost_low"] == pytest.approx(80 / 60 * 25)
    assert c["share_of_tracked_low"] == pytest.approx(80 / 480)


def test_time_away_is_added_to_recovery():
    c = interruption_cost(2, 600, 3600 * 4)
    assert c["away_minutes"] == 10
    assert (c["lost_minutes_low"], c["lost_minutes_high"]) == (30, 40)


def test_short_chat_after_focus_and_back_is_one_interruption():
    found = detect(timeline(("payroll", 600), ("communication", 120), ("payroll", 300)))
    assert len(found.interruptions) == 1
    assert found.interruptions[0].away_s == 120
    assert found.task_switches == []


def test_no_interruption_without_enough_focus_first():
    found = detect(timeline(("payroll", 60), ("communication", 60), ("payroll", 300)))
    assert found.interruptions == []


def test_long_absence_is_not_an_interruption():
    found = detect(timeline(("payroll", 600), ("meetings", 1800), ("payroll", 300)))
    assert found.interruptions == []


def test_not_returning_to_the_function_is_a_task_switch_not_an_interruption():
    found = detect(timeline(("payroll", 600), ("communication", 60), ("reporting", 300)))
    assert found.interruptions == []
    assert len(found.task_switches) == 1


def test_chat_then_call_counts_once_with_both_as_time_away():
    found = detect(
        timeline(("scheduling", 300), ("communication", 60), ("meetings", 240), ("scheduling", 60))
    )
    assert [i.away_s for i in found.interruptions] == [300]


def test_direct_switches_between_functions_are_task_switches():
    found = detect(timeline(("payroll", 300), ("reporting", 300), ("payroll", 300)))
    assert len(found.task_switches) == 2
    assert found.interruptions == []


def test_a_gap_in_the_record_breaks_the_thread():
    spans = timeline(("payroll", 600))
    later = T0 + timedelta(hours=1)
    spans += [
        Span(later, later + timedelta(seconds=60), "communication"),
        Span(later + timedelta(seconds=60), later + timedelta(seconds=600), "payroll"),
    ]
    assert detect(spans).interruptions == []


def test_idle_time_is_not_focus():
    spans = timeline(("payroll", 600), state="idle") + [
        Span(T0 + timedelta(seconds=600), T0 + timedelta(seconds=660), "communication"),
        Span(T0 + timedelta(seconds=660), T0 + timedelta(seconds=900), "payroll"),
    ]
    assert detect(spans).interruptions == []


def test_per_day_counts_by_local_start_day():
    found = detect(
        timeline(("payroll", 600), ("communication", 60), ("payroll", 600), ("reporting", 60))
    )
    days = per_day(found)
    assert list(days) == [T0.date()]
    assert days[T0.date()].count == 1
    assert days[T0.date()].away_s == 60
    assert days[T0.date()].task_switches == 1
