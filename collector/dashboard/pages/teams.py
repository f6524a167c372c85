"""Teams side by side: one function's hours per unit in each team, against the same
bands (seeds 000 and 001: standardise the same work across teams and offices)."""

from __future__ import annotations

from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import hours, per_unit, share
from collector.dashboard.pages import Chart, Figure, Page, no_data_message
from collector.dashboard.tables import Column, Table
from collector.service import reports
from collector.store import Principal, Store
from shared.catalogue import functions

HOURS = "#2f6f9f"
INTRO = (
    "One function, team by team: hours, units and hours per unit against the same benchmark "
    "bands, with the error rate beside each. The same work taking twice as long in one team "
    "is a process to standardise. A team with fewer people than the minimum group is hidden."
)


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    start, end = f.start.isoformat(), f.end.isoformat()
    report = reports.time_per_unit_by_team(store, f.team_ids, f.team, start, end)
    page = Page("teams", "Teams side by side", INTRO, f)
    catalogue = functions()
    page.extra["function_options"] = [(fid, fn.name) for fid, fn in catalogue.items()]
    page.extra["function_required"] = True
    rows = report["functions"]
    if not f.function:
        f.function = _default_function(rows) or next(iter(catalogue))
    fn = catalogue[f.function]
    hidden = [t for t in report["teams"] if t.get("suppressed")]
    chosen = [r for r in rows if r["function"] == f.function]
    shown = [r for r in chosen if r["hours"] > 0 or r["units"] > 0]
    if not shown and not hidden:
        page.empty = no_data_message(principal, f, f"time or output units for {fn.name}")
        return page
    table_rows = [
        {**r, "_none": "no output recorded" if r["hours_per_unit"] is None else None} for r in shown
    ] + [{"team": t["team"], "suppressed": t["reason"]} for t in hidden]
    page.table = Table(
        f"{fn.name} per team",
        [
            Column("team", "Team"),
            Column("hours", "Hours", "hours"),
            Column("units", "Units", "count"),
            Column("hours_per_unit", "Per unit", "per_unit"),
            Column("band", "Band", "band"),
            Column("error_rate", "Error rate", "share1"),
            Column("quality_limit", "Quality limit", "share1"),
            Column("hours_per_week", "Hours a week", "hours"),
            Column("money_at_stake", "Money at stake", "money"),
        ],
        table_rows,
        currency=report["currency"],
        note="Each team counts its own hours against the units recorded for it; the bands are "
        f"the same for every team (an operation of {report['operation_size']} people). A team "
        "with fewer people than the minimum group shows no figures.",
    )
    rated = [r for r in shown if r["hours_per_unit"] is not None]
    slow = max(rated, key=lambda r: r["hours_per_unit"], default=None)
    fast = min(rated, key=lambda r: r["hours_per_unit"], default=None)
    page.headline = [
        Figure("Teams", str(len(report["teams"])), f"{len(hidden)} hidden" if hidden else ""),
        Figure("Slowest", per_unit(slow["hours_per_unit"]) if slow else "—", _who(slow)),
        Figure("Fastest", per_unit(fast["hours_per_unit"]) if fast else "—", _who(fast)),
        Figure(
            "Spread",
            f"{slow['hours_per_unit'] / fast['hours_per_unit']:.1f}×"
            if slow and fast and fast["hours_per_unit"]
            else "—",
            "slowest against fastest",
        ),
    ]
    if not html:
        return page
    bullets = []
    for r in shown:
        b = r["benchmark"]
        quality = ""
        if r["error_rate"] is not None:
            limit = share(r["quality_limit"], digits=1)
            quality = f"errors {share(r['error_rate'], digits=1)} (limit {limit})"
        bullets.append(
            charts.BulletRow(
                r["team"],
                r["hours_per_unit"],
                per_unit(r["hours_per_unit"]),
                (b["efficient_below"], b["reasonable_high"], b["slow_above"]) if b else None,
                r["band"],
                note="no output recorded" if r["hours_per_unit"] is None else "",
                quality=quality,
            )
        )
    for t in hidden:
        bullets.append(
            charts.BulletRow(t["team"], None, "", None, None, note="hidden: too few people")
        )
    page.charts.append(
        Chart(
            f"{fn.name}: hours per unit, team by team",
            charts.bullets(
                bullets,
                title=f"Hours per {fn.output_unit} of {fn.name} per team, against benchmark bands",
                desc="One row per team; the bar ends at the team's hours per unit, over shaded "
                "bands for efficient, reasonable, watch and slow. The table below has the figures.",
            ),
            "Every row is the same function on the same bands, so the bars compare directly.",
        )
    )
    page.charts.append(
        Chart(
            f"{fn.name}: hours a week, team by team",
            charts.stacked_rows(
                [
                    charts.StackedRow(
                        r["team"],
                        [("hours a week", r["hours_per_week"] or 0.0, HOURS)],
                        value_text=f"{hours(r['hours_per_week'] or 0.0)} a week",
                    )
                    for r in shown
                ]
                + [charts.StackedRow(t["team"], [], suppressed=t["reason"]) for t in hidden],
                title=f"Hours a week on {fn.name} per team",
                desc="One bar per team: the hours a week the team spends on this function, "
                "with the units it recorded.",
                unit="h",
            ),
            "How much of each team's week the function takes: a slow function in a team "
            "that spends little time on it costs less than one that fills its week.",
        )
    )
    return page


def _default_function(rows: list[dict]) -> str | None:
    """The function most teams work on, then the one with most hours: the one worth
    comparing first."""
    teams: dict[str, set[str]] = {}
    total: dict[str, float] = {}
    for r in rows:
        if r["hours"] > 0:
            teams.setdefault(r["function"], set()).add(r["team"])
            total[r["function"]] = total.get(r["function"], 0.0) + r["hours"]
    if not total:
        return None
    return max(total, key=lambda fid: (len(teams[fid]), total[fid]))


def _who(r: dict | None) -> str:
    return f"{r['team']}, {r['band'] or 'no band'}" if r else ""
