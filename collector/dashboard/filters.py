"""Team, date-range, month and quarter filters from a page's query string.

The team goes through `collector.auth.team_scope`, the same check the API
makes, so a manager who edits the URL to another team's name gets 403 from
the server whatever the page shows. A bad date is not an error page: the
page says what was wrong and shows the default range instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from collector.auth import team_scope
from collector.db import get_store
from collector.service.quarterly import last_full_quarter, quarter_bounds, quarter_of
from collector.store import Principal
from shared.catalogue import FUNCTION_IDS

DEFAULT_DAYS = 28
MAX_DAYS = 1100  # as the API
MONTH = re.compile(r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$")
QUARTER = re.compile(r"^(19|20|21)\d{2}-Q[1-4]$")


@dataclass
class Filters:
    team: str | None
    team_ids: list[int] | None
    start: date
    end: date
    month: str
    errors: list[str] = field(default_factory=list)
    kind: str = "range"  # or "month", "quarter", "day" (as of its end: start == end)
    quarter: str = ""
    function: str | None = None  # the pages that compare one function (clients, teams)
    work_type: str | None = None  # the backlog page's one work type

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def args(self, **override: str | None) -> dict[str, str]:
        """The query string that reproduces these filters (for CSV and preset links)."""
        if self.kind == "month":
            base: dict[str, str | None] = {"team": self.team, "month": self.month}
        elif self.kind == "quarter":
            base = {"team": self.team, "quarter": self.quarter}
        elif self.kind == "day":
            base = {"team": self.team, "date": self.end.isoformat(), "type": self.work_type}
        else:
            base = {"team": self.team, "from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.function:
            base["function"] = self.function
        base.update(override)
        return {k: v for k, v in base.items() if v}

    def presets(self, today: date | None = None) -> list[tuple[str, dict[str, str]]]:
        today = today or date.today()
        if self.kind == "quarter":
            return [
                ("Last quarter", self.args(quarter=last_full_quarter(today))),
                ("This quarter so far", self.args(quarter=quarter_of(today))),
            ]
        if self.kind == "day":
            month_end = today.replace(day=1) - timedelta(days=1)
            return [
                ("Today", self.args(date=today.isoformat())),
                ("Yesterday", self.args(date=(today - timedelta(days=1)).isoformat())),
                ("End of last month", self.args(date=month_end.isoformat())),
            ]
        if self.kind == "month":
            return [
                ("Last month", self.args(month=last_full_month(today))),
                ("This month so far", self.args(month=today.strftime("%Y-%m"))),
            ]
        first = today.replace(day=1)
        last_month_end = first - timedelta(days=1)
        return [
            (
                "Last 4 weeks",
                self.args(
                    **{"from": (today - timedelta(days=27)).isoformat(), "to": today.isoformat()}
                ),
            ),
            ("This month", self.args(**{"from": first.isoformat(), "to": today.isoformat()})),
            (
                "Last month",
                self.args(
                    **{
                        "from": last_month_end.replace(day=1).isoformat(),
                        "to": last_month_end.isoformat(),
                    }
                ),
            ),
            (
                "Last 3 months",
                self.args(
                    **{"from": (today - timedelta(days=90)).isoformat(), "to": today.isoformat()}
                ),
            ),
        ]


def team_options(principal: Principal) -> list[dict]:
    teams = get_store().teams()
    if principal.is_admin:
        return teams
    return [t for t in teams if t["id"] in principal.team_ids]


def _team(principal: Principal, raw: str | None) -> tuple[str | None, list[int] | None]:
    name = (raw or "").strip() or None
    team_ids, team = team_scope(principal, name)  # 403 / 404 as in the API
    return team, team_ids


def _date(raw: str | None, label: str, errors: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(f"{label}: {raw!r} is not a date (use YYYY-MM-DD); showing the default.")
        return None


def range_filters(principal: Principal, args, days: int = DEFAULT_DAYS) -> Filters:
    errors: list[str] = []
    team, team_ids = _team(principal, args.get("team"))
    start = _date(args.get("from"), "From", errors)
    end = _date(args.get("to"), "To", errors)
    end = end or date.today()
    start = start or end - timedelta(days=days - 1)
    if start > end:
        errors.append("From is after To; showing the four weeks up to To.")
        start = end - timedelta(days=days - 1)
    if (end - start).days > MAX_DAYS:
        errors.append(f"A range covers at most {MAX_DAYS} days; shortened.")
        start = end - timedelta(days=MAX_DAYS)
    return Filters(team, team_ids, start, end, end.strftime("%Y-%m"), errors)


def day_filters(principal: Principal, args, today: date | None = None) -> Filters:
    """One day (`date`, default today), for a report as of its end; and a work
    type (`type`), checked by the page against the stored ones."""
    errors: list[str] = []
    team, team_ids = _team(principal, args.get("team"))
    day = _date(args.get("date"), "Date", errors) or today or date.today()
    f = Filters(team, team_ids, day, day, day.strftime("%Y-%m"), errors, kind="day")
    f.work_type = (args.get("type") or "").strip() or None
    return f


def last_full_month(today: date | None = None) -> str:
    first = (today or date.today()).replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def function_filter(f: Filters, args) -> Filters:
    """The `function` to compare, when it is one of the catalogue's; otherwise none (all
    functions) and the page says what was wrong."""
    raw = (args.get("function") or "").strip()
    if raw and raw not in FUNCTION_IDS:
        f.errors.append(f"Function: {raw!r} is not a function; showing every function.")
        raw = ""
    f.function = raw or None
    return f


def month_filters(principal: Principal, args, with_team: bool = True) -> Filters:
    errors: list[str] = []
    team, team_ids = _team(principal, args.get("team")) if with_team else (None, None)
    raw = (args.get("month") or "").strip()
    # By default the last full month: a review of a month still running compares a part
    # month with a whole one.
    month = raw if MONTH.match(raw) else last_full_month()
    if raw and not MONTH.match(raw):
        errors.append(f"Month: {raw!r} is not a month (use YYYY-MM); showing last month.")
    year, mon = (int(p) for p in month.split("-"))
    first = date(year, mon, 1)
    nxt = date(year + mon // 12, mon % 12 + 1, 1)
    return Filters(team, team_ids, first, nxt - timedelta(days=1), month, errors, kind="month")


def quarter_filters(principal: Principal, args) -> Filters:
    """By default the last full quarter, as the API answers."""
    errors: list[str] = []
    team, team_ids = _team(principal, args.get("team"))
    raw = (args.get("quarter") or "").strip().upper()
    quarter = raw if QUARTER.match(raw) else last_full_quarter()
    if raw and not QUARTER.match(raw):
        errors.append(f"Quarter: {raw!r} is not a quarter (use 2026-Q3); showing last quarter.")
    first, last = quarter_bounds(quarter)
    return Filters(team, team_ids, first, last, first.strftime("%Y-%m"), errors, "quarter", quarter)
