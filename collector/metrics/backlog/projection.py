"""The backlog over the horizon: arrivals forecast from the same weekday of
the last four weeks, completions at the team's measured rate, worked
earliest deadline first; a day is flagged when any item is past due on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from collector.metrics.backlog.calendar import BusinessCalendar
from collector.metrics.backlog.flow import Item
from collector.metrics.backlog.required import Demand, due_index

WEEKS = 4
#: Fluid amounts below this are nothing (float dust from the division of a rate).
EPSILON = 1e-9


def forecast_arrivals(arrivals_by_day: Mapping[date, int], day: date, as_of: date) -> float:
    """The mean arrivals of `day`'s weekday over the four latest such days up
    to `as_of` (a day with none counts as 0)."""
    latest = as_of - timedelta(days=(as_of.weekday() - day.weekday()) % 7)
    return sum(arrivals_by_day.get(latest - timedelta(weeks=w), 0) for w in range(WEEKS)) / WEEKS


def demands(
    open_now: Sequence[Item],
    horizon: Sequence[date],
    forecast: Sequence[float],
    due_of: Callable[[float], float],
    cal: BusinessCalendar,
) -> list[Demand]:
    """The open items (workable from day 1) and each horizon day's forecast
    arrivals (workable from their day, due as if received at its start)."""
    out = [Demand(1, due_index(i.due_at, horizon, cal), 1.0) for i in open_now]
    for k, (day, amount) in enumerate(zip(horizon, forecast, strict=True), start=1):
        due = max(due_index(due_of(cal.day_start(day)), horizon, cal), k)
        out.append(Demand(k, due, amount))
    return out


def project(work: Sequence[Demand], horizon: Sequence[date], rate: float) -> list[dict]:
    """Per horizon day: the backlog at its end and the items past due then,
    completing `rate` a day earliest deadline first."""
    waiting: dict[int, float] = {}
    out = []
    for k, day in enumerate(horizon, start=1):
        for d in work:
            if d.release == k:
                waiting[d.due] = waiting.get(d.due, 0.0) + d.amount
        capacity = rate
        for due in sorted(waiting):
            done = min(capacity, waiting[due])
            waiting[due] -= done
            capacity -= done
            if capacity <= EPSILON:
                break
        backlog = sum(waiting.values())
        late = sum(v for due, v in waiting.items() if due <= k)
        out.append(
            {
                "date": day.isoformat(),
                "backlog": backlog if backlog > EPSILON else 0.0,
                "breaches": late if late > EPSILON else 0.0,
                "breach": late > EPSILON,
            }
        )
    return out
