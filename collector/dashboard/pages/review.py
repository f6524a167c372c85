"""Monthly review (seed 001): per function, this month against last; volume spike or
efficiency decline; and the one function to improve next."""

from __future__ import annotations

from collector import reports
from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import month_name, per_unit, share
from collector.dashboard.pages import Chart, Figure, Page, no_data_message
from collector.dashboard.tables import Column, Table
from collector.store import Store
from collector.store.accounts import Principal

INTRO = (
    "Thirty minutes a month: hours per unit for each function against last month. A rise "
    "with more than 10% more units is a volume spike; otherwise it is an efficiency decline."
)
CAUSES = {
    "volume_spike": ("volume spike", "#8a6d00"),
    "efficiency_decline": ("efficiency decline", "#a32020"),
    "improved": ("improved", "#2a7a3b"),
    "steady": ("steady", "#5b6474"),
}


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    report = reports.monthly_review_report(store, f.team_ids, f.team, f.month)
    page = Page("review", "Monthly review", INTRO, f, template="dashboard/review.html")
    if report.get("suppressed"):
        page.suppressed = report["reason"]
        return page
    rows = [r for r in report["functions"] if r["units"] or r["previous_units"]]
    if not rows:
        page.empty = no_data_message(principal, f, "output units this month or last")
        return page
    previous = month_name(report["previous_month"])
    page.extra["focus"] = report["focus"]
    page.extra["previous"] = previous
    table_rows = []
    for r in rows:
        label = CAUSES.get(r["cause"] or "", ("not comparable", ""))[0]
        table_rows.append({**r, "cause_text": label, "_none": "no output recorded"})
    page.table = Table(
        f"{month_name(f.month)} against {previous}, per function",
        [
            Column("name", "Function"),
            Column("hours_per_unit", "Per unit now", "per_unit"),
            Column("previous_hours_per_unit", "Per unit before", "per_unit"),
            Column("change", "Change", "change"),
            Column("units", "Units now", "number"),
            Column("previous_units", "Units before", "number"),
            Column("units_change", "Units change", "change"),
            Column("cause_text", "Reading"),
        ],
        table_rows,
        note="Change is hours per unit this month against last; a change within ±2% reads "
        "as steady. 'Not comparable' means one of the months has no output recorded.",
    )
    counted = {k: sum(1 for r in rows if r["cause"] == k) for k in CAUSES}
    focus = report["focus"]
    page.headline = [
        Figure("Suggested focus", focus["name"] if focus else "none", _focus_note(focus)),
        Figure("Efficiency declines", str(counted["efficiency_decline"])),
        Figure("Volume spikes", str(counted["volume_spike"])),
        Figure("Improved", str(counted["improved"])),
    ]
    if not html:
        return page
    bars = []
    for r in rows:
        label, paint = CAUSES.get(r["cause"] or "", ("not comparable", "#5b6474"))
        text = f"{share(r['change'], signed=True)} · {label}" if r["change"] is not None else label
        bars.append(charts.DivergingRow(r["name"], r["change"], paint, text))
    page.charts.append(
        Chart(
            "Change in hours per unit since last month",
            charts.diverging_rows(
                bars,
                title=f"Change in hours per unit, {month_name(f.month)} against {previous}",
                desc="One bar per function: to the right hours per unit rose (slower), to the "
                "left it fell (faster). Each bar is labelled volume spike, efficiency decline, "
                "improved or steady. The table below gives the figures.",
            ),
            "Right of the line is slower than last month, left is faster.",
        )
    )
    return page


def _focus_note(focus: dict | None) -> str:
    if not focus:
        return "every function is within its reasonable band"
    return (
        f"{per_unit(focus['hours_per_unit'])} per unit, reasonable up to "
        f"{per_unit(focus['reasonable_high'])}"
    )
