"""The spike calendar's rule (collector/metrics/spikes.py), on figures worked by hand."""

from __future__ import annotations

from datetime import date, timedelta

from collector.metrics import spikes as sp


def weekdays(first: date, last: date) -> list[date]:
    out, d = [], first
    while d <= last:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def test_baseline_is_the_median_of_at_least_four_weeks():
    # [2, 2, 3, 10] sorted: the middle two are 2 and 3 -> 2.5; the mean would be 4.25.
    assert sp.weekday_baseline([2, 10, 3, 2]) == 2.5
    assert sp.weekday_baseline([2, 2, 2]) is None


def test_spike_needs_the_ratio_and_an_hour_more():
    assert sp.is_spike(3.0, 2.0)  # 1.5 x and +1.0 h
    assert not sp.is_spike(2.9, 2.0)  # 1.45 x
    assert sp.is_spike(1.5, 0.5)  # 3 x and +1.0 h
    assert not sp.is_spike(1.4, 0.5)  # 2.8 x but only +0.9 h
    assert sp.is_spike(1.0, 0.0)  # from nothing, an hour
    assert not sp.is_spike(0.5, 0.0)
    assert not sp.is_spike(9.0, None)  # no baseline, no verdict


def test_cells_compare_a_day_with_the_same_weekday_before():
    mondays = [date(2026, 1, 5) + timedelta(days=7 * k) for k in range(9)]
    hours = {d: 2.0 for d in mondays[:8]} | {mondays[8]: 5.0}
    cells = sp.cells(hours, mondays, [], mondays[0], mondays[8])
    assert [c.day for c in cells] == mondays  # untracked days get no cell
    assert [c.baseline for c in cells[:4]] == [None] * 4  # 0..3 weeks of history
    assert cells[4].baseline == 2.0
    last = cells[8]
    assert last.baseline == 2.0 and last.ratio == 2.5
    assert last.spike and last.level == "very_high"  # 2.5 x is at least 2 x
    # A tracked day without a row is zero hours, and a low day.
    cells = sp.cells({d: 3.0 for d in mondays[:8]}, mondays, [], mondays[8], mondays[8])
    assert cells[0].hours == 0.0 and cells[0].level == "low"


def test_hidden_days_show_nothing_and_leave_the_baseline():
    mondays = [date(2026, 1, 5) + timedelta(days=7 * k) for k in range(5)]
    hours = dict.fromkeys(mondays, 2.0)
    cells = sp.cells(hours, mondays, [mondays[1]], mondays[0], mondays[4])
    assert cells[1].hidden and cells[1].hours is None and cells[1].level == "hidden"
    # Four weeks back, one hidden: three weeks of history, no baseline yet.
    assert cells[4].baseline is None and cells[4].level == "no_baseline"


def test_month_end_named_when_it_recurs():
    days = weekdays(date(2026, 1, 5), date(2026, 6, 30))
    month_ends = {date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 31)}
    month_ends |= {date(2026, 4, 30), date(2026, 5, 29), date(2026, 6, 30)}
    hours = {d: 6.0 if d in month_ends else 2.0 for d in days}
    cells = sp.cells(hours, days, [], days[0], days[-1])
    # 27 Feb: Fridays before are 20, 13, 6 Feb, 30 Jan (6 h), 23, 16, 9 Jan -> median 2.
    feb = next(c for c in cells if c.day == date(2026, 2, 27))
    assert feb.baseline == 2.0 and feb.spike
    found = sp.recurring("reporting", cells, date(2026, 6, 30))
    assert [(r.pattern, r.label) for r in found] == [("month_end", "month end")]
    # January's month end has three Fridays of history: no baseline, not considered.
    assert found[0].months_considered == 5 and found[0].months_seen == 5
    assert sp.names_by_day(found)[date(2026, 3, 31)] == "month end"


def test_one_month_end_is_not_a_pattern():
    days = weekdays(date(2026, 1, 5), date(2026, 6, 30))
    hours = {d: 6.0 if d == date(2026, 4, 30) else 2.0 for d in days}
    cells = sp.cells(hours, days, [], days[0], days[-1])
    assert sp.recurring("reporting", cells, date(2026, 6, 30)) == []


def test_pay_run_days_on_the_pay_dates():
    days = weekdays(date(2026, 1, 5), date(2026, 4, 30))
    pay = [date(2026, 1, 9) + timedelta(days=14 * k) for k in range(8)]  # every other Friday
    hours = {d: 5.0 if d in pay else 1.0 for d in days}
    cells = sp.cells(hours, days, [], days[0], days[-1])
    # A pay Friday's eight Fridays before alternate 1, 5, 1, 5, ...: median 3.
    # 5 h against 3 is 1.67 x and 2 h more: a spike. The Fridays between: 1 h, low.
    mar20 = next(c for c in cells if c.day == date(2026, 3, 20))
    assert mar20.baseline == 3.0 and mar20.spike and mar20.level == "high"
    assert next(c for c in cells if c.day == date(2026, 3, 13)).level == "low"
    found = sp.recurring("payroll", cells, date(2026, 4, 30), pay)
    assert found[0].pattern == "pay_run" and found[0].label == "pay-run day"
    # Pay dates with a baseline: from 6 Feb (four Fridays back) on: 6, 20 Feb, 6, 20 Mar, 3,
    # 17 Apr -> 6 considered; 6 Feb has history [1, 5, 1, 5] -> median 3 -> spike too.
    assert (found[0].months_considered, found[0].months_seen) == (6, 6)


def test_a_run_of_onboarding_spikes_is_a_hiring_wave():
    days = weekdays(date(2026, 1, 5), date(2026, 3, 31))
    wave = weekdays(date(2026, 3, 12), date(2026, 3, 18))  # Thu..Wed across a weekend
    hours = {d: 4.0 if d in wave else 1.0 for d in days}
    cells = sp.cells(hours, days, [], days[0], days[-1])
    found = sp.recurring("onboarding", cells, date(2026, 3, 31))
    assert [(r.label, r.days) for r in found] == [("hiring wave", wave)]
    # The same run in reporting is not a window: windows are onboarding's and leave's.
    assert sp.recurring("reporting", cells, date(2026, 3, 31)) == []


def test_same_day_of_month():
    days = weekdays(date(2026, 1, 5), date(2026, 6, 30))
    fifteenths = {date(2026, m, 15) for m in range(1, 7)}  # Feb and Mar 15 are Sundays
    hours = {d: 4.0 if d in fifteenths else 1.0 for d in days}
    cells = sp.cells(hours, days, [], days[0], days[-1])
    found = sp.recurring("invoicing", cells, date(2026, 6, 30))
    assert [(r.pattern, r.label) for r in found] == [("day_of_month", "the 15th of the month")]
    # Jan 15 has two Thursdays of history; Feb and Mar 15 fall on a Sunday (no cell);
    # Apr 15, May 15 and Jun 15 are considered and seen.
    assert (found[0].months_considered, found[0].months_seen) == (3, 3)


def test_two_fifteenths_are_not_enough():
    days = weekdays(date(2026, 1, 5), date(2026, 5, 31))
    hours = {d: 4.0 if d in {date(2026, 4, 15), date(2026, 5, 15)} else 1.0 for d in days}
    cells = sp.cells(hours, days, [], days[0], days[-1])
    assert sp.recurring("invoicing", cells, date(2026, 5, 31)) == []


def test_the_review_names_the_recurring_spike_of_a_volume_spike():
    from collector.metrics.review import spike_reading

    seen = {"spike_days": 2, "recurring": ["month end"]}
    assert spike_reading({"cause": "volume_spike"}, seen) == seen
    assert spike_reading({"cause": "efficiency_decline"}, seen) is None
