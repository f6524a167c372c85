"""Overview: hours by function per week, tracked against target, headline figures."""

from __future__ import annotations

from collections import defaultdict

from collector.dashboard import charts
from collector.dashboard.filters import Filters
from collector.dashboard.formatting import hours, num, short_day
from collector.dashboard.pages import (
    Chart,
    Figure,
    Page,
    group_floor,
    no_data_message,
)
from collector.dashboard.tables import Column, Table
from collector.service import capacity, reports
from collector.service.report_weeks import totals_note
from collector.store import Principal, Store
from shared.catalogue import category_name

INTRO = (
    "Where the back office's tracked time went, week by week, and how it compares with "
    "the contracted hours of the people tracked."
)


def _people_note(report: dict) -> str:
    n = len(report["suppressed_weeks"])
    if not n or report["suppressed_weeks_in_totals"]:
        return f"{report['people']} people"
    return f"{report['people']} people; {n} suppressed week{'s' if n > 1 else ''} left out"


def build(store: Store, principal: Principal, f: Filters, html: bool) -> Page:
    start, end = f.start.isoformat(), f.end.isoformat()
    report = capacity.overview_report(store, f.team_ids, f.team, start, end)
    page = Page("overview", "Overview", INTRO, f)
    if report.get("suppressed"):
        page.suppressed = report["reason"]
        return page
    hidden_weeks = {w["week"]: w["reason"] for w in report["suppressed_weeks"]}
    if not report["weeks"] and not hidden_weeks:
        page.empty = no_data_message(principal, f)
        return page
    page.extra["people"] = report["people"]
    s = store.settings()
    weekly_target = s["workload.weekly_hours"]
    by_week: dict[str, dict[str, float]] = defaultdict(dict)
    for w in report["weeks"]:
        by_week[w["week"]][w["category"]] = w["hours"]
    weeks = sorted(set(by_week) | set(hidden_weeks))
    floor = group_floor(store)
    hidden = {i: f"fewer than {floor} people" for i, w in enumerate(weeks) if w in hidden_weeks}
    cats = [c for c in charts.category_order(c for w in by_week.values() for c in w)]
    working = [c for c in cats if c != "non_work"]

    targets = {t["week"]: t["target_hours"] for t in report["week_targets"]}
    rows = []
    for i, w in enumerate(weeks):
        if i in hidden:
            rows.append({"week": w, "suppressed": f"Suppressed: {hidden[i]} tracked that week."})
            continue
        tracked = sum(by_week[w].get(c, 0.0) for c in working)
        # The report's target per week (each person from their first tracked day), so
        # the weeks add up to the headline; a week with people away shows below it.
        target = targets.get(w, 0.0)
        rows.append(
            {
                "week": w,
                **{c: by_week[w].get(c, 0.0) for c in cats},
                "tracked": tracked,
                "target": target,
                "of_target": tracked / target if target else None,
            }
        )
    columns = [
        Column("week", "Week", "week"),
        Column("tracked", "Tracked (working)", "hours"),
        Column("target", "Target", "hours"),
        Column("of_target", "Of target", "share"),
    ]
    columns += [Column(c, category_name(c), "hours") for c in cats]
    page.table = Table(
        "Hours by category per week",
        columns,
        rows,
        note="Tracked working time is every active category except non-work. Target is the "
        f"{weekly_target:g}-hour week of each of the {report['people']} people tracked in the "
        "period, pro rata for part weeks and from each person's first tracked day, so a "
        "newcomer adds the days they were here; weeks with people away fall below it. "
        + totals_note(report, floor),
    )

    tracked = report["tracked_hours"]
    target = report["target_hours"]
    tpu = reports.time_per_unit_report(store, f.team_ids, f.team, start, end)
    # From the same totals as the headline: hidden weeks count in both or in neither.
    function_hours = sum(r["hours"] for r in tpu.get("functions", []))
    # Below quality first (docs/design.md §4: never shown as fine), then slow, then watch.
    order = {"below_quality": 0, "slow": 1, "watch": 2}
    flagged = [
        r["name"]
        for r in sorted(tpu.get("functions", []), key=lambda r: order.get(r["band"], 9))
        if r["band"] in order
    ]
    no_units = [
        r["name"]
        for r in tpu.get("functions", [])
        if r["hours"] > 0 and r["hours_per_unit"] is None
    ]
    page.headline_title = "Headline figures for the period"
    page.headline = [
        Figure("Tracked working hours", hours(tracked), _people_note(report)),
        Figure("Target hours", hours(target), f"{weekly_target:g} h a week each"),
        Figure(
            "Tracked vs target",
            f"{tracked / target * 100:.0f}%" if target else "—",
            "of contracted time tracked",
        ),
        Figure(
            "On back-office functions",
            f"{function_hours / tracked * 100:.0f}%" if tracked else "—",
            hours(function_hours),
        ),
        Figure(
            "Functions to watch",
            num(len(flagged), 0),
            ", ".join(flagged[:3]) if flagged else "none below quality, slow or to watch",
        ),
        Figure(
            "No output recorded",
            num(len(no_units), 0),
            ", ".join(no_units[:3]) if no_units else "every function with hours has units",
        ),
    ]
    if not html:
        return page
    series = [
        charts.Series(
            category_name(c),
            charts.colour(c),
            [0.0 if i in hidden else by_week[w].get(c, 0.0) for i, w in enumerate(weeks)],
        )
        for c in working
    ]
    targets: list[float | None] = [None if i in hidden else r["target"] for i, r in enumerate(rows)]
    labels = [short_day(w) for w in weeks]
    page.charts.append(
        Chart(
            "Hours by function per week",
            charts.stacked_columns(
                labels,
                series,
                title="Hours by function per week",
                desc=(
                    f"Stacked columns, one per week from {labels[0]} to {labels[-1]}: tracked "
                    "working hours split by category, with a dashed line at each week's target. "
                    "The table below gives the figures."
                ),
                unit="hours",
                target=targets,
                target_label=f"target ({weekly_target:g} h/person/week)",
                suppressed={i: f"suppressed, {r}" for i, r in hidden.items()},
            ),
            "Weeks start on Monday; the first and last may be part weeks. Grey columns are "
            "suppressed weeks (too few people).",
        )
    )
    return page
