"""What the alerts watch (docs/design.md §4 "Digest and alerts"), over the last full
Monday-to-Sunday week in the organisation's time zone.

Each condition reads the same report bodies the pages show, so an alert's
figure is the figure a manager finds behind its link, and a team below the
minimum group raises no figure-based alert at all. The projected SLA breach
reads the backlog report (service/backlog.py) as of the day the alerts run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from collector.service import capacity, reports
from collector.service.backlog import backlog_report
from collector.store import Store

log = logging.getLogger("backlight.alerts")

#: Seed 000's intervention level: more than this share of a team's rated people overloaded.
OVERLOADED_SHARE = 0.20


@dataclass(frozen=True)
class Week:
    """The last full Monday-to-Sunday week, and when its digest becomes due."""

    start: date
    end: date

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def span(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def org_zone(store: Store) -> ZoneInfo:
    name = store.settings()["org.timezone"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("org.timezone %r is not a known time zone; using UTC", name)
        return ZoneInfo("UTC")


def local_now(store: Store, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(org_zone(store))


def last_full_week(today: date) -> Week:
    monday = today - timedelta(days=today.weekday())
    return Week(monday - timedelta(days=7), monday - timedelta(days=1))


@dataclass(frozen=True)
class Alert:
    kind: str  # "slow", "below_quality", "overloaded", "projected_breach"
    team: str
    team_id: int
    figure: float
    threshold: float
    period: str
    link: str
    summary: str  # one line for a person to read; aggregates only
    function: str | None = None
    work_type: str | None = None

    @property
    def key(self) -> str:
        return "|".join(
            ["alert", self.kind, self.team, self.function or self.work_type or "", self.period]
        )

    def webhook_body(self) -> dict:
        body: dict = {"kind": self.kind, "team": self.team}
        if self.function:
            body["function"] = self.function
        if self.work_type:
            body["work_type"] = self.work_type
        body |= {
            "figure": self.figure,
            "threshold": self.threshold,
            "period": self.period,
            "link": self.link,
        }
        return body


def link(store: Store, page: str, team: str, args: dict[str, str]) -> str:
    base = store.settings()["alerts.dashboard_url"].rstrip("/")
    return f"{base}/{page}?{urlencode({'team': team, **args})}"


def function_alerts(store: Store, team: dict, week: Week, body: dict) -> list[Alert]:
    """A function `slow` or `below_quality` for the team over the week."""
    if body.get("suppressed"):
        return []
    out = []
    for r in body["functions"]:
        if r["band"] == "slow":
            figure, threshold = r["hours_per_unit"], r["benchmark"]["slow_above"]
            what = (
                f"{r['name']} is slow in {team['name']}: {figure:.2f} h per unit "
                f"({r['output_unit']}) against a slow limit of {threshold:.2f} h"
            )
        elif r["band"] == "below_quality":
            figure, threshold = r["error_rate"], r["quality_limit"]
            what = (
                f"{r['name']} is below quality in {team['name']}: an error rate of "
                f"{figure:.1%} against a limit of {threshold:.1%}"
            )
        else:
            continue
        page = link(store, "functions", team["name"], week.span)
        out.append(
            Alert(
                r["band"],
                team["name"],
                team["id"],
                figure,
                threshold,
                week.label,
                page,
                what,
                function=r["function"],
            )
        )
    return out


def overload_alert(store: Store, team: dict, week: Week, body: dict) -> list[Alert]:
    """More than 20% of the team's rated people above 110% of their available hours."""
    if body.get("suppressed"):
        return []
    rated = body["people"] - body["not_rated"]
    if rated <= 0:
        return []
    share = body["overloaded"] / rated
    if share <= OVERLOADED_SHARE:
        return []
    what = (
        f"{team['name']}: {body['overloaded']} of {rated} people ({share:.0%}) worked above "
        f"110% of their available hours (alert above {OVERLOADED_SHARE:.0%})"
    )
    page = link(store, "workload", team["name"], week.span)
    return [
        Alert(
            "overloaded",
            team["name"],
            team["id"],
            share,
            OVERLOADED_SHARE,
            week.label,
            page,
            what,
        )
    ]


def projected_breach_alerts(store: Store, team: dict, week: Week) -> list[Alert]:
    """A work type whose backlog, completed at the team's current rate earliest
    deadline first, has items past their due time within the planning horizon
    (seed 003). The figure is the items late on the first such day; the
    threshold 0. Counted from items, not people, so no minimum group applies."""
    body = backlog_report(store, [team["id"]], team["name"])
    out = []
    for t in body["types"]:
        late = [p for p in t["projection"] if p["breach"]]
        if not late:
            continue
        first = late[0]
        what = (
            f"{t['name']} in {team['name']}: {first['breaches']:.0f} item(s) projected past "
            f"due on {first['date']} at the current {t['completion_rate']:.1f} completions a "
            f"day; {t['required_no_breach']:.1f} a day would leave none late"
        )
        page = link(store, "backlog", team["name"], {"type": t["type"]})
        out.append(
            Alert(
                "projected_breach",
                team["name"],
                team["id"],
                float(first["breaches"]),
                0.0,
                week.label,
                page,
                what,
                work_type=t["type"],
            )
        )
    return out


#: Alert sources beyond the report bodies team_week reads itself, each
#: (store, team, week) -> alerts.
ALERT_SOURCES: list[Callable[[Store, dict, Week], list[Alert]]] = [projected_breach_alerts]


@dataclass
class TeamWeek:
    """One team's week: the report bodies the digest shows and the alerts they raise."""

    team: dict
    time_per_unit: dict
    interruptions: dict
    workload: dict
    alerts: list[Alert]


def team_week(store: Store, team: dict, week: Week) -> TeamWeek:
    start, end = week.start.isoformat(), week.end.isoformat()
    ids, name = [team["id"]], team["name"]
    tpu = reports.time_per_unit_report(store, ids, name, start, end)
    load = capacity.workload_report(store, ids, name, start, end)
    alerts = function_alerts(store, team, week, tpu) + overload_alert(store, team, week, load)
    for source in ALERT_SOURCES:
        alerts += source(store, team, week)
    return TeamWeek(
        team,
        tpu,
        reports.interruptions_report(store, ids, name, start, end),
        load,
        alerts,
    )
