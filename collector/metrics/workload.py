"""Workload balance across people (DESIGN §4)."""

from __future__ import annotations

from collections.abc import Mapping
from statistics import median, quantiles
from typing import Any

OVERLOAD = 1.10
UNUSED = 0.85


def workload(
    hours_by_person: Mapping[str, float], *, weeks: float, weekly_hours: float
) -> dict[str, Any]:
    """Weekly hours per person against the contracted week and the median.

    Overload is above 110% of the contracted week, unused capacity below 85%.
    """
    weekly = {p: h / weeks for p, h in hours_by_person.items()} if weeks > 0 else {}
    if not weekly:
        return {
            "median_weekly_hours": None,
            "people": [],
            "overloaded": 0,
            "unused_capacity": 0,
            "balanced": 0,
            "distribution": None,
        }
    mid = median(weekly.values())
    people = []
    for person, w in sorted(weekly.items(), key=lambda kv: -kv[1]):
        if w > weekly_hours * OVERLOAD:
            status = "overload"
        elif w < weekly_hours * UNUSED:
            status = "unused_capacity"
        else:
            status = "balanced"
        people.append(
            {
                "person": person,
                "hours": hours_by_person[person],
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
        "distribution": {
            "min": values[0],
            "p25": q[0],
            "median": mid,
            "p75": q[2],
            "max": values[-1],
        },
    }
