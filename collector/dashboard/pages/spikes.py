"""Spike calendar (seed 001: "map the recurring spikes on a calendar"): per
function, each day against that weekday's usual hours, the recurring spikes
named, so a lead sees pay runs and month ends coming and whether they overlap."""

from __future__ import annotations

from datetime import date

from collector.dashboard.charts.calendar import CalendarRow, spike_calendar
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import count, hours, num
from collector.dashboard.pages import Chart, Figure, Page, no_data_message
from collector.dashboard.tables import Column, Table
from collector.service import spikes
from collector.store import Principal, Store

INTRO = (
    "Each day's hours on a function against its usual hours on that weekday: the median of "
    "the same weekday over the previous eight weeks. A spike is at least 1.5 times the usual "
    "and at least an hour more. Spikes that come back (pay-run days, month end, the same day "
    "each month, hiring waves) are named, so they can be planned for rather than scrambled "
    "through."
)


def _tip(name: str, d: dict) -> str:
    day = date.fromisoformat(d["day"]).strftime("%a %d %b %Y")
    if d.get("suppressed"):
        return f"{name}, {day}: hidden, fewer people than the minimum group"
    if d["baseline"] is None:
        return f"{name}, {day}: {hours(d['hours'])}, no baseline yet (under four weeks)"
    ratio = f" ({num(d['ratio'], 2)}x)" if d["ratio"] is not None else ""
    named = f", {d['recurring']}" if d.get("recurring") else ""
    spike = " spike" if d["spike"] else ""
    return (
        f"{name}, {day}: {hours(d['hours'])} against usually {hours(d['baseline'])}"
        f"{ratio}{spike}{named}"
    )


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    start, end = f.start.isoformat(), f.end.isoformat()
    report = spikes.spike_report(store, f.team_ids, f.team, start, end)
    page = Page("spikes", "Spike calendar", INTRO, f, template="dashboard/spikes.html")
    if report.get("suppressed"):
        page.suppressed = report["reason"]
        return page
    rows = [r for r in report["functions"] if r["hours"] > 0]
    if not rows:
        page.empty = no_data_message(principal, f)
        return page
    page.extra["recurring"] = report["recurring"]
    table_rows = []
    hidden = 0
    for r in rows:
        for d in r["days"]:
            if d.get("suppressed"):
                hidden += 1
            elif d["spike"]:
                table_rows.append(
                    {
                        "name": r["name"],
                        "day": d["day"],
                        "hours": d["hours"],
                        "baseline": d["baseline"],
                        "ratio": d["ratio"],
                        "recurring": d["recurring"] or "",
                    }
                )
    table_rows.sort(key=lambda t: (t["day"], t["name"]))
    page.table = Table(
        "Spike days",
        [
            Column("day", "Day", "day"),
            Column("name", "Function"),
            Column("hours", "Hours", "hours"),
            Column("baseline", "Usual for the weekday", "hours"),
            Column("ratio", "Times usual", "number"),
            Column("recurring", "Recurring spike"),
        ],
        table_rows,
        note="Usual = median of the same weekday's hours over the previous eight weeks (at "
        "least four needed). A recurring spike is seen in at least two of the last six months "
        "and in at least half of the months that could show it; pay-run days are payroll's "
        "spikes on the days pay cycles were recorded (or the business day before)."
        + (
            f" {hidden} function-days with fewer people than the minimum group are hidden."
            if hidden
            else ""
        ),
    )
    named_days = sum(1 for t in table_rows if t["recurring"])
    page.headline = [
        Figure("Spike days", count(len(table_rows)), "function-days above usual"),
        Figure("Named", count(named_days), "belong to a recurring spike"),
        Figure("Recurring spikes", count(len(report["recurring"])), "patterns found"),
        Figure("People", count(report["people"]), "tracked in the period"),
    ]
    if not html:
        return page
    calendar_rows = []
    for r in rows:
        cells = {
            date.fromisoformat(d["day"]): (d["level"], _tip(r["name"], d), bool(d.get("recurring")))
            for d in r["days"]
        }
        calendar_rows.append(CalendarRow(r["name"], cells))
    page.charts.append(
        Chart(
            "Hours against the usual for the weekday",
            spike_calendar(calendar_rows, f.start, f.end, title="Spike calendar per function"),
            "Rows share the days, so spikes of two functions on the same days line up: that is "
            "when the people doing both are overloaded.",
        )
    )
    return page
