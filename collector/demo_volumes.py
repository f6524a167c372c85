"""The demo operation's work calendar: output units that fit its size.

A back office of 27 serves an operation of about a thousand agents. Its
volumes follow how the work arrives (seed 001): one schedule a week from the
scheduling team, one timesheet per operation member a week, a semi-monthly
pay calendar (the 15th and the last day of the month, so every month has two
cycles and no week has two), hires in a wave at the start of each month,
leave requests and QA evaluations in proportion to the agents, invoices and
reports per client.

Hours follow the units: each team's week is split between functions by
units x the pace (hours per unit) that function runs at, and the rest of the
week goes to e-mail, chat and other work. So hours per unit land where they
were planted, and the planted changes of the last full month (an efficiency
decline in scheduling, a hiring wave in onboarding) are visible in the
monthly review as what they are.

Some work is done in one sitting on a day of the calendar (seed 001: "payroll
processing creates a spike every pay cycle", "month-end reporting creates a
spike in the first week of each month"): the pay run on each pay date, the
invoicing run on the last business day, the month's reports on its first
business day. Each person of the team starts that day with it (`runs`), on
top of the week's mix, so the spike calendar names those days; every month
has the same runs, so they move no month against another. And one change is
marked (`CHANGE`): timesheets generated from tracked time (seed 001's fix for
timesheet review) cut that function's pace from the change's day, which the
before/after page should find.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

OPERATION_SIZE = 1000
#: Function hours one demo person puts into focused work in a week
#: (measured from the simulation: about 5.4 h a day over five days).
FOCUS_HOURS_PER_PERSON_WEEK = 27.0
#: What a team does with the hours its functions leave.
REST = {"communication": 0.6, "other_work": 0.4}

#: Hours per unit each function runs at: before, and in the planted month.
#: scheduling: reasonable before (benchmark x20: up to 80 h), watch after:
#: the planted efficiency decline. invoicing: slow (above 4 h). QA: watch.
PACE = {
    "scheduling": (62.0, 100.0),
    "timesheet_review": (0.03, 0.03),
    "payroll": (66.0, 66.0),
    "qa_evaluation": (0.65, 0.65),
    "reporting": (1.6, 1.6),
    "onboarding": (2.6, 2.6),
    "leave_management": (0.12, 0.12),
    "invoicing": (5.5, 5.5),
    "compliance": (5.5, 5.5),
}
#: Corrections per unit; payroll's per paycheck (3%: above seed 001's 2%).
#: Onboarding has none: outside the monthly wave it sees three hires a week,
#: so one correction in a 28-day window reads as 9% against its 5% limit and
#: the demo would plant a second quality failure by the calendar alone.
ERROR_RATE = {
    "payroll": 0.03,
    "timesheet_review": 0.01,
    "reporting": 0.03,
    "qa_evaluation": 0.02,
    "invoicing": 0.03,
}
#: Minutes each person of the team gives a run (above) at the start of its day.
RUN_MINUTES = 90
#: The marked change: its function and team, the pace from its day, its note.
CHANGE = (
    "timesheet_review",
    "Payroll & HR",
    0.02,
    "Timesheets generated from tracked time (no more retyping)",
)
#: Workdays before the data's end at which the change is made: four weeks after it.
CHANGE_WORKDAYS_BEFORE_END = 20

#: Hires in the wave of the first week of each month; the planted month doubles it.
WAVE, WAVE_PLANTED, HIRES_OTHER_WEEKS = 30, 60, 3


@dataclass(frozen=True)
class Unit:
    day: date
    function: str
    team: str
    client: str | None
    units: int
    corrections: int


def pay_dates(first: date, last: date) -> list[date]:
    """The 15th and the month's last day, moved back to a Friday at weekends."""
    out = []
    y, m = first.year, first.month
    while date(y, m, 1) <= last:
        for d in (date(y, m, 15), date(y, m, calendar.monthrange(y, m)[1])):
            while d.weekday() >= 5:
                d -= timedelta(days=1)
            if first <= d <= last:
                out.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


#: Units a week, per (function, team, split across clients); spread over the
#: working days so a month's count follows its working days, not its Fridays.
WEEKLY = [
    ("timesheet_review", "Payroll & HR", False, OPERATION_SIZE),  # one per person a week
    ("qa_evaluation", "Workforce planning", False, round(OPERATION_SIZE * 0.16)),
    ("qa_evaluation", "Client services", True, round(OPERATION_SIZE * 0.10)),
    ("reporting", "Workforce planning", False, 10),
    ("reporting", "Payroll & HR", False, 3),
    ("reporting", "Client services", True, 15),
    ("leave_management", "Payroll & HR", False, round(OPERATION_SIZE * 0.23)),
    ("compliance", "Payroll & HR", False, 2),
    ("compliance", "Client services", False, 3),
    ("invoicing", "Client services", True, 6),
]


class _Flow:
    """Whole units out of a steady rate: the fractions carry to the next day."""

    def __init__(self) -> None:
        self.carry: dict[tuple, float] = defaultdict(float)

    def take(self, key: tuple, amount: float) -> int:
        self.carry[key] += amount
        whole = int(self.carry[key])
        self.carry[key] -= whole
        return whole


def _last_business_day(year: int, month: int) -> date:
    d = date(year, month, calendar.monthrange(year, month)[1])
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


def _first_business_day(year: int, month: int) -> date:
    d = date(year, month, 1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def runs(workdays: list[date]) -> dict[tuple[str, date], str]:
    """(team, day) -> the function its people start that day with."""
    days = set(workdays)
    out = {("Payroll & HR", d): "payroll" for d in pay_dates(workdays[0], workdays[-1])}
    for y, m in sorted({(d.year, d.month) for d in workdays}):
        out[("Client services", _last_business_day(y, m))] = "invoicing"
        out[("Workforce planning", _first_business_day(y, m))] = "reporting"
    return {k: f for k, f in out.items() if k[1] in days}


def change_day(workdays: list[date]) -> date:
    """The Monday of the week four weeks before the data ends (or the first day)."""
    d = workdays[max(0, len(workdays) - CHANGE_WORKDAYS_BEFORE_END)]
    return d - timedelta(days=d.weekday())


def plan(
    workdays: list[date],
    planted_month: str,
    clients: list[tuple[str, float]],
    changed_on: date | None = None,
) -> tuple[list[Unit], dict[tuple[str, date], dict[str, float]]]:
    """Units for the whole period, and each team's hours of work per week (its
    Monday); from `changed_on`, the marked change's function runs at its new pace."""
    units: list[Unit] = []
    flow, fixes = _Flow(), _Flow()
    hours: dict[tuple[str, date], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    keys, weights = [k for k, _ in clients], [w for _, w in clients]

    def add(day: date, function: str, team: str, client: str | None, n: int) -> None:
        if n <= 0:
            return
        month = day.strftime("%Y-%m")
        base = n * OPERATION_SIZE if function == "payroll" else n
        # One carry per function, not per team or client: several small carries
        # crossing in the same window would put a function over its limit by chance.
        wrong = fixes.take((function,), base * ERROR_RATE.get(function, 0.0))
        units.append(Unit(day, function, team, client, n, wrong))
        monday = day - timedelta(days=day.weekday())
        pace = PACE[function][month == planted_month]
        if changed_on and (function, team) == CHANGE[:2] and day >= changed_on:
            pace = CHANGE[2]
        if function != "payroll":  # payroll's hours run between pay dates, below
            hours[(team, monday)][function] += n * pace

    for day in workdays:
        planted = day.strftime("%Y-%m") == planted_month
        monday = day - timedelta(days=day.weekday())
        for function, team, by_client, weekly in WEEKLY:
            if by_client:
                for key, w in zip(keys, weights, strict=True):
                    share = w / sum(weights)
                    add(day, function, team, key, flow.take((function, key), weekly * share / 5))
            else:
                add(day, function, team, None, flow.take((function, team), weekly / 5))
        # Hires arrive in a wave in the first week of each month (seed 001: "onboarding
        # spikes follow hiring waves"); the planted month's wave is twice the usual.
        wave = (WAVE_PLANTED if planted else WAVE) if monday.day <= 7 else HIRES_OTHER_WEEKS
        add(day, "onboarding", "Payroll & HR", None, flow.take(("onboarding",), wave / 5))
        if day.weekday() == 3:  # the weekly schedule is published on Thursday
            add(day, "scheduling", "Workforce planning", None, 1)
        hours[("Payroll & HR", monday)]["payroll"] += (
            PACE["payroll"][planted] * 24 / 52 / 5  # about 24 cycles a year
        )
    for d in pay_dates(workdays[0], workdays[-1]):
        add(d, "payroll", "Payroll & HR", None, 1)
    return sorted(units, key=lambda u: (u.day, u.function, u.team, u.client or "")), hours


def mix(team_hours: dict[str, float], people: int) -> dict[str, float]:
    """A team's week as shares of focused work: its functions, then the rest."""
    capacity = people * FOCUS_HOURS_PER_PERSON_WEEK
    shares = {f: h / capacity for f, h in team_hours.items() if h > 0}
    used = sum(shares.values())
    if used > 0.95:  # a week busier than the team: everyone on functions
        shares = {f: s / used * 0.95 for f, s in shares.items()}
        used = 0.95
    for category, part in REST.items():
        shares[category] = (1 - used) * part
    return shares
