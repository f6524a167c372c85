"""The ranges My week and My month ask the collector for, and their day rows."""

from __future__ import annotations

import os
from datetime import date

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from agent.tray.my_weeks import bars_by_day, period_range, period_title  # noqa: E402


def test_weeks_run_monday_to_sunday_and_step_back():
    assert period_range("week", date(2026, 12, 4)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert period_range("week", date(2026, 11, 30)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert period_range("week", date(2026, 12, 6), back=1) == (
        date(2026, 11, 23),
        date(2026, 11, 29),
    )


def test_months_step_back_across_a_year_and_february():
    assert period_range("month", date(2026, 12, 4)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_range("month", date(2027, 1, 15), back=1) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert period_range("month", date(2028, 3, 31), back=1) == (date(2028, 2, 1), date(2028, 2, 29))
    assert period_range("month", date(2026, 3, 1), back=14) == (date(2025, 1, 1), date(2025, 1, 31))
    with pytest.raises(ValueError):
        period_range("year", date(2026, 1, 1))


def test_titles():
    assert period_title("month", date(2026, 11, 1), date(2026, 11, 30)) == "November 2026"
    assert period_title("week", date(2026, 12, 28), date(2027, 1, 3)) == (
        "Mon 28 Dec 2026 – Sun 03 Jan 2027"
    )


def test_a_month_sums_its_days_into_weeks_from_their_monday_clipped_to_the_month():
    days = [
        {"day": "2026-11-01", "hours": 1.0},  # a Sunday: the week of 26 Oct, in November only
        {"day": "2026-11-02", "hours": 2.0},
        {"day": "2026-11-08", "hours": 0.5},
        {"day": "2026-11-30", "hours": 3.0},
    ]
    rows = bars_by_day("month", date(2026, 11, 1), date(2026, 11, 30), days)
    assert rows[:2] == [("Week of 26 Oct", 3600.0), ("Week of 02 Nov", 2.5 * 3600)]
    assert rows[-1] == ("Week of 30 Nov", 3 * 3600.0) and len(rows) == 6
    week = bars_by_day("week", date(2026, 11, 30), date(2026, 12, 6), days)
    assert len(week) == 7 and week[0] == ("Mon 30", 3 * 3600.0) and week[1] == ("Tue 01", 0.0)
