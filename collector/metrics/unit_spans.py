"""The span of days a month's output units account for (docs/design.md §4, monthly review).

Units carry the day they were counted for, and many are counted in batches:
a schedule every Thursday, a payroll on each pay date. A month with five
Thursdays then has five schedules, one with four has four, while its hours
are a calendar month either way; comparing the two months read as an
"efficiency decline" for every weekly function (issue 13). So hours are
taken over the days the units account for: from the day after the last unit
day before the month to the month's last unit day.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

#: How far before a month to look for the unit day that closes the span before.
LOOKBACK_DAYS = 31


@dataclass(frozen=True)
class UnitSpan:
    start: date
    end: date
    unit_days: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def unit_spans(
    unit_days: Mapping[str, Collection[date]], month_start: date, month_end: date
) -> dict[str, UnitSpan]:
    """Per function with units in the month, the days its units account for.

    No unit day in the month: no span (the review says "not comparable").
    No unit day in the `LOOKBACK_DAYS` before it: the span starts with the
    month, as there is no earlier count the first units could close.
    """
    out = {}
    for function, days in unit_days.items():
        inside = [d for d in days if month_start <= d <= month_end]
        if not inside:
            continue
        floor = month_start - timedelta(days=LOOKBACK_DAYS)
        before = [d for d in days if floor <= d < month_start]
        start = max(before) + timedelta(days=1) if before else month_start
        out[function] = UnitSpan(start, max(inside), len(set(inside)))
    return out
