"""Interruptions: how many, the minutes they cost (with the seed's 10-15 minutes of
recovery as a range), the money, task switches, and the seed's advice."""

from __future__ import annotations

from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import count, hours, minutes, money, num, share, short_day
from collector.dashboard.pages import Chart, Figure, Page, no_data_message
from collector.dashboard.tables import Column, Table
from collector.service import reports
from collector.store import Principal, Store

INTRO = (
    "An interruption is a switch from focused work to chat, email, calls, meetings or a "
    "break of up to 15 minutes, then back to the same work. Each one costs the time away "
    "plus 10–15 minutes to get back into the task."
)


def _range(low: float | None, high: float | None, fmt) -> str:
    if low is None or high is None:
        return "—"
    return f"{fmt(low)} – {fmt(high)}"


def _seconds(value: float) -> str:
    return f"{value / 60:g} min" if value >= 60 and value % 60 == 0 else f"{value:g} s"


def thresholds_text(t: dict) -> str:
    return (
        f"at least {_seconds(t['min_focus_s'])} of focus before a switch away, "
        f"away at most {_seconds(t['max_away_s'])}"
    )


def counted_with_notes(report: dict) -> tuple[str, str | None]:
    """The report's stamp as the page says it: the thresholds, and while a
    recount of history runs, how far it is and that the figures mix both."""
    stamp = f"Counted with {thresholds_text(report['thresholds'])}."
    recount = report["recount"]
    if not recount["running"]:
        return stamp, None
    before = recount["previous_thresholds"]
    earlier = f" ({thresholds_text(before)})" if before else ""
    return stamp, (
        f"Recounting: {recount['done']:,} of {recount['total']:,} person-days done with "
        "these thresholds. Until it finishes, the days not reached yet still carry counts "
        f"made with the previous thresholds{earlier}, so these figures mix both."
    )


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    start, end = f.start.isoformat(), f.end.isoformat()
    report = reports.interruptions_report(store, f.team_ids, f.team, start, end)
    page = Page("interruptions", "Interruptions", INTRO, f, template="dashboard/interruptions.html")
    if report.get("suppressed"):
        page.suppressed = report["reason"]
        return page
    if not report["days"]:
        page.empty = no_data_message(principal, f)
        return page
    cur = report["currency"]
    page.extra["counted_with"] = counted_with_notes(report)
    page.extra["people"] = report["people"]
    page.extra["advice"] = report["advice"]
    s = store.settings()
    page.extra["recovery"] = (
        s["interruptions.recovery_min_s"] / 60,
        s["interruptions.recovery_max_s"] / 60,
    )
    days = report["days"]
    few = f"fewer than {s['privacy.min_group_size']} people"
    hidden = {i for i, d in enumerate(days) if d.get("suppressed")}
    rows = [
        {"day": d["day"], "suppressed": f"Suppressed: {few} that day."} if i in hidden else d
        for i, d in enumerate(days)
    ]
    page.table = Table(
        "Interruptions per day",
        [
            Column("day", "Day", "day"),
            Column("people", "People", "count"),
            Column("count", "Interruptions", "count"),
            Column("away_minutes", "Minutes away", "number"),
            Column("lost_minutes_low", "Minutes lost (low)", "number"),
            Column("lost_minutes_high", "Minutes lost (high)", "number"),
            Column("task_switches", "Task switches", "count"),
            Column("tracked_hours", "Tracked hours", "hours"),
            Column("focus_hours", "Focus hours", "hours"),
            Column("focus_sessions", "Focus sessions", "count"),
        ],
        rows,
        currency=cur,
        note="Minutes lost = minutes away + recovery per interruption "
        f"({page.extra['recovery'][0]:g}–{page.extra['recovery'][1]:g} minutes). "
        "Task switches (from one function straight to another) are counted apart. "
        "A focus session is 15 minutes or more with at least 75% on one work function; "
        "it ends after more than 4 minutes away from it.",
    )
    per_day = report["per_person_day"]
    page.headline = [
        Figure(
            "Interruptions",
            count(report["count"]),
            f"{num(per_day)} per person per day" if per_day is not None else "",
        ),
        Figure(
            "Time lost",
            _range(report["lost_minutes_low"], report["lost_minutes_high"], minutes),
            "time away plus recovery",
        ),
        Figure(
            "Share of tracked time",
            _range(report["share_of_tracked_low"], report["share_of_tracked_high"], share),
            f"of {hours(report['tracked_hours'])} tracked",
        ),
        Figure(
            "Cost",
            _range(report["cost_low"], report["cost_high"], lambda v: money(v, cur)),
            f"at {money(s['cost.hourly_rate'], cur)} an hour",
        ),
        Figure("Task switches", count(report["task_switches"]), "function to function"),
        _focus_figure(report["focus"]),
    ]
    if not html:
        return page
    labels = [short_day(d["day"]) for d in days]
    suppressed = {i: f"suppressed, {few}" for i in hidden}
    page.charts.append(
        Chart(
            "Interruptions per day",
            charts.columns(
                labels,
                [0.0 if i in hidden else float(d["count"]) for i, d in enumerate(days)],
                title="Interruptions per day",
                desc=f"Columns, one per day from {labels[0]} to {labels[-1]}, giving the number "
                "of interruptions. The table below gives the figures.",
                unit="interruptions",
                suppressed=suppressed,
            ),
        )
    )
    page.charts.append(
        Chart(
            "Minutes lost per day",
            charts.range_columns(
                labels,
                [None if i in hidden else d["lost_minutes_low"] for i, d in enumerate(days)],
                [None if i in hidden else d["lost_minutes_high"] for i, d in enumerate(days)],
                title="Minutes lost to interruptions per day, low and high estimate",
                desc="Columns per day: the solid part is the low estimate of minutes lost "
                "(time away plus the shortest recovery), the light cap reaches the high "
                "estimate. The table below gives the figures.",
                unit="minutes",
                low_label="time away + shortest recovery",
                high_label="up to the longest recovery",
                suppressed=suppressed,
            ),
            "A range, because recovery after an interruption takes 10–15 minutes.",
        )
    )
    return page


def _focus_figure(focus: dict) -> Figure:
    per_day = focus["hours_per_person_day"]
    return Figure(
        "Focus time",
        hours(per_day),
        f"per person per day, in {num(focus['sessions_per_person_day'] or 0)} sessions "
        "of 15 min or more",
    )
