"""Before/after (issue 14): did a marked change work? The change's teams in
two equal windows either side of its day, each figure after minus before
with its 95% interval and a plain verdict (collector/service/before_after.py).

Not a `_route` page: it is chosen by a change, not by a team and a range."""

from __future__ import annotations

from flask import current_app, g, render_template, request, url_for

from collector.auth import team_scope
from collector.dashboard import bp
from collector.dashboard.charts.intervals import IntervalRow, interval_chart
from collector.dashboard.formatting import count, day
from collector.dashboard.pages import Chart, Figure
from collector.dashboard.tables import Column, Table, csv_response
from collector.db import get_store
from collector.service import before_after, changes
from collector.web.downloads import csv_file_name
from collector.web.sessions import signed_in

INTRO = (
    "Did a change work? The teams it concerns, in equal windows before and after the day it "
    "took effect (28 days each by default, shortened to the data on both sides alike). Each "
    "figure is after minus before, with a 95% interval from how much it varies from day to "
    "day. Hours per unit and interruptions should fall, focus time should rise: when the "
    "whole interval is on the good side of zero the change improved the figure, on the "
    "other side it got worse, and across zero there is no clear change. Admins mark "
    "changes under Admin → Changes."
)
COLUMNS = [
    Column("name", "Figure"),
    Column("before", "Before", "figure"),
    Column("after", "After", "figure"),
    Column("difference", "After − before", "figure"),
    Column("low", "95% interval from", "figure"),
    Column("high", "to", "figure"),
    Column("verdict", "Verdict"),
    Column("days_before", "Days before", "count"),
    Column("days_after", "Days after", "count"),
]


def _days_arg(errors: list[str]) -> int:
    raw = request.args.get("days", "")
    if not raw:
        return before_after.DEFAULT_DAYS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 7 <= value <= before_after.MAX_DAYS:
        errors.append(
            f"Days: give a whole number from 7 to {before_after.MAX_DAYS}; showing "
            f"{before_after.DEFAULT_DAYS}."
        )
        return before_after.DEFAULT_DAYS
    return value


def _context() -> dict:
    store = get_store()
    scope, _ = team_scope(g.principal, None)
    errors: list[str] = []
    days = _days_arg(errors)
    listed = changes.visible_changes(store, scope)
    ctx: dict = {"changes": listed, "days": days, "errors": errors, "report": None}
    raw = request.args.get("change", "")
    chosen = None
    if raw:
        try:
            chosen = int(raw)
        except ValueError:
            errors.append("Change: not one of the listed changes; showing the newest.")
    if chosen is None:
        if not listed:
            return ctx
        chosen = listed[0]["id"]
    report = before_after.before_after_report(store, chosen, scope, days)
    ctx.update(report=report, chosen=chosen)
    if report.get("suppressed") or not report.get("figures"):
        return ctx
    rows = [{**f, "verdict": f["verdict"] or "too few days"} for f in report["figures"]]
    ctx["table"] = Table(
        "After against before",
        COLUMNS,
        rows,
        note="Interruptions and focus hours per person-day: the mean of the daily figures. "
        "Hours per unit: the window's hours over its units. Interval: "
        + report["interval"]
        + ". A verdict needs at least five days in each window.",
    )
    b, a = report["before"], report["after"]
    ctx["headline"] = [
        Figure("Before", f"{day(b['from'])} – {day(b['to'])}", f"{count(b['days'])} days"),
        Figure("After", f"{day(a['from'])} – {day(a['to'])}", f"{count(a['days'])} days"),
        Figure("Improved", count(sum(1 for f in rows if f["verdict"] == "improved")), "figures"),
        Figure("Worse", count(sum(1 for f in rows if f["verdict"] == "worse")), "figures"),
    ]
    return ctx


def _relative(value: float | None, base: float | None) -> float | None:
    return None if value is None or not base else value / base


def _chart(report: dict) -> Chart:
    rows = []
    for f in report["figures"]:
        base = f["before"]
        tip = (
            f"{f['name']}: {f['before']:.3g} before, {f['after']:.3g} after"
            if f["difference"] is not None
            else f"{f['name']}: not enough data"
        )
        rows.append(
            IntervalRow(
                f["name"],
                _relative(f["difference"], base),
                _relative(f["low"], base),
                _relative(f["high"], base),
                f["verdict"],
                tip,
            )
        )
    return Chart(
        "After against before, as a share of before",
        interval_chart(
            rows,
            title="Change after the marked day, with 95% intervals",
            desc="One row per figure: the difference after minus before as a share of the "
            "before value, the bar its 95% interval, the verdict beside it.",
        ),
        "The bar is the interval, the mark the difference. Lower is better for hours per unit "
        "and interruptions, higher for focus time.",
    )


@bp.get("/before-after")
@signed_in()
def before_after_page():
    ctx = _context()
    report = ctx["report"]
    chart = _chart(report) if report and report.get("figures") else None
    return render_template(
        "dashboard/before_after.html",
        chart=chart,
        intro=INTRO,
        csv_url=url_for("dashboard.before_after_csv", **request.args),
        admin_changes_url=(
            url_for("admin.changes_page")
            if g.principal.is_admin and "admin.changes_page" in current_app.view_functions
            else None
        ),
        **ctx,
    )


@bp.get("/before-after.csv")
@signed_in()
def before_after_csv():
    ctx = _context()
    report = ctx["report"]
    table = ctx.get("table") or Table("After against before", COLUMNS[:1])
    if report and report.get("suppressed"):
        table = Table(table.caption, COLUMNS[:1], [{"suppressed": report["reason"]}])
    scope = f"change-{ctx.get('chosen', 'none')}"
    return csv_response(table, csv_file_name("before-after", scope, str(ctx["days"]) + "-days"))
