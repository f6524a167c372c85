"""The spike calendar (issue 14; seed 001: "map the recurring spikes on a calendar").

A day's hours on a function are set against that weekday's baseline: the
median of the same weekday's hours over the previous eight weeks. The median,
not the mean, because the baseline must not be lifted by the spikes it is
there to find: one month-end Friday in eight moves a mean by an eighth of its
excess and a median not at all. A weekday needs at least four of those eight
weeks (days someone was tracked, the group large enough to show) before it
has a baseline.

A spike is a day at least 1.5 times its baseline *and* at least one hour
above it, so 12 minutes against 6 is not called a spike. A spike is named
when it recurs: on payroll's pay dates ("pay-run day"), on the last business
day of the month ("month end"), on the first business day ("first business
day of the month") or on the same day of the month, in at least two of the
last six months (three for the same day of the month) and in at least half
of those months that could show it; an
onboarding or leave run of three or more business days of spikes is a
"hiring wave" (seed 001), or an "enrollment window" when a run came a year
before (seed 003).

Plain data in, plain data out; the caller applies the minimum group rule by
passing which days are hidden.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

BASELINE_WEEKS = 8
MIN_BASELINE_WEEKS = 4
SPIKE_RATIO = 1.5
MIN_EXTRA_HOURS = 1.0
LOW_RATIO = 2 / 3
STRONG_RATIO = 2.0
#: Recurrence: seen in at least this many months ...
MIN_MONTHS = 2
#: ... of the last this many ...
LOOK_BACK_MONTHS = 6
#: ... and in at least this share of the months that could show it.
MIN_SHARE = 0.5
#: The same day of the month needs three: with twenty-odd days to choose from,
#: two months of noise line up on one of them too easily.
MIN_MONTHS_DAY_OF_MONTH = 3
WINDOW_MIN_DAYS = 3
WINDOW_FUNCTIONS = ("onboarding", "leave_management")
#: Days of history a report needs before its first day: eight weeks of baseline.
HISTORY_DAYS = 7 * BASELINE_WEEKS


@dataclass(frozen=True)
class Cell:
    """One function's day. `hidden`: fewer people than the minimum group; no figures."""

    day: date
    hours: float | None
    baseline: float | None
    hidden: bool = False

    @property
    def ratio(self) -> float | None:
        if self.hours is None or not self.baseline:
            return None
        return self.hours / self.baseline

    @property
    def spike(self) -> bool:
        return is_spike(self.hours, self.baseline)

    @property
    def level(self) -> str:
        """The heat map's shade: hidden, no_baseline, low, usual, high, very_high."""
        if self.hidden:
            return "hidden"
        if self.hours is None or self.baseline is None:
            return "no_baseline"
        if self.spike:
            ratio = self.ratio
            return "very_high" if ratio is None or ratio >= STRONG_RATIO else "high"
        ratio = self.ratio
        if ratio is not None and ratio < LOW_RATIO:
            return "low"
        return "usual"


@dataclass
class Recurring:
    function: str
    pattern: str  # pay_run, month_end, first_business_day, day_of_month, window
    label: str
    days: list[date] = field(default_factory=list)
    months_seen: int = 0
    months_considered: int = 0


def is_spike(hours: float | None, baseline: float | None) -> bool:
    if hours is None or baseline is None:
        return False
    if hours - baseline < MIN_EXTRA_HOURS - 1e-9:
        return False
    return baseline == 0 or hours >= SPIKE_RATIO * baseline - 1e-9


def weekday_baseline(history: Iterable[float]) -> float | None:
    """Median of the same weekday's hours in the previous weeks that count."""
    values = list(history)
    if len(values) < MIN_BASELINE_WEEKS:
        return None
    return float(median(values))


def cells(
    hours: Mapping[date, float],
    tracked: Iterable[date],
    hidden: Iterable[date],
    start: date,
    end: date,
) -> list[Cell]:
    """The cells of one function from `start` to `end`, one per tracked day.

    `hours`: the function's hours per day (a tracked day without a row is 0);
    `tracked`: days anyone in the group was tracked, history included (a day
    no one was tracked, a weekend, has no cell and no place in a baseline);
    `hidden`: days with fewer people on the function than the minimum group:
    no figures shown, and left out of every baseline.
    """
    on = set(tracked)
    off = set(hidden)
    out = []
    day = start
    while day <= end:
        if day in on:
            history = []
            for k in range(1, BASELINE_WEEKS + 1):
                past = day - timedelta(days=7 * k)
                if past in on and past not in off:
                    history.append(hours.get(past, 0.0))
            base = weekday_baseline(history)
            if day in off:
                out.append(Cell(day, None, None, hidden=True))
            else:
                out.append(Cell(day, hours.get(day, 0.0), base))
        day += timedelta(days=1)
    return out


def last_business_day(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def first_business_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _months(end: date, count: int) -> list[tuple[int, int]]:
    y, m = end.year, end.month
    out = []
    for _ in range(count):
        out.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def _recurs(seen: int, considered: int, at_least: int = MIN_MONTHS) -> bool:
    return seen >= at_least and seen >= MIN_SHARE * considered - 1e-9


def _monthly(
    function: str, by_day: dict[date, Cell], end: date, pattern: str, label: str, pick
) -> Recurring | None:
    rec = Recurring(function, pattern, label)
    at_least = MIN_MONTHS_DAY_OF_MONTH if pattern == "day_of_month" else MIN_MONTHS
    for y, m in _months(end, LOOK_BACK_MONTHS):
        target = pick(y, m)
        cell = by_day.get(target) if target else None
        if cell is None or cell.baseline is None:
            continue
        rec.months_considered += 1
        if cell.spike:
            rec.months_seen += 1
            rec.days.append(target)
    return rec if _recurs(rec.months_seen, rec.months_considered, at_least) else None


def _pay_runs(
    function: str, by_day: dict[date, Cell], pay_dates: Iterable[date]
) -> Recurring | None:
    """Payroll spikes on a pay date, or on the business day before it (the run
    is often done the day before the money goes out)."""
    rec = Recurring(function, "pay_run", "pay-run day")
    for pay in sorted(set(pay_dates)):
        before = pay - timedelta(days=3 if pay.weekday() == 0 else 1)
        candidates = [by_day[d] for d in (pay, before) if d in by_day]
        if not any(c.baseline is not None for c in candidates):
            continue
        rec.months_considered += 1
        hit = next((c for c in candidates if c.spike), None)
        if hit:
            rec.months_seen += 1
            rec.days.append(hit.day)
    # Counted per pay date here: at least two pay dates, half of those that could show it.
    return rec if _recurs(rec.months_seen, rec.months_considered) else None


def _windows(function: str, spikes: list[date], all_spikes: set[date]) -> list[Recurring]:
    """Runs of spikes on consecutive business days (a weekend does not break one)."""
    runs: list[list[date]] = []
    for day in sorted(spikes):
        if runs and _next_business_day(runs[-1][-1]) == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    out = []
    for run in runs:
        if len(run) < WINDOW_MIN_DAYS:
            continue
        year_before = {d - timedelta(days=364 + k) for d in run for k in range(-14, 15)}
        yearly = bool(year_before & all_spikes)
        out.append(
            Recurring(
                function,
                "window",
                "enrollment window" if yearly else "hiring wave",
                run,
                months_seen=2 if yearly else 1,
                months_considered=2 if yearly else 1,
            )
        )
    return out


def _next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def recurring(
    function: str, function_cells: list[Cell], end: date, pay_dates: Iterable[date] = ()
) -> list[Recurring]:
    """The named recurring spikes of one function, over the cells given (the
    caller passes the last six months and the history a baseline needs)."""
    by_day = {c.day: c for c in function_cells}
    found: list[Recurring] = []
    if function == "payroll":
        pay = _pay_runs(function, by_day, pay_dates)
        if pay:
            found.append(pay)
    for pattern, label, pick in (
        ("month_end", "month end", last_business_day),
        ("first_business_day", "first business day of the month", first_business_day),
    ):
        rec = _monthly(function, by_day, end, pattern, label, pick)
        if rec:
            found.append(rec)
    named = {d for r in found for d in r.days}
    spike_days = [c.day for c in function_cells if c.spike]
    for dom in sorted({d.day for d in spike_days if d not in named}):

        def pick(y: int, m: int, dom: int = dom) -> date | None:
            if dom > calendar.monthrange(y, m)[1]:
                return None
            return date(y, m, dom)

        suffix = {1: "st", 2: "nd", 3: "rd"}.get(dom % 10 if dom not in (11, 12, 13) else 0, "th")
        rec = _monthly(
            function, by_day, end, "day_of_month", f"the {dom}{suffix} of the month", pick
        )
        if rec:
            found.append(rec)
    if function in WINDOW_FUNCTIONS:
        found += _windows(function, spike_days, set(spike_days))
    return found


def names_by_day(found: Iterable[Recurring]) -> dict[date, str]:
    """Each spike day's name: the first pattern that claims it."""
    out: dict[date, str] = {}
    for rec in found:
        for d in rec.days:
            out.setdefault(d, rec.label)
    return out
