"""Business days and due times in the organisation's time zone.

Days end at midnight in `org.timezone`, business days are Monday to Friday
less the holiday list, and an SLA in business days ends at the end of its Nth
business day counting the day of receipt as day 1 (a Saturday's item counts
from Monday): docs/design.md §4, "Deferred work".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: str = "UTC"
    holidays: Collection[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def day_start(self, day: date) -> float:
        """Midnight at the start of `day` in the zone (a DST day is 23 or 25 hours)."""
        return datetime.combine(day, time(0), self.zone).timestamp()

    def day_end(self, day: date) -> float:
        return self.day_start(day + timedelta(days=1))

    def local_date(self, ts: float) -> date:
        return datetime.fromtimestamp(ts, self.zone).date()

    def next_business_day(self, day: date) -> date:
        """`day` itself when it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def business_days_after(self, day: date, count: int) -> list[date]:
        """The `count` business days after `day` (not counting it)."""
        out: list[date] = []
        current = day
        while len(out) < count:
            current += timedelta(days=1)
            if self.is_business_day(current):
                out.append(current)
        return out

    def business_days_between(self, first: date, last: date) -> int:
        """Business days from `first` to `last`, both included."""
        days = (last - first).days + 1
        return sum(1 for i in range(max(days, 0)) if self.is_business_day(first + timedelta(i)))

    def due_time(
        self,
        received_at: float,
        sla_business_days: int | None = None,
        sla_hours: float | None = None,
    ) -> float:
        """When an item received at `received_at` is due, in Unix seconds."""
        if sla_hours is not None:
            return received_at + sla_hours * SECONDS_PER_HOUR
        if sla_business_days is None or sla_business_days < 1:
            raise ValueError("an SLA is sla_hours or sla_business_days >= 1")
        day = self.next_business_day(self.local_date(received_at))
        if sla_business_days > 1:
            day = self.business_days_after(day, sla_business_days - 1)[-1]
        return self.day_end(day)
