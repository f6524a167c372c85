"""Report bodies: store queries in, metric functions over them, privacy applied.

The API and the dashboard both call these, so a figure on a page is the
figure the API gives. Every report first counts the people behind it and
answers "suppressed" when the group is smaller than privacy.min_group_size.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from collector.metrics import (
    ClientMonth,
    UnitTotals,
    client_margins,
    interruption_advice,
    interruption_cost,
    monthly_review,
    time_per_unit,
)
from collector.metrics.client_functions import client_function_rows
from collector.metrics.focus import focus_totals
from collector.metrics.review import spike_reading
from collector.metrics.unit_spans import LOOKBACK_DAYS, UnitSpan, unit_spans
from collector.service.report_weeks import WeekParts, group_floor, hidden_group, week_parts
from collector.service.settings_table import quality_limits
from collector.service.spikes import month_spikes, spike_report
from collector.store import Store


def month_bounds(month: str) -> tuple[str, str]:
    year, mon = (int(p) for p in month.split("-"))
    last = calendar.monthrange(year, mon)[1]
    return f"{month}-01", f"{month}-{last:02d}"


def previous_month(month: str) -> str:
    year, mon = (int(p) for p in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def default_range(start: date | None, end: date | None, days: int = 28) -> tuple[date, date]:
    end = end or date.today()
    start = start or end - timedelta(days=days - 1)
    return start, end


def report_head(start: str, end: str, team: str | None) -> dict[str, Any]:
    return {"from": start, "to": end, "team": team}


_suppressed = hidden_group


def time_per_unit_report(
    store: Store, team_ids: list[int] | None, team: str | None, start: str, end: str
) -> dict:
    people = store.people_tracked(team_ids, start, end)
    hidden = _suppressed(store, people)
    if hidden:
        return {**report_head(start, end, team), **hidden}
    s = store.settings()
    size = s["operation.size"]
    parts = week_parts(store, team_ids, start, end)
    return {
        **report_head(start, end, team),
        "people": people,
        "operation_size": size,
        "currency": s["cost.currency"],
        "hourly_rate": s["cost.hourly_rate"],
        "days": _days(start, end) - (0 if parts.in_totals else parts.days_left_out),
        "functions": _function_rows(store, team_ids, start, end, size, parts),
        **parts.body(),
    }


def time_per_unit_by_team(
    store: Store, team_ids: list[int] | None, team: str | None, start: str, end: str
) -> dict:
    """`by=team`: each team's report side by side, each its own group.

    A team below the minimum group is listed as suppressed and has no rows; the
    others give every function's row with `team` on it, so one function can be
    read across teams against the same bands (seeds 000 and 001: standardise).
    """
    wanted = None if team_ids is None else set(team_ids)
    teams = [t for t in store.teams() if wanted is None or t["id"] in wanted]
    s = store.settings()
    listed, rows = [], []
    for t in teams:
        body = time_per_unit_report(store, [t["id"]], t["name"], start, end)
        if body.get("suppressed"):
            listed.append({"team": t["name"], "suppressed": True, "reason": body["reason"]})
            continue
        listed.append({"team": t["name"], "people": body["people"], "days": body["days"]})
        rows += [{**r, "team": t["name"]} for r in body["functions"]]
    return {
        **report_head(start, end, team),
        "by": "team",
        "operation_size": s["operation.size"],
        "currency": s["cost.currency"],
        "hourly_rate": s["cost.hourly_rate"],
        "teams": listed,
        "functions": rows,
    }


def _days(start: str, end: str) -> int:
    return (date.fromisoformat(end) - date.fromisoformat(start)).days + 1


def _function_rows(
    store: Store,
    team_ids: list[int] | None,
    start: str,
    end: str,
    size: int,
    parts: WeekParts | None = None,
) -> list[dict]:
    """Per function over the range; weeks the totals may not count (`parts`) left out,
    and the days of the weekly basis with them."""
    s = store.settings()
    days = _days(start, end)
    if parts is None or parts.in_totals:
        hours = store.hours_by_category(team_ids, start, end)
        units = {
            f: UnitTotals(int(u), int(c))
            for f, (u, c) in store.units_by_function(team_ids, start, end).items()
        }
    else:
        days -= parts.days_left_out
        hours = {}
        for w in store.weekly_hours_by_function(team_ids, start, end):
            if parts.counted(w["week"]):
                hours[w["category"]] = hours.get(w["category"], 0.0) + w["hours"]
        sums: dict[str, list[int]] = {}
        for w in store.weekly_units_by_function(team_ids, start, end):
            if parts.counted(w["week"]):
                total = sums.setdefault(w["function"], [0, 0])
                total[0] += int(w["units"])
                total[1] += int(w["corrections"])
        units = {f: UnitTotals(u, c) for f, (u, c) in sums.items()}
    return time_per_unit(
        hours,
        units,
        size,
        days=max(days, 1),
        quality_limits=quality_limits(s),
        hourly_rate=s["cost.hourly_rate"],
    )


def interruptions_report(
    store: Store, team_ids: list[int] | None, team: str | None, start: str, end: str
) -> dict:
    people = store.people_tracked(team_ids, start, end)
    hidden = _suppressed(store, people)
    if hidden:
        return {**report_head(start, end, team), **hidden}
    s = store.settings()
    params = {
        "recovery_min_s": s["interruptions.recovery_min_s"],
        "recovery_max_s": s["interruptions.recovery_max_s"],
        "hourly_rate": s["cost.hourly_rate"],
    }
    days, rows, hidden_rows = [], [], []
    for r in store.interruption_days(team_ids, start, end):
        # A day with too few people is a small group of its own.
        hidden = _suppressed(store, r["people"])
        if hidden:
            hidden_rows.append(r)
            days.append({"day": r["day"], "people": r["people"], **hidden})
            continue
        rows.append(r)
        cost = interruption_cost(r["count"], r["away_s"], r["working_s"], **params)
        days.append(
            {
                "day": r["day"],
                "count": r["count"],
                "away_minutes": r["away_s"] / 60,
                "task_switches": r["task_switches"],
                "tracked_hours": r["working_s"] / 3600,
                "people": r["people"],
                "lost_minutes_low": cost["lost_minutes_low"],
                "lost_minutes_high": cost["lost_minutes_high"],
                "focus_hours": r["focus_s"] / 3600,
                "focus_sessions": r["focus_sessions"],
            }
        )
    # Totals minus the shown days give the hidden days back, so those count in
    # the totals only when they are, together, a large enough group.
    hidden_people = store.people_on_days(team_ids, [r["day"] for r in hidden_rows])
    in_totals = bool(hidden_rows) and not _suppressed(store, hidden_people)
    if in_totals:
        rows += hidden_rows
    count = sum(r["count"] for r in rows)
    tracked_s = sum(r["working_s"] for r in rows)
    person_days = sum(r["people"] for r in rows)
    total = interruption_cost(count, sum(r["away_s"] for r in rows), tracked_s, **params)
    per_person_day = count / person_days if person_days else None
    return {
        **report_head(start, end, team),
        **total,
        "people": people,
        "currency": s["cost.currency"],
        "task_switches": sum(r["task_switches"] for r in rows),
        "tracked_hours": tracked_s / 3600,
        "per_person_day": per_person_day,
        "days": days,
        "suppressed_days": len(hidden_rows),
        "suppressed_days_in_totals": in_totals,
        "advice": interruption_advice(per_person_day or 0.0, total["share_of_tracked_high"]),
        **counted_with(store),
        "focus": focus_totals(rows, person_days),
    }


def counted_with(store: Store) -> dict:
    """The thresholds interruption counts are made with, and whether a recount
    of history after a change is still running: while it is, some days still
    carry counts from the previous thresholds, and the report says so rather
    than mixing the two silently."""
    status = store.recount_status()
    previous = None
    if status["running"] and status["previous_min_focus_s"] is not None:
        previous = {
            "min_focus_s": status["previous_min_focus_s"],
            "max_away_s": status["previous_max_away_s"],
        }
    return {
        "thresholds": {"min_focus_s": status["min_focus_s"], "max_away_s": status["max_away_s"]},
        "recount": {
            "running": status["running"],
            "done": status["done"],
            "total": status["total"],
            "previous_thresholds": previous if status["running"] else None,
        },
    }


def clients_report(store: Store, month: str) -> dict:
    s = store.settings()
    start, end = month_bounds(month)
    hours = store.client_hours(start, end)
    money = store.financials(month)
    names = {c["key"]: c["name"] for c in store.clients()}
    keys = sorted(set(names) | set(hours), key=lambda k: names.get(k, k).lower())
    rows = [
        ClientMonth(
            k,
            names.get(k, k),
            money[k][0] if k in money else None,
            money[k][1] if k in money else None,
            hours.get(k, (0.0, 0))[0],
        )
        for k in keys
    ]
    by_client: dict[str, list[dict]] = {}
    for r in store.client_function_hours(start, end):
        by_client.setdefault(r["client"], []).append(r)
    units: dict[str, dict[str, int]] = {}
    for (client, function), count in store.client_units(start, end).items():
        units.setdefault(client, {})[function] = count
    floor = group_floor(store)
    reason = (
        f"Fewer than {floor} people spent time on this function for this client; "
        "its figures are hidden to protect individuals."
    )
    out = []
    for row, figures in zip(rows, client_margins(rows, s["cost.hourly_rate"]), strict=True):
        people = hours.get(row.client, (0.0, 0))[1]
        hidden = None if people == 0 else _suppressed(store, people)
        if hidden:
            out.append(
                {
                    "client": row.client,
                    "name": row.name,
                    "revenue": row.revenue,
                    "agent_cost": row.agent_cost,
                    **hidden,
                }
            )
        else:
            per_function = client_function_rows(
                by_client.get(row.client, []), units.get(row.client, {}), floor, reason
            )
            out.append({**figures, "people": people, "functions": per_function})
    return {
        "month": month,
        "currency": s["cost.currency"],
        "hourly_rate": s["cost.hourly_rate"],
        "clients": out,
    }


def monthly_review_report(
    store: Store, team_ids: list[int] | None, team: str | None, month: str
) -> dict:
    start, end = month_bounds(month)
    before = previous_month(month)
    b_start, b_end = month_bounds(before)
    people = store.people_tracked(team_ids, start, end)
    hidden = _suppressed(store, people)
    if hidden:
        return {"month": month, "team": team, **hidden}
    size = store.settings()["operation.size"]
    now, now_spans, now_total = _span_rows(store, team_ids, month, size)
    then, then_spans, then_total = _span_rows(store, team_ids, before, size)
    review = monthly_review(now, then, size)
    for row in review["functions"]:
        _stamp_span(row, "", now_spans.get(row["function"]))
        _stamp_span(row, "previous_", then_spans.get(row["function"]))
    review["unit_days_differ"] = [
        {
            "function": r["function"],
            "name": r["name"],
            "unit_days": r["unit_days"],
            "previous_unit_days": r["previous_unit_days"],
        }
        for r in review["functions"]
        if r["unit_days"] and r["previous_unit_days"] and r["unit_days"] != r["previous_unit_days"]
    ]
    _spike_readings(store, team_ids, team, month, review["functions"])
    # The headline is the months' own hours on functions: spans may reach back.
    review["hours"], review["previous_hours"] = now_total, then_total
    review["hours_change"] = now_total / then_total - 1 if then_total else None
    currency = store.settings()["cost.currency"]
    return {"month": month, "previous_month": before, "team": team, "currency": currency, **review}


def _spike_readings(
    store: Store, team_ids: list[int] | None, team: str | None, month: str, rows: list[dict]
) -> None:
    """A volume spike names the spike calendar's recurring spikes of that month."""
    calendar = None
    if any(r["cause"] == "volume_spike" for r in rows):
        calendar = spike_report(store, team_ids, team, *month_bounds(month))
    for r in rows:
        seen = month_spikes(calendar, r["function"], month) if calendar else None
        r["spike_calendar"] = spike_reading(r, seen)


def _stamp_span(row: dict, prefix: str, span: UnitSpan | None) -> None:
    row[f"{prefix}unit_days"] = span.unit_days if span else 0
    row[f"{prefix}span_from"] = span.start.isoformat() if span else None
    row[f"{prefix}span_to"] = span.end.isoformat() if span else None


def _span_rows(
    store: Store, team_ids: list[int] | None, month: str, size: int
) -> tuple[list[dict], dict[str, UnitSpan], float]:
    """A month's function rows with each function's hours over its units' span.

    docs/design.md §4 compares hours with "units of the same span": the
    units counted in the month against the hours they account for (see
    `collector.metrics.unit_spans`). A function without units in the month
    keeps the month's hours (its ratio is "no output recorded"). Also the
    month's own hours on functions, for the headline.
    """
    start, end = month_bounds(month)
    lo, hi = date.fromisoformat(start), date.fromisoformat(end)
    look = (lo - timedelta(days=LOOKBACK_DAYS)).isoformat()
    days: dict[str, set[date]] = {}
    for u in store.output_units(team_ids, look, end):
        days.setdefault(u["function"], set()).add(date.fromisoformat(u["date"]))
    spans = unit_spans(days, lo, hi)
    month_hours = store.hours_by_category(team_ids, start, end)
    by_span: dict[tuple[str, str], dict[str, float]] = {(start, end): month_hours}
    hours = dict(month_hours)
    for function, span in spans.items():
        key = (span.start.isoformat(), span.end.isoformat())
        if key not in by_span:
            by_span[key] = store.hours_by_category(team_ids, *key)
        hours[function] = by_span[key].get(function, 0.0)
    units = {
        f: UnitTotals(int(u), int(c))
        for f, (u, c) in store.units_by_function(team_ids, start, end).items()
    }
    s = store.settings()
    rows = time_per_unit(
        hours,
        units,
        size,
        days=_days(start, end),
        quality_limits=quality_limits(s),
        hourly_rate=s["cost.hourly_rate"],
    )
    return rows, spans, sum(month_hours.get(r["function"], 0.0) for r in rows)
