"""Functions: hours per output unit against seed 001's benchmark bands, and the trend."""

from __future__ import annotations

from collections import defaultdict

from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import money, per_unit, share, short_day
from collector.dashboard.pages import (
    Chart,
    Figure,
    Page,
    group_floor,
    no_data_message,
)
from collector.dashboard.tables import Column, Table
from collector.service import reports
from collector.service.report_weeks import totals_note
from collector.store import Principal, Store
from shared.catalogue import functions

INTRO = (
    "Hours spent per output unit for each back-office function, against the benchmark bands "
    "(efficient, reasonable, watch, slow). Quality comes first: a function whose error rate is "
    "above its limit is 'below quality' however fast it is. Hours and units per week sit beside "
    "each per-unit figure, so a count that cannot fit the operation shows."
)
ATTENTION = ("watch", "slow", "below_quality")


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    start, end = f.start.isoformat(), f.end.isoformat()
    report = reports.time_per_unit_report(store, f.team_ids, f.team, start, end)
    page = Page("functions", "Functions", INTRO, f, template="dashboard/functions.html")
    if report.get("suppressed"):
        page.suppressed = report["reason"]
        return page
    rows = report["functions"]
    if not any(r["hours"] > 0 or r["units"] > 0 for r in rows):
        page.empty = no_data_message(principal, f, "tracked function time or output units")
        return page
    page.extra["people"] = report["people"]
    shown = [r for r in rows if r["hours"] > 0 or r["units"] > 0]
    table_rows = []
    for r in shown:
        table_rows.append(
            {
                **r,
                "fix_text": r["fix"]["fix"] if r["fix"] else None,
                "_none": "no output recorded" if r["hours_per_unit"] is None else None,
            }
        )
    page.table = Table(
        "Hours per output unit per function",
        [
            Column("name", "Function"),
            Column("output_unit", "Output unit"),
            Column("hours", "Hours", "hours"),
            Column("hours_per_week", "Hours a week", "hours"),
            Column("units", "Units", "count"),
            Column("units_per_week", "Units a week", "number"),
            Column("hours_per_unit", "Per unit", "per_unit"),
            Column("band", "Band", "band"),
            Column("corrections", "Corrections", "count"),
            Column("error_rate", "Error rate", "share1"),
            Column("quality_limit", "Quality limit", "share1"),
            Column("quality_adjusted_units", "Quality-adjusted units", "number"),
            Column("money_at_stake", "Money at stake", "money"),
            Column("fix_text", "Seed 001's fix"),
        ],
        table_rows,
        currency=report["currency"],
        note=f"Benchmarks scale with an operation of {report['operation_size']} people where "
        "the seed gives them per operation size. Payroll's error rate is per paycheck "
        f"(corrected paychecks / pay cycles x {report['operation_size']}). Money at stake is "
        "the time above the reasonable limit at the hourly cost. A function with hours but no "
        "units says 'no output recorded': record its units on the Output units page. "
        + totals_note(report, group_floor(store)),
    )
    banded = [r for r in shown if r["band"]]
    missing = [r for r in shown if r["hours"] > 0 and r["hours_per_unit"] is None]
    at_stake = sum(r["money_at_stake"] or 0 for r in shown)
    below = [r for r in banded if r["band"] == "below_quality"]
    page.headline = [
        Figure("Functions with time", str(sum(1 for r in shown if r["hours"] > 0))),
        Figure(
            "Efficient or reasonable",
            str(sum(1 for r in banded if r["band"] in ("efficient", "reasonable"))),
        ),
        Figure("Watch or slow", str(sum(1 for r in banded if r["band"] in ("watch", "slow")))),
        Figure(
            "Below quality",
            str(len(below)),
            ", ".join(r["name"] for r in below[:3]) if below else "every error rate within limit",
        ),
        Figure("Money at stake", money(at_stake, report["currency"]), "time above reasonable"),
        Figure(
            "No output recorded",
            str(len(missing)),
            ", ".join(r["name"] for r in missing[:3]) if missing else "",
        ),
    ]
    page.extra["fixes"] = [
        {
            "name": r["name"],
            "band": r["band"],
            "money": money(r["money_at_stake"], report["currency"]) if r["money_at_stake"] else "",
            "fix": r["fix"],
        }
        for r in sorted(shown, key=lambda r: -(r["money_at_stake"] or 0))
        if r["band"] in ATTENTION
    ]
    if not html:
        return page
    bullets = []
    for r in shown:
        b = r["benchmark"]
        bullets.append(
            charts.BulletRow(
                r["name"],
                r["hours_per_unit"],
                per_unit(r["hours_per_unit"]),
                (b["efficient_below"], b["reasonable_high"], b["slow_above"]) if b else None,
                r["band"],
                note="no output recorded" if r["hours_per_unit"] is None else "",
                quality=_quality_text(r),
            )
        )
    page.charts.append(
        Chart(
            "Hours per unit against the benchmark bands",
            charts.bullets(
                bullets,
                title="Hours per output unit per function, against benchmark bands",
                desc="One row per function; the bar ends at the hours per unit, over shaded "
                "bands for efficient, reasonable, watch and slow; the label gives the band and "
                "the error rate against its limit. The table below has the figures.",
            ),
            "Each row has its own scale: a schedule and a QA evaluation are measured in very "
            "different units. Functions without a benchmark are drawn on a plain background. "
            "The error rate beside each bar is the quality check; above its limit the bar is "
            "'below quality' whatever its length.",
        )
    )
    page.charts.append(_trend(store, f, [r for r in shown if r["hours"] > 0], report))
    return page


def _quality_text(r: dict) -> str:
    if r["error_rate"] is None:
        return ""
    return (
        f"errors {share(r['error_rate'], digits=1)} (limit {share(r['quality_limit'], digits=1)})"
    )


def _trend(store: Store, f: Filters, rows: list[dict], report: dict) -> Chart:
    start, end = f.start.isoformat(), f.end.isoformat()
    hours: dict[str, dict[str, float]] = defaultdict(dict)
    for w in store.weekly_hours_by_function(f.team_ids, start, end):
        hours[w["week"]][w["category"]] = w["hours"]
    units: dict[str, dict[str, float]] = defaultdict(dict)
    for w in store.weekly_units_by_function(f.team_ids, start, end):
        units[w["week"]][w["function"]] = w["units"]
    weeks = sorted(set(hours) | set(units))
    # The report's hidden weeks: the trend hides what the table's totals may leave out.
    suppressed = {w["week"] for w in report["suppressed_weeks"]}
    weeks = sorted(set(weeks) | suppressed)
    hidden = frozenset(i for i, w in enumerate(weeks) if w in suppressed)
    catalogue = functions()
    panels = []
    for r in rows:
        fid = r["function"]
        values: list[float | None] = []
        for i, w in enumerate(weeks):
            u = units[w].get(fid, 0.0)
            # A hidden week's value is never computed into the chart, not even its scale.
            values.append(hours[w].get(fid, 0.0) / u if u > 0 and i not in hidden else None)
        known = [v for v in values if v is not None]
        factor, unit = (60.0, "min") if known and max(known) < 1 else (1.0, "h")
        b = catalogue[fid].benchmark
        scaled = b.scaled(report["operation_size"]) if b else None
        panels.append(
            charts.TrendPanel(
                fid,
                r["name"],
                unit,
                factor,
                values,
                (scaled.reasonable_low, scaled.reasonable_high) if scaled else None,
                hidden,
            )
        )
    labels = [short_day(w) for w in weeks]
    return Chart(
        "Trend per function (hours per unit, per week)",
        charts.small_multiples(
            labels,
            panels,
            title="Hours per unit per week, one panel per function",
            desc="Small line charts, one per function, of hours (or minutes) per unit each week; "
            "the shaded band is the reasonable range. A gap is a week with no output recorded.",
        ),
        "The shaded band is the benchmark's reasonable range. Weeks start on Monday.",
    )
