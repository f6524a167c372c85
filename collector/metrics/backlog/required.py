"""How many completions a day needs: the seed's formula for one day, and the
smallest steady rate that breaches nothing over the horizon.

Work over the horizon is a list of `Demand`s: an amount of items that can be
worked from business day `release` (1 = the first day of the horizon) and is
due by the end of business day `due` (0: due before anyone can work on it,
so it can only be cleared first; beyond the horizon: it constrains nothing).
Taking items earliest deadline first, a rate r breaches nothing exactly when
every window of days [a, b] has room for what must be released and done
in it: amount(release >= a, due <= b) <= r x (b - a + 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from collector.metrics.backlog.calendar import BusinessCalendar
from collector.metrics.backlog.flow import Item


@dataclass(frozen=True)
class Demand:
    release: int
    due: int
    amount: float


def required_completions(items: Iterable[Item], day: date, cal: BusinessCalendar) -> int:
    """Seed 003: Arrivals(D) + items open at the start of D that are due by its end."""
    start, end = cal.day_start(day), cal.day_end(day)
    items = list(items)
    arrivals = sum(1 for i in items if start <= i.received_at < end)
    due_today = sum(1 for i in items if i.open_at(start) and i.due_at <= end)
    return arrivals + due_today


def due_index(due_at: float, horizon: Sequence[date], cal: BusinessCalendar) -> int:
    """The horizon's business day an item due at `due_at` must be done by: the
    last one that starts before the due time (a Saturday deadline is
    Friday's); 0 when none does; len(horizon) + 1 when it is beyond it."""
    index = 0
    for k, day in enumerate(horizon, start=1):
        if cal.day_start(day) < due_at:
            index = k
        else:
            break
    if index == len(horizon) and due_at > cal.day_end(horizon[-1]):
        return len(horizon) + 1
    return index


def no_breach_rate(demands: Iterable[Demand], horizon_days: int) -> float:
    """The smallest daily rate that, earliest deadline first, breaches nothing
    over the horizon; 0 with nothing due in it. Unrounded: a page rounds up."""
    # Items sharing a (release, due) pair are summed first: at most horizon^2
    # cells, however many thousand items are open.
    cells: dict[tuple[int, int], float] = {}
    for d in demands:
        if d.due <= horizon_days and d.amount > 0:
            key = (max(d.release, 1), max(d.due, 1))
            cells[key] = cells.get(key, 0.0) + d.amount
    best = 0.0
    for a in range(1, horizon_days + 1):
        for b in range(a, horizon_days + 1):
            need = sum(v for (release, due), v in cells.items() if release >= a and due <= b)
            best = max(best, need / (b - a + 1))
    return best
