"""Deferred-work metrics (collector/metrics/backlog/), worked by hand on small
cases: due times across a weekend and a holiday, conservation day by day,
aging, breaches and health, SLA and cycle time, required completions, handle
time, IPH, FTE and the projection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from collector.metrics.backlog.calendar import BusinessCalendar
from collector.metrics.backlog.flow import Item, aging, breached, daily_flow, health_index
from collector.metrics.backlog.projection import demands, forecast_arrivals, project
from collector.metrics.backlog.required import (
    Demand,
    due_index,
    no_breach_rate,
    required_completions,
)
from collector.metrics.backlog.service_level import (
    cycle_times,
    first_time_quality,
    nearest_rank,
    sla_compliance,
)
from collector.metrics.backlog.staffing import (
    fte_put_in,
    fte_required,
    handle_hours,
    items_per_hour,
    quality_adjusted,
)

CHRISTMAS = date(2026, 12, 25)  # a Friday
UTC_CAL = BusinessCalendar("UTC", frozenset({CHRISTMAS}))


def ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat()


# -- due times -----------------------------------------------------------------


def test_five_business_days_from_a_monday_end_on_friday():
    due = UTC_CAL.due_time(ts("2026-11-23T09:00:00+00:00"), sla_business_days=5)
    assert iso(due) == "2026-11-28T00:00:00+00:00"  # the end of Friday 27th


def test_business_days_skip_the_weekend_and_the_holiday():
    # Wed 23 is day 1, Thu 24 day 2; Fri 25 (holiday), Sat and Sun are skipped:
    # day 3 is Monday 28th, due at its end.
    due = UTC_CAL.due_time(ts("2026-12-23T16:45:00+00:00"), sla_business_days=3)
    assert iso(due) == "2026-12-29T00:00:00+00:00"
    # Received on the holiday itself: day 1 is Monday.
    assert iso(UTC_CAL.due_time(ts("2026-12-25T10:00:00+00:00"), 1)) == (
        "2026-12-29T00:00:00+00:00"
    )


def test_a_saturday_item_counts_from_monday():
    due = UTC_CAL.due_time(ts("2026-11-28T11:00:00+00:00"), sla_business_days=2)
    assert iso(due) == "2026-12-02T00:00:00+00:00"  # Mon day 1, Tue day 2


def test_sla_hours_are_wall_clock_hours():
    due = UTC_CAL.due_time(ts("2026-11-27T22:00:00+00:00"), sla_hours=4)
    assert iso(due) == "2026-11-28T02:00:00+00:00"


def test_days_end_at_midnight_in_the_organisations_zone():
    berlin = BusinessCalendar("Europe/Berlin")
    # 23:30 UTC on Wed 23 is 00:30 on Thu 24 in Berlin: day 1 is Thursday,
    # which ends at midnight Berlin time, 23:00 UTC.
    due = berlin.due_time(ts("2026-12-23T23:30:00+00:00"), sla_business_days=1)
    assert iso(due) == "2026-12-24T23:00:00+00:00"


def test_an_sla_needs_hours_or_at_least_one_business_day():
    with pytest.raises(ValueError):
        UTC_CAL.due_time(0.0, sla_business_days=0)


# -- the backlog day by day ----------------------------------------------------

MON, TUE, WED = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


def item(received: str, completed: str | None = None, days: int = 2, quality=None) -> Item:
    r = ts(received)
    return Item(
        r,
        ts(completed) if completed else None,
        UTC_CAL.due_time(r, sla_business_days=days),
        quality,
    )


ITEMS = [
    item("2026-11-20T10:00:00+00:00"),  # Fri, open all along; due end of Mon
    item("2026-11-23T09:00:00+00:00", "2026-11-23T15:00:00+00:00"),  # Mon in and out
    item("2026-11-23T11:00:00+00:00", "2026-11-25T10:00:00+00:00"),  # Mon, done Wed (late)
    item("2026-11-24T08:00:00+00:00"),  # Tue, due end of Wed
    item("2026-11-25T23:59:00+00:00", "2026-11-26T08:00:00+00:00"),  # Wed late, done Thu
]


def test_arrivals_completions_and_backlog_keep_conservation():
    flow = daily_flow(ITEMS, [MON, TUE, WED], UTC_CAL)
    # Backlog at the end of Sunday: the Friday item only.
    assert [(f.arrivals, f.completions, f.backlog) for f in flow] == [
        (2, 1, 2),  # 1 + 2 - 1
        (1, 0, 3),  # 2 + 1 - 0
        (1, 1, 3),  # 3 + 1 - 1
    ]
    previous = 1
    for f in flow:
        assert f.backlog == previous + f.arrivals - f.completions
        previous = f.backlog


def test_aging_breaches_and_health_at_the_end_of_wednesday():
    end = UTC_CAL.day_end(WED)
    # Open: Fri item (age 5, due Mon: breached), Tue item (age 1, due end of
    # Wed = now: breached), Wed 23:59 item (age 0, due Thu).
    assert aging(ITEMS, WED, UTC_CAL) == [
        {"age_days": 0, "count": 1, "breached": 0},
        {"age_days": 1, "count": 1, "breached": 1},
        {"age_days": 5, "count": 1, "breached": 1},
    ]
    assert breached(ITEMS, end) == 2
    assert health_index(ITEMS, end) == pytest.approx(1 / 3)
    assert health_index([], end) is None


# -- SLA and cycle time --------------------------------------------------------


def test_sla_compliance_and_cycle_times_over_a_window():
    start, end = UTC_CAL.day_start(MON), UTC_CAL.day_end(date(2026, 11, 26))
    # Completed in the window: Mon item in 6 h (on time), Mon item in 47 h (due
    # end of Tue: late), Wed item in 8 h 1 min (on time).
    assert sla_compliance(ITEMS, start, end) == pytest.approx(2 / 3)
    med, p90 = cycle_times(ITEMS, start, end)
    assert med == pytest.approx(8 + 1 / 60)
    assert p90 == pytest.approx(47.0)
    assert sla_compliance(ITEMS, 0.0, 1.0) is None
    assert cycle_times(ITEMS, 0.0, 1.0) == (None, None)


def test_nearest_rank_p90_of_ten_values_is_the_ninth():
    assert nearest_rank(list(range(10, 0, -1)), 0.9) == 9
    assert nearest_rank([4.0], 0.9) == 4.0


def test_first_time_quality_counts_only_items_with_quality_given():
    items = [
        item("2026-11-23T09:00:00+00:00", "2026-11-23T10:00:00+00:00", quality=True),
        item("2026-11-23T09:00:00+00:00", "2026-11-23T10:00:00+00:00", quality=False),
        item("2026-11-23T09:00:00+00:00", "2026-11-23T10:00:00+00:00", quality=True),
        item("2026-11-23T09:00:00+00:00", "2026-11-23T10:00:00+00:00"),
    ]
    assert first_time_quality(items, 0.0, ts("2027-01-01T00:00:00+00:00")) == pytest.approx(2 / 3)


# -- required completions ------------------------------------------------------


def test_required_completions_is_arrivals_plus_open_items_due_today():
    # Wednesday: 1 arrival; open at its start: Fri item (due Mon, overdue: due
    # by the end of Wed too), Mon 11:00 item (due end of Tue: overdue), Tue item
    # (due end of Wed). So 1 + 3.
    assert required_completions(ITEMS, WED, UTC_CAL) == 4
    # Monday: 2 arrivals + the Friday item due at the end of Monday.
    assert required_completions(ITEMS, MON, UTC_CAL) == 3


def test_the_no_breach_rate_takes_deadlines_in_order():
    # 3 days. Due day 1: 1 item; due day 2: 3 items; due day 3: 1 item.
    # Windows from day 1: [1,1] 1/1, [1,2] 4/2, [1,3] 5/3 -> 2 a day.
    work = [Demand(1, 1, 1), Demand(1, 2, 3), Demand(1, 3, 1)]
    assert no_breach_rate(work, 3) == pytest.approx(2.0)
    # Four arrive on day 3, due that day: the window [3,3] needs 4.
    assert no_breach_rate([*work, Demand(3, 3, 4)], 3) == pytest.approx(4.0)
    # Beyond the horizon constrains nothing; overdue counts as day 1.
    assert no_breach_rate([Demand(1, 4, 9), Demand(1, 0, 2)], 3) == pytest.approx(2.0)
    assert no_breach_rate([], 3) == 0.0


def test_the_projection_breaches_nothing_at_the_no_breach_rate_and_something_below():
    work = [Demand(1, 1, 1), Demand(1, 2, 3), Demand(1, 3, 1), Demand(2, 3, 1)]
    days = [MON, TUE, WED]
    rate = no_breach_rate(work, 3)
    assert rate == pytest.approx(2.0)  # [1,3]: 6/3, [1,2]: 4/2
    at_rate = project(work, days, rate)
    # Day 1: 5 waiting, 2 done; day 2: +1, 2 done; day 3: the last 2.
    assert [p["backlog"] for p in at_rate] == pytest.approx([3.0, 2.0, 0.0])
    assert not any(p["breach"] for p in at_rate)
    below = project(work, days, 1.5)
    # Day 1: 5 waiting, 1.5 done (the day-1 item and 0.5 of day 2's): 3.5 left.
    # Day 2: +1 (due day 3): 4.5, 1.5 done from day-2 items: 1.0 of day 2's
    # still open at its end: a breach.
    assert [p["backlog"] for p in below] == pytest.approx([3.5, 3.0, 1.5])
    assert [p["breaches"] for p in below] == pytest.approx([0.0, 1.0, 1.5])
    assert [p["breach"] for p in below] == [False, True, True]


def test_due_index_maps_deadlines_onto_business_days_of_the_horizon():
    horizon = UTC_CAL.business_days_after(date(2026, 12, 23), 3)  # Thu 24, Mon 28, Tue 29
    assert horizon == [date(2026, 12, 24), date(2026, 12, 28), date(2026, 12, 29)]
    assert due_index(ts("2026-12-24T15:00:00+00:00"), horizon, UTC_CAL) == 1
    assert due_index(ts("2026-12-26T10:00:00+00:00"), horizon, UTC_CAL) == 1  # Sat: Thu's
    assert due_index(ts("2026-12-29T00:00:00+00:00"), horizon, UTC_CAL) == 2  # end of Mon
    assert due_index(ts("2026-12-23T12:00:00+00:00"), horizon, UTC_CAL) == 0  # overdue
    assert due_index(ts("2026-12-30T00:00:01+00:00"), horizon, UTC_CAL) == 4  # beyond


def test_forecast_is_the_mean_of_the_same_weekday_over_four_weeks():
    as_of = date(2026, 11, 25)  # a Wednesday
    mondays = {date(2026, 11, 23) - timedelta(weeks=w): n for w, n in enumerate([8, 4, 6, 2, 99])}
    # Next Monday: the Mondays of Nov 23, 16, 9 and 2 (not Oct 26).
    assert forecast_arrivals(mondays, date(2026, 11, 30), as_of) == pytest.approx(5.0)
    # Thursday: the latest Thursday on or before Wednesday is Nov 19: none stored.
    assert forecast_arrivals(mondays, date(2026, 11, 26), as_of) == 0.0


def test_demands_put_forecast_arrivals_due_by_their_sla():
    horizon = [MON, TUE, WED]
    open_now = [item("2026-11-20T10:00:00+00:00")]  # due end of Monday
    work = demands(
        open_now,
        horizon,
        [2.0, 1.0, 0.5],
        lambda received: UTC_CAL.due_time(received, sla_business_days=2),
        UTC_CAL,
    )
    assert work == [
        Demand(1, 1, 1.0),
        Demand(1, 2, 2.0),
        Demand(2, 3, 1.0),
        Demand(3, 4, 0.5),  # due Thursday: beyond the horizon
    ]


# -- handle time, IPH, FTE -----------------------------------------------------


def test_handle_time_uses_the_tray_with_twenty_timed_items_else_desktop_time():
    assert handle_hours([1800.0] * 19, 30.0, 60) == (0.5, "desktop")
    timed = [900.0] * 10 + [1800.0] * 10  # median 1350 s
    assert handle_hours(timed, 30.0, 60) == (pytest.approx(0.375), "timed")
    assert handle_hours([], 0.0, 60) == (None, None)
    assert handle_hours([], 30.0, 0) == (None, None)


def test_iph_quality_adjusted_and_fte():
    assert items_per_hour(60, 30.0) == 2.0
    assert items_per_hour(60, 0.0) is None
    assert quality_adjusted(2.0, 0.9) == pytest.approx(1.8)
    assert quality_adjusted(2.0, None) is None
    # 48 completions x 0.5 h / (8 h x 0.75) = 24 / 6 = 4 FTE.
    assert fte_required(48, 0.5, 8.0, 0.75) == pytest.approx(4.0)
    assert fte_required(48, None, 8.0, 0.75) is None
    # 480 desktop hours over 20 business days of 8 h: 3 FTE put in.
    assert fte_put_in(480.0, 8.0, 20) == pytest.approx(3.0)
    assert fte_put_in(480.0, 8.0, 0) is None


def test_business_days_between_counts_both_ends_less_holidays():
    assert UTC_CAL.business_days_between(date(2026, 12, 21), date(2026, 12, 27)) == 4
    assert UTC_CAL.business_days_between(date(2026, 12, 21), date(2026, 12, 20)) == 0
