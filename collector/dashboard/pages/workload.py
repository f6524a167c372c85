"""Workload: how tracked hours spread across people; overload and unused capacity.

People are shown one by one only when the organisation enables individual
reports; otherwise the page shows the distribution and counts per status.
"""

from __future__ import annotations

from collector.dashboard import absences, charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import count, hours, num, share
from collector.dashboard.pages import Chart, Figure, Page, no_data_message
from collector.dashboard.tables import Column, Table
from collector.metrics.workload import OVERLOAD, UNUSED
from collector.service import capacity
from collector.store import Principal, Store

INTRO = (
    "Tracked working hours per person against the hours they were available: the contracted "
    "week less planned shrinkage (breaks, meetings away from the desk, training), on the "
    f"working days they were not away. Overload above {OVERLOAD:.0%} of available hours, "
    f"unused capacity below {UNUSED:.0%}."
)
STATUS = {
    "overload": ("Overload", "#a32020"),
    "balanced": ("Balanced", "#2a7a3b"),
    "unused_capacity": ("Unused capacity", "#8a6d00"),
    "not_rated": ("Not rated (no available day)", "#5b6474"),
}


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    start, end = f.start.isoformat(), f.end.isoformat()
    report = capacity.workload_report(store, f.team_ids, f.team, start, end)
    page = Page("workload", "Workload", INTRO, f, template="dashboard/workload.html")
    if report.get("suppressed"):
        page.suppressed = report["reason"]
        return page
    if not report["people"]:
        page.empty = no_data_message(principal, f)
        return page
    page.extra["people"] = report["people"]
    target = report["available_weekly_hours"]
    zones = charts.Zones(target * UNUSED, target, target * OVERLOAD)
    page.extra["assumed"] = (
        f"Assumed: a {report['weekly_hours_target']:g}-hour week less "
        f"{share(report['shrinkage'])} shrinkage, so {target:g} available hours per five "
        f"working days; counted from each person's first tracked day, without "
        f"{report['holidays']} organisation holiday{'s' if report['holidays'] != 1 else ''} "
        f"and {report['absent_days']} recorded absence day"
        f"{'s' if report['absent_days'] != 1 else ''} in the period."
    )
    people = report["people"]
    if report["individual_reports"] and report["persons"]:
        rows = [{**p, "status_text": STATUS[p["status"]][0]} for p in report["persons"]]
        page.table = Table(
            "Weekly hours per person",
            [
                Column("person", "Team / person"),
                Column("available_days", "Available days", "count"),
                Column("available_hours", "Available hours", "hours"),
                Column("tracked_hours", "Tracked hours", "hours"),
                Column("share_of_available", "Share of available", "share"),
                Column("weekly_hours", "Hours a week", "hours"),
                Column("vs_median", "Against the median", "share"),
                Column("status_text", "Status"),
            ],
            rows,
            note="Individual reports are enabled for this organisation.",
        )
    else:
        rows = [
            {
                "status": f"{STATUS[k][0]}{_limits(k, zones)}",
                "people": report[k if k != "overload" else "overloaded"],
                "share": report[k if k != "overload" else "overloaded"] / people,
            }
            for k in ("overload", "balanced", "unused_capacity", "not_rated")
        ]
        page.table = Table(
            "People per workload status",
            [
                Column("status", "Status"),
                Column("people", "People", "count"),
                Column("share", "Share of people", "share"),
            ],
            rows,
            note="Aggregated: individual reports are off, so no one is shown by name.",
        )
    d = report["distribution"] or {k: 0.0 for k in ("min", "p25", "median", "p75", "max")}
    page.extra["distribution_people"] = report["distribution_people"]
    page.extra["whole_weeks"] = report["whole_weeks"]
    page.extra["distribution"] = [
        ("Lowest", d["min"]),
        ("Lower quartile", d["p25"]),
        ("Median", d["median"]),
        ("Upper quartile", d["p75"]),
        ("Highest", d["max"]),
    ]
    page.headline = [
        Figure("People", count(people), f"over {num(report['weeks'])} weeks"),
        Figure("Available hours", hours(report["available_hours"]), "net of shrinkage, absences"),
        Figure(
            "Tracked of available",
            share(report["share_of_available"]),
            f"{hours(report['tracked_hours'])} tracked",
        ),
        Figure(
            "Median week",
            f"{num(report['median_weekly_hours'])} h" if report["median_weekly_hours"] else "—",
            f"available {target:g} h",
        ),
        Figure("Overload", count(report["overloaded"]), f"above {zones.high:g} h a week"),
        Figure("Balanced", count(report["balanced"])),
        Figure("Unused capacity", count(report["unused_capacity"]), f"below {zones.low:g} h"),
    ]
    if not html:
        return page
    page.extra.update(absences.form_context(store, principal, f.team_ids, f.start, f.end))
    if report["distribution"] is None:
        return page
    page.charts.append(
        Chart(
            "How weekly hours spread across people",
            charts.box_plot(
                d,
                zones,
                title="Distribution of weekly tracked hours across people",
                desc=f"A box plot over zones: unused capacity below {zones.low:g} hours a week, "
                f"balanced up to {zones.high:g}, overload above. The whiskers run from "
                f"{d['min']:.1f} to {d['max']:.1f} hours, the box from {d['p25']:.1f} to "
                f"{d['p75']:.1f}, the median is {d['median']:.1f}.",
                unit="hours a week",
            ),
            f"Over whole weeks only ({report['whole_weeks']} in the range): a person's first "
            "week, the week they stopped and weeks the range cuts are left out, so a "
            "part week is not a low week. "
            "The box holds the middle half of people; the white line is the median; the "
            "dashed line is the available week (contracted hours less shrinkage). A person's "
            "status also counts their absences, so it can differ from where their week falls.",
        )
    )
    if report["individual_reports"] and report["persons"]:
        page.charts.append(
            Chart(
                "Weekly hours per person",
                charts.value_rows(
                    [
                        (p["person"], p["weekly_hours"], STATUS[p["status"]][1])
                        for p in report["persons"]
                        if p["weekly_hours"] is not None
                    ],
                    zones,
                    title="Weekly tracked hours per person",
                    desc="One bar per person over the workload zones.",
                    unit="h a week",
                ),
            )
        )
    return page


def _limits(status: str, zones: charts.Zones) -> str:
    if status == "not_rated":
        return ""
    if status == "overload":
        return f" (above {zones.high:g} h a week)"
    if status == "unused_capacity":
        return f" (below {zones.low:g} h a week)"
    return f" ({zones.low:g}–{zones.high:g} h a week)"
