"""Focus sessions worked by hand: 15 minutes, 75% on one function, ending
after more than 4 minutes away from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.focus import focus_seconds, focus_sessions

T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def span(a: float, b: float, category: str) -> tuple[datetime, datetime, str]:
    return (T0 + timedelta(minutes=a), T0 + timedelta(minutes=b), category)


def minutes(sessions) -> list[tuple[str, float, float, float]]:
    return [
        (
            s.function,
            (s.start - T0).total_seconds() / 60,
            (s.end - T0).total_seconds() / 60,
            round(s.on_function_s / 60, 2),
        )
        for s in sessions
    ]


def test_twenty_minutes_with_a_three_minute_chat_is_one_session():
    found = focus_sessions(
        [span(0, 10, "payroll"), span(10, 13, "communication"), span(13, 23, "payroll")]
    )
    assert minutes(found) == [("payroll", 0, 23, 20.0)]  # 20 of 23 min = 87%


def test_more_than_four_minutes_away_ends_the_session_at_the_last_moment_on_it():
    found = focus_sessions(
        [span(0, 16, "payroll"), span(16, 21, "communication"), span(21, 40, "payroll")]
    )
    assert minutes(found) == [("payroll", 0, 16, 16.0), ("payroll", 21, 40, 19.0)]


def test_a_gap_in_recording_or_idle_time_is_time_away():
    found = focus_sessions([span(0, 10, "payroll"), span(15, 30, "payroll")])
    assert minutes(found) == [("payroll", 15, 30, 15.0)]  # 0-10 is too short alone


def test_under_fifteen_minutes_or_under_75_percent_is_no_session():
    assert focus_sessions([span(0, 14.9, "payroll")]) == []
    # 12 min of payroll in 16.5: 73% < 75%
    spans = [
        span(0, 4, "payroll"),
        span(4, 6, "communication"),
        span(6, 10, "payroll"),
        span(10, 12.5, "meetings"),
        span(12.5, 16.5, "payroll"),
    ]
    assert focus_sessions(spans) == []
    # the same with 2 min less away: 12 of 14.5 is 83%, but under 15 min
    assert focus_sessions(spans[:3]) == []


def test_a_long_stretch_on_another_function_ends_one_session_and_starts_its_own():
    found = focus_sessions(
        [span(0, 20, "payroll"), span(20, 22, "scheduling"), span(22, 45, "scheduling")]
    )
    assert minutes(found) == [("payroll", 0, 20, 20.0), ("scheduling", 20, 45, 25.0)]
    assert focus_seconds(found) == 45 * 60


def test_non_work_never_opens_a_session():
    assert focus_sessions([span(0, 60, "communication"), span(60, 120, "uncategorized")]) == []
