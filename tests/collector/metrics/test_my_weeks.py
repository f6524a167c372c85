"""The employee's own focus and hours per unit, worked by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from collector.metrics.interruptions import Span
from collector.metrics.my_weeks import longest_focus, per_function, spans_from_rows

TZ = timezone(timedelta(hours=1))


def run(day: int, hour: int, minutes: float, category: str) -> Span:
    start = datetime(2026, 11, day, hour, tzinfo=TZ)
    return Span(start, start + timedelta(minutes=minutes), category)


def test_the_longest_focus_session():
    spans = [
        run(23, 9, 40, "payroll"),
        Span(
            datetime(2026, 11, 23, 9, 40, tzinfo=TZ),
            datetime(2026, 11, 23, 10, 30, tzinfo=TZ),
            "payroll",
        ),  # adjoins: one session of 90 min
        run(23, 11, 20, "communication"),  # 20 min away: the session ended at 10:30
        run(25, 14, 50, "scheduling"),  # a session of 50 min
        run(25, 15, 10, "timesheet_review"),  # 10 min: too short for a session
    ]
    assert longest_focus(spans) == {
        "minutes": 90.0,
        "function": "payroll",
        "day": date(2026, 11, 23),
    }
    assert longest_focus(spans[3:]) == {
        "minutes": 50.0,
        "function": "scheduling",
        "day": date(2026, 11, 25),
    }


def test_a_short_look_elsewhere_stays_inside_and_idle_is_not_focus():
    a = run(23, 9, 30, "payroll")
    chat = Span(a.end, a.end + timedelta(minutes=3), "communication")
    b = Span(chat.end, chat.end + timedelta(minutes=27), "payroll")
    idle = Span(b.end, b.end + timedelta(hours=2), "payroll", state="idle")
    assert longest_focus([a, chat, b, idle])["minutes"] == 60.0  # 57 of 60 min on payroll


def test_no_session_means_no_longest():
    assert longest_focus([run(23, 9, 14, "payroll"), run(23, 10, 30, "communication")]) is None


def test_hours_per_unit_needs_units_that_name_the_person():
    rows = per_function(
        {"payroll": 2.0, "scheduling": 1.0, "communication": 3.0},
        {"payroll": 4, "qa_evaluation": 5},
    )
    assert rows == [
        {"function": "payroll", "hours": 2.0, "units": 4, "hours_per_unit": 0.5},
        {"function": "scheduling", "hours": 1.0, "units": 0, "hours_per_unit": None},
        {"function": "qa_evaluation", "hours": 0.0, "units": 5, "hours_per_unit": 0.0},
    ]


def test_stored_rows_become_local_time():
    start = datetime(2026, 11, 23, 23, 30, tzinfo=TZ)  # 22:30 UTC
    [s] = spans_from_rows([(start.timestamp(), start.timestamp() + 600, 60, "payroll")])
    assert s.start == start and s.start.utcoffset() == timedelta(hours=1)
    assert s.start.date() == date(2026, 11, 23)
