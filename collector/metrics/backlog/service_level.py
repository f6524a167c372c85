"""SLA compliance and cycle time over a period (docs/design.md §4)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from statistics import median

from collector.metrics.backlog.calendar import SECONDS_PER_HOUR
from collector.metrics.backlog.flow import Item


def completed_in(items: Iterable[Item], start: float, end: float) -> list[Item]:
    return [i for i in items if i.completed_at is not None and start <= i.completed_at < end]


def sla_compliance(items: Iterable[Item], start: float, end: float) -> float | None:
    """Items completed in [start, end) by their due time / items completed then."""
    done = completed_in(items, start, end)
    if not done:
        return None
    return sum(1 for i in done if i.completed_at is not None and i.completed_at <= i.due_at) / len(
        done
    )


def nearest_rank(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share`
    of the values at or below it (so p90 of ten values is the ninth)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def cycle_times(
    items: Iterable[Item], start: float, end: float
) -> tuple[float | None, float | None]:
    """(median, 90th percentile) of completed_at - received_at, in hours, of
    the items completed in [start, end)."""
    hours = [
        (i.completed_at - i.received_at) / SECONDS_PER_HOUR
        for i in completed_in(items, start, end)
        if i.completed_at is not None
    ]
    if not hours:
        return None, None
    return median(hours), nearest_rank(hours, 0.9)


def first_time_quality(items: Iterable[Item], start: float, end: float) -> float | None:
    """Items that passed quality first time / items whose quality was given,
    among those completed in [start, end)."""
    given = [
        i.quality_passed for i in completed_in(items, start, end) if i.quality_passed is not None
    ]
    if not given:
        return None
    return sum(1 for q in given if q) / len(given)
