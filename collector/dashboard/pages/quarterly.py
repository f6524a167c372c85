"""Quarterly review (seed 001): is the back office getting lighter for the operation
it serves, were processes added, is quality holding, and is next quarter's focus
the processes or the staffing?"""

from __future__ import annotations

from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import cell, share
from collector.dashboard.pages import Chart, Figure, Page, no_data_message
from collector.dashboard.tables import Column, Table
from collector.service import quarterly
from collector.store import Principal, Store

INTRO = (
    "Sixty minutes a quarter: back-office hours per member of the operation it serves, "
    "which should fall as processes improve; processes added without a simplification "
    "elsewhere; error rates as the quality counterpart of time; and a decision for next "
    "quarter: better processes with the same people, or different staffing."
)
DECISIONS = {
    "process_improvement": "Process improvement",
    "capacity_adjustment": "Capacity adjustment",
    "no_change": "No change needed",
}


def _per_member(value: float | None) -> str:
    return "no figure" if value is None else f"{value:,.2f} h"


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    report = quarterly.quarterly_review_report(store, f.team_ids, f.team, f.quarter)
    page = Page("quarterly", "Quarterly review", INTRO, f, template="dashboard/quarterly.html")
    if report.get("suppressed"):
        page.suppressed = report["reason"]
        return page
    if report["hours_per_operation_member"] is None:
        page.empty = no_data_message(principal, f, f"tracked time in {f.quarter}")
        return page
    page.extra.update(
        people=report["people"],
        decision=report["decision"],
        decision_name=DECISIONS[report["decision"]["kind"]],
        coverage=report["coverage"],
        change_basis=report["change_basis"],
        previous=report["previous_quarter"],
        added=[r["name"] for r in report["functions"] if r["added"]],
    )
    rows = [
        {**r, "added_text": "added" if r["added"] else ""}
        for r in report["functions"]
        if r["hours"] or r["previous_hours"]
    ]
    page.table = Table(
        f"{f.quarter} against {report['previous_quarter']}, per function",
        [
            Column("name", "Function"),
            Column("hours", "Hours now", "hours"),
            Column("previous_hours", "Hours before", "hours"),
            Column("band", "Band now", "band"),
            Column("error_rate", "Error rate now", "share1"),
            Column("previous_error_rate", "Error rate before", "share1"),
            Column("error_rate_change", "Error rate change", "points"),
            Column("added_text", "New this quarter"),
        ],
        rows,
        note="Error rates change in points (2.0% to 8.0% is +6.0 pts). A function is new when "
        "it has hours this quarter and none the last; nothing is new against a quarter "
        "nobody was tracked in.",
    )
    basis = (
        "per tracked working day"
        if report["change_basis"] == "tracked_day"
        else "quarter on quarter"
    )
    page.headline = [
        Figure(
            "Back-office hours per operation member",
            _per_member(report["hours_per_operation_member"]),
            f"of an operation of {report['operation_size']:,}",
        ),
        Figure(
            f"In {report['previous_quarter']}",
            _per_member(report["previous_hours_per_operation_member"]),
        ),
        Figure(
            "Change",
            share(report["change"], signed=True) if report["change"] is not None else "–",
            basis,
        ),
        Figure("Processes added", str(len(report["added"]))),
        Figure("Decision", DECISIONS[report["decision"]["kind"]]),
    ]
    if not html:
        return page
    trend = report["trend"]
    values = [t["hours_per_operation_member"] or 0.0 for t in trend]
    missing = {
        i: ("too few people" if t["hidden"] else "not tracked")
        for i, t in enumerate(trend)
        if t["hours_per_operation_member"] is None
    }
    page.charts.append(
        Chart(
            "Back-office hours per operation member, last four quarters",
            charts.columns(
                [t["quarter"] + ("*" if not t["complete"] else "") for t in trend],
                values,
                title="Back-office hours per operation member by quarter",
                desc="One column per quarter, oldest first; the seed expects them to fall as "
                "processes improve. A quarter marked * was under way or not tracked on every "
                "working day; grey columns have no figure.",
                unit="h",
                suppressed=missing,
            ),
            "* under way or not wholly tracked: compare it per tracked day (the change above).",
        )
    )
    bars = [
        charts.DivergingRow(
            r["name"],
            r["error_rate_change"],
            "#a32020" if (r["error_rate_change"] or 0) > 0 else "#2a7a3b",
            cell(r["error_rate_change"], "points"),
        )
        for r in rows
        if r["error_rate_change"] is not None
    ]
    if bars:
        page.charts.append(
            Chart(
                "Change in error rate since last quarter",
                charts.diverging_rows(
                    bars,
                    title=f"Change in error rate, {f.quarter} against {report['previous_quarter']}",
                    desc="One bar per function: to the right the error rate rose, to the left "
                    "it fell, in percentage points. The table below gives the figures.",
                ),
                "Quality is the counterpart of time: a function that got faster while its "
                "errors rose has not improved.",
            )
        )
    return page
