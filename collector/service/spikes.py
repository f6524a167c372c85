"""The spike calendar's report: per work function, each day against its
weekday baseline, and the recurring spikes named (metrics/spikes.py).

Recurrence is judged over the last six months up to `to` whatever range is
asked for, so a one-month view still says "month end"; only the asked-for
days are returned. A day with fewer people on a function than the minimum
group shows nothing and counts in no baseline.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from collector.metrics import spikes as sp
from collector.service.report_weeks import group_floor, hidden_group
from collector.store import Store
from shared.catalogue import FUNCTION_IDS, category_name

#: The calendar's default range: about three months, to see month ends recur.
DEFAULT_DAYS = 91


def _look_start(start: date, end: date) -> date:
    y, m = end.year, end.month - (sp.LOOK_BACK_MONTHS - 1)
    while m < 1:
        y, m = y - 1, m + 12
    return min(start, date(y, m, 1)) - timedelta(days=sp.HISTORY_DAYS)


def rule() -> dict[str, Any]:
    """The definitions, as the report states them beside its figures."""
    return {
        "baseline": "median",
        "baseline_weeks": sp.BASELINE_WEEKS,
        "min_baseline_weeks": sp.MIN_BASELINE_WEEKS,
        "spike_ratio": sp.SPIKE_RATIO,
        "min_extra_hours": sp.MIN_EXTRA_HOURS,
        "recur_min_months": sp.MIN_MONTHS,
        "recur_look_back_months": sp.LOOK_BACK_MONTHS,
        "recur_min_share": sp.MIN_SHARE,
    }


def spike_report(
    store: Store,
    team_ids: list[int] | None,
    team: str | None,
    start: str,
    end: str,
    function: str | None = None,
) -> dict:
    head = {"from": start, "to": end, "team": team, "function": function}
    people = store.people_tracked(team_ids, start, end)
    hidden = hidden_group(store, people)
    if hidden:
        return {**head, **hidden}
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    look = _look_start(first, last)
    lo, hi = look.isoformat(), end
    tracked = {date.fromisoformat(d) for d in store.tracked_days(team_ids, lo, hi)}
    floor = group_floor(store)
    by_function: dict[str, dict[date, float]] = {}
    small: dict[str, set[date]] = {}
    for r in store.function_days(team_ids, lo, hi):
        day = date.fromisoformat(r["day"])
        by_function.setdefault(r["function"], {})[day] = r["hours"]
        if 0 < r["people"] < floor:
            small.setdefault(r["function"], set()).add(day)
    pay_dates = [date.fromisoformat(d) for d in store.unit_days(team_ids, lo, hi, "payroll")]
    functions = [function] if function else [f for f in FUNCTION_IDS if f in by_function]
    rows, named = [], []
    for f in functions:
        all_cells = sp.cells(by_function.get(f, {}), tracked, small.get(f, set()), look, last)
        found = sp.recurring(f, all_cells, last, pay_dates if f == "payroll" else ())
        names = sp.names_by_day(found)
        days = [_day(c, names) for c in all_cells if c.day >= first]
        rows.append(
            {
                "function": f,
                "name": category_name(f),
                "hours": sum(d.get("hours") or 0.0 for d in days),
                "spikes": sum(1 for d in days if d.get("spike")),
                "days": days,
            }
        )
        for rec in found:
            shown = [d.isoformat() for d in rec.days]
            named.append(
                {
                    "function": f,
                    "name": category_name(f),
                    "pattern": rec.pattern,
                    "label": rec.label,
                    "days": shown,
                    "months_seen": rec.months_seen,
                    "months_considered": rec.months_considered,
                }
            )
    return {
        **head,
        "people": people,
        "rule": rule(),
        "functions": rows,
        "recurring": named,
    }


def _day(cell: sp.Cell, names: dict[date, str]) -> dict[str, Any]:
    if cell.hidden:
        return {"day": cell.day.isoformat(), "suppressed": True, "level": "hidden"}
    return {
        "day": cell.day.isoformat(),
        "hours": cell.hours,
        "baseline": cell.baseline,
        "ratio": cell.ratio,
        "spike": cell.spike,
        "level": cell.level,
        "recurring": names.get(cell.day) if cell.spike else None,
    }


def month_spikes(report: dict, function: str, month: str) -> dict | None:
    """What the calendar says of one function in one month, for the monthly
    review: its spike days there and the recurring names among them."""
    if report.get("suppressed"):
        return None
    row = next((r for r in report["functions"] if r["function"] == function), None)
    if row is None:
        return None
    days = [d for d in row["days"] if d["day"].startswith(month) and d.get("spike")]
    labels = sorted({d["recurring"] for d in days if d.get("recurring")})
    return {"spike_days": len(days), "recurring": labels}
