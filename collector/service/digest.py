"""The weekly digest of one manager (docs/design.md §4 "Digest and alerts"): their
teams' last full week in plain text and in simple HTML, with links to the pages.

It is built from the report bodies the pages show (`alert_conditions.TeamWeek`),
so a figure in the mail is the figure behind its link. Only aggregates go in:
a team below the minimum group says so and shows nothing, the workload part
counts people by status and never lists them, and no person's name is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from collector.service.alert_conditions import Alert, TeamWeek, Week, link
from collector.service.delivery import Mail
from collector.store import Store

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "mail"
_env = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

BAND_WORDS = {
    "efficient": "efficient",
    "reasonable": "reasonable",
    "watch": "watch",
    "slow": "slow",
    "below_quality": "below quality",
    None: "no band",
}


@dataclass
class Section:
    """One part of a team's digest: a heading, lines of text, a link."""

    heading: str
    lines: list[str]
    link: str = ""


#: Further digest parts, each (store, team week, week) -> a section or None. The
#: deferred-work reports add "Backlog and SLA" here for teams with work items.
DIGEST_SECTIONS: list[Callable[[Store, TeamWeek, Week], Section | None]] = []


@dataclass
class TeamDigest:
    name: str
    hidden: str | None  # why the team's figures are not shown
    functions: list[dict] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    functions_link: str = ""


def _hours(h: float) -> str:
    return f"{h:,.1f} h"


def _function_rows(tw: TeamWeek) -> list[dict]:
    rows = []
    for r in tw.time_per_unit["functions"]:
        if r["hours"] <= 0 and r["units"] <= 0:
            continue
        per_unit = r["hours_per_unit"]
        rows.append(
            {
                "name": r["name"],
                "hours": _hours(r["hours"]),
                "units": f"{r['units']:,} {r['output_unit']}",
                "per_unit": f"{per_unit:.2f} h" if per_unit is not None else "no units",
                "per_unit_text": f"{per_unit:.2f} h per unit"
                if per_unit is not None
                else "no units recorded",
                "band": r["band"] or "",
                "band_words": BAND_WORDS.get(r["band"], r["band"]),
            }
        )
    return rows


def _interruptions(store: Store, tw: TeamWeek, week: Week) -> Section | None:
    body = tw.interruptions
    if body.get("suppressed") or not body.get("tracked_hours"):
        return None
    per_day = body["per_person_day"]
    share = body["share_of_tracked_high"]
    lines = [
        f"{body['count']:,} interruptions"
        + (f", {per_day:.1f} a person-day" if per_day is not None else ""),
        f"{body['lost_minutes_low'] / 60:,.1f} to {body['lost_minutes_high'] / 60:,.1f} h lost"
        + (f" (up to {share:.0%} of tracked time)" if share is not None else ""),
        f"costing {body['cost_low']:,.0f} to {body['cost_high']:,.0f} {body['currency']}",
    ]
    return Section(
        "Interruption cost", lines, link(store, "interruptions", tw.team["name"], week.span)
    )


def _workload(store: Store, tw: TeamWeek, week: Week) -> Section | None:
    body = tw.workload
    if body.get("suppressed") or not body.get("people"):
        return None
    rated = body["people"] - body["not_rated"]
    lines = [
        f"{body['overloaded']} overloaded, {body['balanced']} balanced, "
        f"{body['unused_capacity']} with unused capacity (of {rated} rated)",
    ]
    if body["median_weekly_hours"] is not None:
        lines.append(f"median {body['median_weekly_hours']:.1f} h a week")
    if body["share_of_available"] is not None:
        lines.append(f"{body['share_of_available']:.0%} of available hours tracked")
    return Section("Workload balance", lines, link(store, "workload", tw.team["name"], week.span))


def team_digest(store: Store, tw: TeamWeek, week: Week) -> TeamDigest:
    name = tw.team["name"]
    if tw.time_per_unit.get("suppressed"):
        floor = store.settings()["privacy.min_group_size"]
        return TeamDigest(name, f"figures hidden: fewer than {floor} people, the minimum group")
    sections = [s for s in (_interruptions(store, tw, week), _workload(store, tw, week)) if s]
    sections += [s for extra in DIGEST_SECTIONS if (s := extra(store, tw, week))]
    return TeamDigest(
        name,
        None,
        _function_rows(tw),
        sections,
        tw.alerts,
        link(store, "functions", name, week.span),
    )


def digest_mail(store: Store, to: str, weeks: list[TeamWeek], week: Week) -> Mail:
    """The digest of `weeks` (the manager's teams, in order) for address `to`."""
    teams = [team_digest(store, tw, week) for tw in weeks]
    names = ", ".join(t.name for t in teams)
    context = {
        "week": week,
        "teams": teams,
        "dashboard": store.settings()["alerts.dashboard_url"].rstrip("/"),
    }
    return Mail(
        to,
        f"Backlight weekly digest {week.label} ({week.start:%d %b} to {week.end:%d %b}): {names}",
        _env.get_template("digest.txt").render(context),
        _env.get_template("digest.html").render(context),
    )


def alert_mail(store: Store, to: str, alerts: list[Alert], week: Week) -> Mail:
    """One mail with the new alerts of the teams `to` manages."""
    context = {"week": week, "alerts": alerts}
    teams = ", ".join(dict.fromkeys(a.team for a in alerts))
    what = "alert" if len(alerts) == 1 else f"{len(alerts)} alerts"
    return Mail(
        to,
        f"Backlight {what} for {week.label}: {teams}",
        _env.get_template("alert.txt").render(context),
        _env.get_template("alert.html").render(context),
    )
