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
) -> dict[str, Any]:
    """Tracked hours per person against available hours, and against the median.

    `available_days`: per person, working days in the period they could work
    (from their first tracked day, not holidays, not absences); without it,
    every person is taken as available on five days a week. A person with no
    available day is `not_rated`. Overload is above 110% of available hours,
    unused capacity below 85%.
    """
    weekly = {p: h / weeks for p, h in hours_by_person.items()} if weeks > 0 else {}
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
        }
    per_day = weekly_hours * (1 - shrinkage) / WORKDAYS_PER_WEEK
    mid = median(weekly.values())
    people = []
    for person, w in sorted(weekly.items(), key=lambda kv: -kv[1]):
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
                "vs_median": w / mid if mid else None,
                "status": status,
            }
        )
    values = sorted(weekly.values())
    q = quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return {
        "median_weekly_hours": mid,
        "people": people,
        "overloaded": sum(p["status"] == "overload" for p in people),
        "unused_capacity": sum(p["status"] == "unused_capacity" for p in people),
        "balanced": sum(p["status"] == "balanced" for p in people),
        "not_rated": sum(p["status"] == "not_rated" for p in people),
        "available_hours": sum(p["available_hours"] for p in people),
        "tracked_hours": sum(p["tracked_hours"] for p in people),
        "distribution": {
            "min": values[0],
            "p25": q[0],
            "median": mid,
            "p75": q[2],
            "max": values[-1],
        },
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
    d = max(start, first_tracked)
    n = 0
    while d <= end:
        if d.weekday() < WORKDAYS_PER_WEEK and d not in holidays and d not in absent:
            n += 1
        d += timedelta(days=1)
    return n
