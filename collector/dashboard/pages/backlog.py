"""Backlog & SLA (issue 12; seed 003): per work type, what is open and how old,
what is past due, what must be completed to breach nothing, and the staff
that takes against the staff put in, as of the end of a day.

Item figures (counts, aging, SLA, cycle time, the projection) describe work,
not people, and always show. Handle time, IPH and FTE come from people's
hours and are hidden, with the reason, below the minimum group
(collector/service/backlog.py decides; this page only says so).
"""

from __future__ import annotations

from collector.dashboard.charts import TrendPanel, small_multiples
from collector.dashboard.charts.backlog import AgeColumn, BacklogDay, aging_columns
from collector.dashboard.charts.backlog import backlog_columns as flow_columns
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import count, num, share, short_day
from collector.dashboard.pages import Chart, Figure, Page
from collector.dashboard.tables import Column, Table
from collector.service import backlog
from collector.store import Principal, Store

INTRO = (
    "Deferred work per type, as of the end of the chosen day in the organisation's time zone: "
    "what is open and how old, what is past its SLA (due times count business days, skipping "
    "weekends and the holidays in Settings), what has to be completed today (today's arrivals "
    "plus what falls due by tonight) and the steady daily rate that breaches nothing over the "
    "planning horizon, and the staff that takes against the desktop hours put in."
)


def sla_text(t: dict) -> str:
    if t["sla_business_days"] is not None:
        n = t["sla_business_days"]
        return f"SLA {n} business day{'s' if n != 1 else ''}"
    return f"SLA {num(t['sla_hours'], 0)} h"


def sla_age(t: dict) -> float:
    """The age (calendar days) from which an item can be past due: a type of n
    business days is due at the end of the (n-1)th business day after its
    receipt's day (receipt on a business day counts as the first)."""
    if t["sla_business_days"] is not None:
        return float(t["sla_business_days"] - 1)
    return t["sla_hours"] / 24


def _row(t: dict) -> dict:
    return {
        **t,
        "sla": sla_text(t)[4:],
        "handle_source": t["handle_source"] or "",
        "fte_gap": None
        if t["fte_required"] is None or t["fte_put_in"] is None
        else t["fte_required"] - t["fte_put_in"],
    }


COLUMNS = [
    Column("name", "Work type"),
    Column("function", "Function"),
    Column("sla", "SLA"),
    Column("open", "Open", "count"),
    Column("breached", "Past due", "count"),
    Column("backlog_health_index", "Health index", "share"),
    Column("arrivals", "Arrived", "count"),
    Column("completions", "Completed", "count"),
    Column("required_completions", "Required today", "count"),
    Column("required_no_breach", "No-breach rate / day", "number"),
    Column("completion_rate", "Completed / business day", "number"),
    Column("sla_compliance_rate", "SLA met (4 weeks)", "share"),
    Column("cycle_time_median_hours", "Cycle time median", "hours"),
    Column("cycle_time_p90_hours", "Cycle time p90", "hours"),
    Column("handle_hours", "Handle time", "hours"),
    Column("handle_source", "Handle time from"),
    Column("iph", "Items per hour", "number"),
    Column("quality_adjusted_iph", "Quality-adjusted IPH", "number"),
    Column("fte_required", "FTE required", "number"),
    Column("fte_required_no_breach", "FTE for no breach", "number"),
    Column("fte_put_in", "FTE put in", "number"),
    Column("fte_gap", "FTE short (+) / spare (-)", "number"),
]


def _type_options(store: Store, f: Filters) -> list[tuple[str, str]]:
    types = [(t["key"], t["name"]) for t in store.work_types()]
    if f.work_type and f.work_type not in {k for k, _ in types}:
        f.errors.append(f"Work type: no work type {f.work_type!r}; showing every type.")
        f.work_type = None
    return types


def _headline(types: list[dict]) -> list[Figure]:
    open_, late = sum(t["open"] for t in types), sum(t["breached"] for t in types)
    required = sum(t["required_completions"] for t in types)
    shown = [t for t in types if t["fte_required"] is not None and t["fte_put_in"] is not None]
    figures = [
        Figure("Open", count(open_), "items at the day's end"),
        Figure("Past due", count(late), "open past their SLA"),
        Figure(
            "Health index",
            share((open_ - late) / open_) if open_ else "–",
            "open items not yet due",
        ),
        Figure("Required today", count(required), "arrivals + due by tonight"),
    ]
    if shown:
        need = sum(t["fte_required"] for t in shown)
        have = sum(t["fte_put_in"] for t in shown)
        figures.append(Figure("FTE required / put in", f"{num(need)} / {num(have)}", "today"))
    return figures


def _charts(report: dict) -> list[Chart]:
    charts = []
    for t in report["types"]:
        days = [BacklogDay(short_day(d["date"]), d["backlog"]) for d in t["days"][-20:]] + [
            BacklogDay(short_day(p["date"]), p["backlog"], True, p["breaches"])
            for p in t["projection"]
        ]
        breach_days = [p["date"] for p in t["projection"] if p["breach"]]
        note = (
            f"At today's pace ({num(t['completion_rate'])} a business day), items go past due "
            f"on {len(breach_days)} of the next {len(t['projection'])} business days, first "
            f"{short_day(breach_days[0])}; {num(t['required_no_breach'])} a day would breach "
            "none."
            if breach_days
            else f"At today's pace ({num(t['completion_rate'])} a business day) nothing goes "
            f"past due over the next {len(t['projection'])} business days."
        )
        charts.append(
            Chart(
                f"{t['name']}: backlog and projection",
                flow_columns(
                    days,
                    title=f"{t['name']}: open items per day and projected",
                    desc=f"Open at each day's end, then projected at the current pace. {note}",
                ),
                note + " Arrivals are forecast from the same weekday's average of four weeks.",
            )
        )
        ages = [AgeColumn(a["age_days"], a["count"], a["breached"]) for a in t["aging"]]
        charts.append(
            Chart(
                f"{t['name']}: open items by age",
                aging_columns(
                    ages,
                    sla_age(t),
                    sla_text(t),
                    title=f"{t['name']}: open items by age",
                    desc=f"{t['open']} open, {t['breached']} past due; {sla_text(t)}.",
                ),
                "Red is past due. The dashed line is the age from which an item can be past "
                "due; weekends and holidays push some beyond it still on time.",
            )
        )
    charts.append(_trends(report))
    return charts


def _trends(report: dict) -> Chart:
    weeks = [w["week"] for w in report["types"][0]["weeks"]]
    panels = []
    for t in report["types"]:
        panels.append(
            TrendPanel(
                t["function"],
                f"{t['name']}: SLA met",
                "%",
                100.0,
                [w["sla_compliance_rate"] for w in t["weeks"]],
            )
        )
        panels.append(
            TrendPanel(
                t["function"],
                f"{t['name']}: cycle time",
                "h",
                1.0,
                [w["cycle_time_median_hours"] for w in t["weeks"]],
            )
        )
    return Chart(
        "SLA compliance and cycle time, week by week",
        small_multiples(
            weeks,
            panels,
            title="Weekly SLA compliance and median cycle time per work type",
            desc="Share of the week's completions done by their due time, and their median "
            "time from receipt to completion, for the last twelve weeks.",
        ),
        "A week with no completions leaves a gap.",
    )


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    page = Page("backlog", "Backlog & SLA", INTRO, f, template="dashboard/backlog.html")
    page.extra["type_options"] = _type_options(store, f)
    if not page.extra["type_options"]:
        page.empty = (
            "No work types yet. An admin adds them (PUT /api/v1/work-types): each names its "
            "function and its SLA. Then import the workflow system's items here, with "
            "`backlight-collector work-items import`, or by POST /api/v1/work-items."
        )
        return page
    report = backlog.backlog_report(store, f.team_ids, f.team, f.end, f.work_type)
    types = report["types"]
    page.table = Table(
        "Backlog and SLA per work type",
        COLUMNS,
        [_row(t) for t in types],
        note=f"As of the end of {f.end.isoformat()} ({report['timezone']}). SLA met, cycle "
        f"time, handle time and items per hour cover the four weeks "
        f"{report['window']['from']} to {report['window']['to']}; FTE put in = desktop hours "
        "on the type's function / (planning.day_hours x business days).",
    )
    hidden = next((t["people_figures"] for t in types if t["people_figures"]), None)
    if hidden:
        page.extra["people_hidden"] = hidden["reason"]
        page.table.note += f" Handle time, items per hour and FTE are hidden: {hidden['reason']}."
    if not any(t["open"] or any(d["arrivals"] for d in t["days"]) for t in types):
        page.empty = (
            f"No work items open or received in the four weeks to {f.end.isoformat()}. "
            "Import the workflow system's items below, or post them to /api/v1/work-items."
        )
    page.headline = _headline(types)
    if html and not page.empty:
        page.charts = _charts(report)
    return page
