"""The backlog day by day, its aging and its breaches.

Backlog at the end of day D is the items received by then and not completed
by then, so Backlog(D) = Backlog(D-1) + Arrivals(D) - Completions(D) holds by
construction: an item counts as arrived on the day it was received and as
completed on the day it was completed, by the same day boundaries.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from collector.metrics.backlog.calendar import BusinessCalendar


@dataclass(frozen=True)
class Item:
    """One work item as the metrics see it: no reference, no person."""

    received_at: float
    completed_at: float | None
    due_at: float
    quality_passed: bool | None = None

    def open_at(self, t: float) -> bool:
        """Received before `t` and not completed before it."""
        return self.received_at < t and (self.completed_at is None or self.completed_at >= t)


@dataclass(frozen=True)
class DayFlow:
    day: date
    arrivals: int
    completions: int
    backlog: int  # at the end of the day


def daily_flow(items: Iterable[Item], days: Sequence[date], cal: BusinessCalendar) -> list[DayFlow]:
    """Arrivals, completions and the closing backlog for each of `days` (in order).

    By counting over sorted times: the backlog at `t` is the items received
    before it less those completed before it (an item is never completed
    before it was received), which is `Item.open_at` counted, and a year of
    items over four weeks costs a sort, not days x items comparisons."""
    items = list(items)
    received = sorted(i.received_at for i in items)
    completed = sorted(i.completed_at for i in items if i.completed_at is not None)
    out = []
    for day in days:
        start, end = cal.day_start(day), cal.day_end(day)
        came, done = bisect_left(received, end), bisect_left(completed, end)
        out.append(
            DayFlow(
                day,
                came - bisect_left(received, start),
                done - bisect_left(completed, start),
                came - done,
            )
        )
    return out


def open_items(items: Iterable[Item], as_of: float) -> list[Item]:
    return [i for i in items if i.open_at(as_of)]


def breached(items: Iterable[Item], as_of: float) -> int:
    """Open items whose due time has come: still open at it means it was missed."""
    return sum(1 for i in open_items(items, as_of) if i.due_at <= as_of)


def health_index(items: Iterable[Item], as_of: float) -> float | None:
    """Open items not yet due / open items; None when nothing is open (not 1:
    an empty backlog is not a healthy one, it is no backlog)."""
    still_open = open_items(items, as_of)
    if not still_open:
        return None
    return sum(1 for i in still_open if i.due_at > as_of) / len(still_open)


def aging(items: Iterable[Item], day: date, cal: BusinessCalendar) -> list[dict[str, int]]:
    """The backlog open at the end of `day` by whole calendar days since its
    receipt's day (received that day: 0), oldest last, with how many of each
    age are past due (the chart splits each column at the SLA); ages with no
    item are left out."""
    end = cal.day_end(day)
    ages: Counter[int] = Counter()
    late: Counter[int] = Counter()
    for i in open_items(items, end):
        age = (day - cal.local_date(i.received_at)).days
        ages[age] += 1
        late[age] += i.due_at <= end
    return [{"age_days": age, "count": n, "breached": late[age]} for age, n in sorted(ages.items())]
