"""Monthly review (seed 001): per function, this month against last; volume spike or
efficiency decline; and the one function to improve next."""

from __future__ import annotations

from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import hours, money, month_name, per_unit, share
from collector.dashboard.pages import Chart, Figure, Page, no_data_message
from collector.dashboard.tables import Column, Table
from collector.service import reports
from collector.service.reports import month_bounds
from collector.store import Principal, Store

INTRO = (
    "Thirty minutes a month: hours, units and hours per unit for each function against last "
    "month. Where time rose, was it a volume spike (more units, about the same time each) or an "
    "efficiency decline (more time each, for about the same units)?"
)
#: In the contract's order (docs/design.md §4), with a colour and a word for each.
CAUSES = {
    "not_comparable": ("not comparable", "#5b6474"),
    "efficiency_decline": ("efficiency decline", "#a32020"),
    "volume_spike": ("volume spike", "#8a6d00"),
    "improved": ("improved", "#2a7a3b"),
    "slower": ("slower", "#b35c00"),
    "steady": ("steady", "#5b6474"),
}


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    report = reports.monthly_review_report(store, f.team_ids, f.team, f.month)
    page = Page("review", "Monthly review", INTRO, f, template="dashboard/review.html")
    if report.get("suppressed"):
        page.suppressed = report["reason"]
        return page
    rows = [
        r
        for r in report["functions"]
        if r["units"] or r["previous_units"] or r["hours"] or r["previous_hours"]
    ]
    if not rows:
        page.empty = no_data_message(principal, f, "output units this month or last")
        return page
    previous = month_name(report["previous_month"])
    page.extra["focus"] = report["focus"]
    page.extra["focus_money"] = (
        money(report["focus"]["money_at_stake"], report["currency"]) if report["focus"] else ""
    )
    page.extra["previous"] = previous
    page.extra["month"] = month_name(f.month)
    page.extra["unit_days_differ"] = report["unit_days_differ"]
    table_rows = []
    spiked = []
    for r in rows:
        label = CAUSES[r["cause"]][0]
        reading = r.get("spike_calendar")
        if reading:
            named = ", ".join(reading["recurring"])
            label = f"{label}: {named}" if named else label
            spiked.append({"name": r["name"], "named": named, **reading})
        table_rows.append({**r, "cause_text": label, "_none": "no output recorded"})
    page.extra["spiked"] = spiked
    page.extra["calendar_args"] = {
        "team": f.team,
        "from": month_bounds(f.month)[0],
        "to": month_bounds(f.month)[1],
    }
    page.table = Table(
        f"{month_name(f.month)} against {previous}, per function",
        [
            Column("name", "Function"),
            Column("hours", "Hours now", "hours"),
            Column("previous_hours", "Hours before", "hours"),
            Column("hours_change", "Hours change", "change"),
            Column("units", "Units now", "count"),
            Column("previous_units", "Units before", "count"),
            Column("units_change", "Units change", "change"),
            Column("unit_days", "Unit days now", "count"),
            Column("previous_unit_days", "Unit days before", "count"),
            Column("hours_per_unit", "Per unit now", "per_unit"),
            Column("previous_hours_per_unit", "Per unit before", "per_unit"),
            Column("change", "Per unit change", "change"),
            Column("band", "Band now", "band"),
            Column("cause_text", "Reading"),
        ],
        table_rows,
        note="Hours per function are taken over the days its units account for (from the day "
        "after the last unit day before the month to the month's last unit day), so a month "
        "with five Fridays of units compares with one of four. "
        "Readings, first match: not comparable (a month without units); efficiency decline "
        "(per unit up over 10%, units up no more than 10%); volume spike (hours and units both "
        "up over 10%); improved (per unit down over 2%); slower (per unit up over 2%); steady.",
    )
    counted = {k: sum(1 for r in rows if r["cause"] == k) for k in CAUSES}
    focus = report["focus"]
    page.headline = [
        Figure(
            "Back-office hours",
            hours(report["hours"]),
            f"{share(report['hours_change'], signed=True)} on {previous}"
            if report["hours_change"] is not None
            else f"none in {previous}",
        ),
        Figure("Suggested focus", focus["name"] if focus else "none", _focus_note(focus)),
        Figure("Efficiency declines", str(counted["efficiency_decline"])),
        Figure("Volume spikes", str(counted["volume_spike"])),
        Figure("Improved", str(counted["improved"])),
    ]
    if not html:
        return page
    for key, heading, what in (
        ("hours_change", "Change in hours since last month", "hours"),
        ("change", "Change in hours per unit since last month", "hours per unit"),
    ):
        bars = []
        for r in rows:
            label, paint = CAUSES[r["cause"]]
            value = r[key]
            text = f"{share(value, signed=True)} · {label}" if value is not None else label
            bars.append(charts.DivergingRow(r["name"], value, paint, text))
        page.charts.append(
            Chart(
                heading,
                charts.diverging_rows(
                    bars,
                    title=f"Change in {what}, {month_name(f.month)} against {previous}",
                    desc=f"One bar per function: to the right {what} rose, to the left they "
                    "fell. Each bar is labelled with its reading. The table below gives the "
                    "figures.",
                ),
                "Read the two charts together: hours up with hours per unit flat is a volume "
                "spike; hours per unit up is an efficiency decline."
                if key == "change"
                else "Right of the line is more time than last month, left is less.",
            )
        )
    return page


def _focus_note(focus: dict | None) -> str:
    if not focus:
        return "every function is within its reasonable band"
    if focus["reason"] == "below_quality":
        return (
            f"error rate {share(focus['error_rate'], digits=1)}, "
            f"limit {share(focus['quality_limit'], digits=1)}"
        )
    return (
        f"{per_unit(focus['hours_per_unit'])} per unit, reasonable up to "
        f"{per_unit(focus['reasonable_high'])}"
    )
