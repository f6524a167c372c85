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
