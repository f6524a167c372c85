"""Workload balance across people, against the hours they were available (docs/design.md §4).

Seed 003 plans with shrinkage (breaks, meetings away from the desk,
training) and seed 004 asks that nobody be marked idle for time they were
never meant to be at their desk, so a person is compared with
`weekly_hours x (1 - shrinkage)` per five working days they were there,
not with the whole contracted week.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from statistics import median, quantiles
from typing import Any

OVERLOAD = 1.10
UNUSED = 0.85
WORKDAYS_PER_WEEK = 5


def workload(
    hours_by_person: Mapping[str, float],
    *,
    weeks: float,
    weekly_hours: float,
    shrinkage: float = 0.0,
    available_days: Mapping[str, int] | None = None,
    weekly_by_person: Mapping[str, float | None] | None = None,
) -> dict[str, Any]:
    """Tracked hours per person against available hours, and against the median.

    `available_days`: per person, working days in the period they could work
    (from their first tracked day, not holidays, not absences); without it,
    every person is taken as available on five days a week. A person with no
    available day is `not_rated`. Overload is above 110% of available hours,
    unused capacity below 85%.

    `weekly_by_person`: each person's hours a week over their whole weeks only
    (None: no whole week), so a first or last week cut short does not show as
    a "lowest week" of a few hours; without it, hours / `weeks`. A person with
    no whole week keeps their status but stays out of the median and the
    distribution.
    """
    if weeks <= 0 or not hours_by_person:
        weekly: dict[str, float | None] = {}
    elif weekly_by_person is not None:
        weekly = {p: weekly_by_person.get(p) for p in hours_by_person}
    else:
        weekly = {p: h / weeks for p, h in hours_by_person.items()}
    if not weekly:
        return {
            "median_weekly_hours": None,
            "people": [],
            "overloaded": 0,
            "unused_capacity": 0,
            "balanced": 0,
            "not_rated": 0,
            "available_hours": 0.0,
            "tracked_hours": 0.0,
            "distribution": None,
            "distribution_people": 0,
        }
    per_day = weekly_hours * (1 - shrinkage) / WORKDAYS_PER_WEEK
    values = sorted(w for w in weekly.values() if w is not None)
    mid = median(values) if values else None
    people = []
    for person, w in sorted(weekly.items(), key=lambda kv: -(kv[1] if kv[1] is not None else -1)):
        tracked = hours_by_person[person]
        days = (
            available_days.get(person, 0)
            if available_days is not None
            else round(weeks * WORKDAYS_PER_WEEK)
        )
        available = days * per_day
        ratio = tracked / available if available > 0 else None
        if ratio is None:
            status = "not_rated"
        elif ratio > OVERLOAD:
            status = "overload"
        elif ratio < UNUSED:
            status = "unused_capacity"
        else:
            status = "balanced"
        people.append(
            {
                "person": person,
                "hours": tracked,
                "tracked_hours": tracked,
                "available_days": days,
                "available_hours": available,
                "share_of_available": ratio,
                "weekly_hours": w,
                "vs_median": w / mid if mid and w is not None else None,
                "status": status,
            }
        )
    if not values:
        distribution = None
    else:
        q = quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
        distribution = {
            "min": values[0],
            "p25": q[0],
            "median": mid,
            "p75": q[2],
            "max": values[-1],
        }
    return {
        "median_weekly_hours": mid,
        "people": people,
        "overloaded": sum(p["status"] == "overload" for p in people),
        "unused_capacity": sum(p["status"] == "unused_capacity" for p in people),
        "balanced": sum(p["status"] == "balanced" for p in people),
        "not_rated": sum(p["status"] == "not_rated" for p in people),
        "available_hours": sum(p["available_hours"] for p in people),
        "tracked_hours": sum(p["tracked_hours"] for p in people),
        "distribution": distribution,
        "distribution_people": len(values),
    }


def available_workdays(
    start: date,
    end: date,
    first_tracked: date | None,
    holidays: Collection[date],
    absent: Collection[date],
) -> int:
    """Monday-to-Friday days in [max(start, first_tracked), end] that are
    neither organisation holidays nor the person's recorded absences."""
    if first_tracked is None:
        return 0
    first = max(start, first_tracked)
    if first > end:
        return 0
    whole, rest = divmod((end - first).days + 1, 7)
    weekdays = whole * WORKDAYS_PER_WEEK + sum(
        (first.weekday() + i) % 7 < WORKDAYS_PER_WEEK for i in range(rest)
    )
    # Counted, not walked: a year for 1,000 people was 0.35 s of a report.
    off = {
        d
        for days in (holidays, absent)
        for d in days
        if first <= d <= end and d.weekday() < WORKDAYS_PER_WEEK
    }
    return weekdays - len(off)


def whole_weeks(start: date, end: date) -> list[date]:
    """Mondays of the Monday-to-Sunday weeks lying wholly inside [start, end]."""
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    weeks = []
    while monday + timedelta(days=6) <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def counted_weeks(
    weeks: list[date], first_tracked: date | None, hours_by_week: Mapping[date, float]
) -> list[date]:
    """The whole weeks a person's weekly hours may use.

    Their first tracked week counts only when they were tracked by its
    Monday (they were there the whole week). A person whose tracked
    time stops before the range's last whole week left or paused: that last
    week was cut short, and the empty weeks after it are not weeks of work.
    """
    if first_tracked is None or not weeks:
        return []
    mine = [w for w in weeks if w >= first_tracked]
    worked = [w for w in mine if hours_by_week.get(w, 0.0) > 0]
    if worked and worked[-1] < weeks[-1]:
        mine = [w for w in mine if w < worked[-1]]
    return mine
