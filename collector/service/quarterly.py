"""The quarterly review's figures, read from the store (metrics/quarterly.py defines them).

A quarter is named as `2026-Q3`; the default is the last full quarter. The
review says how many of a quarter's working days were tracked and compares
per tracked day when a quarter is under way or was not wholly tracked, so a
short quarter is not mistaken for a lighter one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from collector.metrics.quarterly import Quarter, quarterly_review
from collector.metrics.workload import available_workdays
from collector.service.capacity import workload_report
from collector.service.report_weeks import group_floor, hidden_group
from collector.service.reports import time_per_unit_report
from collector.store import Store

#: Any four-digit year: the API admits 1900-2199, and a trend reaches back before that.
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
#: Quarters in the trend, this one included (seed 001: "declining over time").
TREND_QUARTERS = 4


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def last_full_quarter(today: date | None = None) -> str:
    """The default: a review of a quarter still running compares part of one."""
    first, _ = quarter_bounds(quarter_of(today or date.today()))
    return quarter_of(first - timedelta(days=1))


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last day; the caller has checked the name against QUARTER."""
    match = QUARTER.match(quarter)
    if match is None:
        raise ValueError(f"not a quarter: {quarter!r}")
    year, n = int(match.group(1)), int(match.group(2))
    first = date(year, 3 * n - 2, 1)
    after = date(year + 1, 1, 1) if n == 4 else date(year, 3 * n + 1, 1)
    return first, after - timedelta(days=1)


def previous_quarter(quarter: str) -> str:
    first, _ = quarter_bounds(quarter)
    return quarter_of(first - timedelta(days=1))


def _measured(
    store: Store,
    team_ids: list[int] | None,
    quarter: str,
    first_day: date | None,
    floor: int,
) -> tuple[Quarter, str, str]:
    """The quarter's working hours and days, up to yesterday (a day under way
    is not a whole day of work), and the range that was read."""
    lo, hi = quarter_bounds(quarter)
    last = min(hi, date.today() - timedelta(days=1))
    end = max(last, lo)
    start_s, end_s = lo.isoformat(), end.isoformat()
    people = store.people_tracked(team_ids, start_s, end_s) if last >= lo else 0
    hours = store.hours_by_category(team_ids, start_s, end_s) if last >= lo else {}
    working = sum(h for category, h in hours.items() if category != "non_work")
    workdays = available_workdays(lo, last, lo, (), ()) if last >= lo else 0
    tracked = available_workdays(lo, last, first_day, (), ()) if last >= lo else 0
    hidden = 0 < people < floor
    under_way = lo <= date.today() <= hi
    return (
        Quarter(quarter, working, workdays, tracked, hidden=hidden, under_way=under_way),
        start_s,
        end_s,
    )


def quarterly_review_report(
    store: Store, team_ids: list[int] | None, team: str | None, quarter: str
) -> dict:
    """The review of `quarter` against the one before, with a four-quarter trend."""
    lo, hi = quarter_bounds(quarter)
    before = previous_quarter(quarter)
    trend_names = [quarter]
    while len(trend_names) < TREND_QUARTERS:
        trend_names.insert(0, previous_quarter(trend_names[0]))
    head = {"quarter": quarter, "previous_quarter": before, "team": team}
    people = store.people_tracked(team_ids, lo.isoformat(), hi.isoformat())
    hidden = hidden_group(store, people)
    if hidden:
        return {**head, **hidden}
    s = store.settings()
    size = int(s["operation.size"])
    trend_start = quarter_bounds(trend_names[0])[0].isoformat()
    ids = [r["person_id"] for r in store.hours_by_person(team_ids, trend_start, hi.isoformat())]
    first_day = min(store.first_tracked_days(ids).values(), default=None)
    floor = group_floor(store)
    measured = {q: _measured(store, team_ids, q, first_day, floor) for q in trend_names}
    now, now_start, now_end = measured[quarter]
    then, then_start, then_end = measured[before]

    def rows(q: Quarter, start: str, end: str) -> list[dict]:
        if q.hidden or q.workdays == 0:
            return []
        return time_per_unit_report(store, team_ids, team, start, end).get("functions", [])

    load = workload_report(store, team_ids, team, now_start, now_end)
    review = quarterly_review(
        now,
        then,
        [measured[q][0] for q in trend_names],
        size,
        rows(now, now_start, now_end),
        rows(then, then_start, then_end),
        overloaded=int(load.get("overloaded", 0)),
        people=int(load.get("people", 0)) if not load.get("suppressed") else 0,
    )
    return {
        **head,
        "from": now_start,
        "to": now_end,
        "operation_size": size,
        "people": people,
        **review,
    }
