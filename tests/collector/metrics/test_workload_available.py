"""Workload against available hours, net of shrinkage (docs/design.md §4), by hand."""

from datetime import date

import pytest

from collector.metrics import workload
from collector.metrics.workload import available_workdays

MON, FRI, SUN = date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 8)


def one(hours, days, shrinkage=0.20):
    result = workload(
        {"a": hours}, weeks=1, weekly_hours=40, shrinkage=shrinkage, available_days={"a": days}
    )
    return result["people"][0]


def test_32_tracked_of_32_available_hours_is_balanced():
    p = one(32, 5)
    assert p["available_hours"] == pytest.approx(32)  # 40 x (1 - 0.20)
    assert p["share_of_available"] == pytest.approx(1.0)
    assert p["status"] == "balanced"


def test_the_same_32_hours_against_the_whole_week_would_have_read_unused():
    assert one(32, 5, shrinkage=0.0)["status"] == "unused_capacity"  # 80% of 40


def test_an_absent_day_is_not_available():
    p = one(32, 4)  # one day away: 25.6 h available
    assert p["available_hours"] == pytest.approx(25.6)
    assert p["status"] == "overload"


def test_a_person_with_no_available_day_is_not_rated():
    assert one(3, 0)["status"] == "not_rated"


def test_available_workdays_skip_weekends_holidays_absences_and_days_before_the_start():
    assert available_workdays(MON, SUN, MON, set(), set()) == 5
    assert available_workdays(MON, SUN, MON, {date(2026, 11, 3)}, {FRI}) == 3
    assert available_workdays(MON, SUN, date(2026, 11, 5), set(), set()) == 2  # joined Thursday
    assert available_workdays(MON, SUN, None, set(), set()) == 0


def test_whole_weeks_are_the_mondays_of_weeks_inside_the_range():
    from collector.metrics.workload import whole_weeks

    # Wednesday 4 Nov to Tuesday 24 Nov 2026: the weeks of 9 and 16 Nov only.
    assert whole_weeks(date(2026, 11, 4), date(2026, 11, 24)) == [
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    assert whole_weeks(MON, SUN) == [MON]
    assert whole_weeks(MON, date(2026, 11, 7)) == []


def test_a_first_week_and_the_week_a_person_stopped_are_not_counted():
    from collector.metrics.workload import counted_weeks

    weeks = [date(2026, 11, 2) + n * (date(2026, 11, 9) - date(2026, 11, 2)) for n in range(4)]
    full = dict.fromkeys(weeks, 35.0)
    # There before the range: every whole week counts.
    assert counted_weeks(weeks, date(2026, 10, 1), full) == weeks
    # Joined on Monday of the second week: that week was whole.
    assert counted_weeks(weeks, weeks[1], full) == weeks[1:]
    # Joined on a Wednesday: their first week is partial.
    assert counted_weeks(weeks, weeks[1] + (FRI - MON) / 2, full) == weeks[2:]
    # Stopped in the third week: that week and the empty one after it are out.
    left = {weeks[0]: 35.0, weeks[1]: 35.0, weeks[2]: 10.0}
    assert counted_weeks(weeks, date(2026, 10, 1), left) == weeks[:2]


def test_weekly_hours_over_whole_weeks_leave_a_newcomer_out_of_the_distribution():
    result = workload(
        {"old": 140.0, "new": 0.3},
        weeks=4,
        weekly_hours=40,
        shrinkage=0.2,
        available_days={"old": 20, "new": 0},
        weekly_by_person={"old": 35.0, "new": None},
    )
    assert result["distribution"]["min"] == pytest.approx(35.0)
    assert result["distribution_people"] == 1
    new = next(p for p in result["people"] if p["person"] == "new")
    assert new["status"] == "not_rated" and new["weekly_hours"] is None
