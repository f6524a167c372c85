"""Handle time, items per hour and the FTE they imply (docs/design.md §4).

Handle time comes from the tray's timer when enough items were timed (a
measured median is better than an average of desktop time), else from the
desktop time the team spent on the type's function; the report says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

from collector.metrics.backlog.calendar import SECONDS_PER_HOUR

#: Timed items in the window before the tray's median is trusted.
MIN_TIMED = 20


def handle_hours(
    timed_seconds: Sequence[float], function_hours: float, completed: int
) -> tuple[float | None, str | None]:
    """(hours per item, source): "timed" (median of the tray's net times) with
    at least MIN_TIMED timed items, else "desktop" (the function's active
    hours / items completed), else (None, None)."""
    if len(timed_seconds) >= MIN_TIMED:
        return median(timed_seconds) / SECONDS_PER_HOUR, "timed"
    if completed > 0 and function_hours > 0:
        return function_hours / completed, "desktop"
    return None, None


def items_per_hour(completed: int, function_hours: float) -> float | None:
    return completed / function_hours if function_hours > 0 else None


def quality_adjusted(iph: float | None, first_time_quality: float | None) -> float | None:
    """IPH x first-time quality rate; None when either is unknown."""
    if iph is None or first_time_quality is None:
        return None
    return iph * first_time_quality


def fte_required(
    completions: float, handle: float | None, day_hours: float, utilisation: float
) -> float | None:
    """Completions a day x handle hours / (day_hours x utilisation)."""
    if handle is None:
        return None
    return completions * handle / (day_hours * utilisation)


def fte_put_in(function_hours: float, day_hours: float, business_days: int) -> float | None:
    """Desktop hours on the function / (day_hours x business days of the window)."""
    if business_days <= 0:
        return None
    return function_hours / (day_hours * business_days)
