"""The backlog report (docs/design.md §3 `backlog`, §4 "Deferred work"): per
work type, as of the end of a day in the organisation's time zone.

Figures about work (counts, aging, SLA, cycle time, the projection) describe
items, not people, and are always shown. Figures made from people's desktop
or timed hours (handle time, IPH, FTE) are hidden, with the reason, when
fewer than `privacy.min_group_size` people were tracked in the window.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from collector.metrics.backlog.calendar import BusinessCalendar
from collector.metrics.backlog.flow import Item, aging, breached, daily_flow, health_index
from collector.metrics.backlog.projection import demands, forecast_arrivals, project
from collector.metrics.backlog.required import no_breach_rate, required_completions
from collector.metrics.backlog.service_level import (
    cycle_times,
    first_time_quality,
    sla_compliance,
)
from collector.metrics.backlog.staffing import (
    fte_put_in,
    fte_required,
    handle_hours,
    items_per_hour,
    quality_adjusted,
)
from collector.metrics.privacy import suppression
from collector.service.errors import NotFound
from collector.service.settings_table import holidays

if TYPE_CHECKING:
    from collector.store import Store

#: Compliance, cycle time, handle time, IPH and quality: the 28 days ending with D.
WINDOW_DAYS = 28
#: Weeks of SLA compliance and cycle time the trend charts show.
TREND_WEEKS = 12


def calendar(settings: dict[str, Any]) -> BusinessCalendar:
    return BusinessCalendar(settings["org.timezone"], frozenset(holidays(settings)))


def today(settings: dict[str, Any]) -> date:
    """Today in the organisation's time zone (the report's default day)."""
    return datetime.now(calendar(settings).zone).date()


def _items(rows: list[dict], work_type: dict, cal: BusinessCalendar) -> list[Item]:
    """The rows of one type (`rows`: that type's only) as the metrics' items."""
    due = _due_of(work_type, cal)
    return [
        Item(r["received_at"], r["completed_at"], due(r["received_at"]), r["quality_passed"])
        for r in rows
    ]


def _due_of(work_type: dict, cal: BusinessCalendar):
    """received_at -> due time. A business-day SLA's due time depends only on
    the receipt's local day, so it is worked out once a day, not once an item."""
    days, hours = work_type["sla_business_days"], work_type["sla_hours"]
    if hours is not None:
        return lambda received: cal.due_time(received, None, hours)
    by_day: dict[date, float] = {}

    def due(received: float) -> float:
        day = cal.local_date(received)
        if day not in by_day:
            by_day[day] = cal.due_time(received, days, None)
        return by_day[day]

    return due


def by_completion(items: list[Item]) -> tuple[list[float], list[Item]]:
    """The completed items sorted by completion, with their times, for
    `completed_between`: a week's or the window's slice by bisection instead
    of a pass over every item for each figure."""
    done = sorted((i for i in items if i.completed_at is not None), key=lambda i: i.completed_at)
    return [i.completed_at for i in done], done  # type: ignore[misc]


def completed_between(
    index: tuple[list[float], list[Item]], start: float, end: float
) -> list[Item]:
    times, done = index
    return done[bisect_left(times, start) : bisect_left(times, end)]


def _weeks(items: tuple[list[float], list[Item]], day: date, cal: BusinessCalendar) -> list[dict]:
    """SLA compliance and cycle time per ISO week (its Monday), oldest first,
    the last week ending with `day`."""
    monday = day - timedelta(days=day.weekday())
    out = []
    for w in range(TREND_WEEKS - 1, -1, -1):
        first = monday - timedelta(weeks=w)
        last = min(first + timedelta(days=6), day)
        start, end = cal.day_start(first), cal.day_end(last)
        week = completed_between(items, start, end)
        med, p90 = cycle_times(week, start, end)
        out.append(
            {
                "week": first.isoformat(),
                "completions": len(week),
                "sla_compliance_rate": sla_compliance(week, start, end),
                "cycle_time_median_hours": med,
                "cycle_time_p90_hours": p90,
            }
        )
    return out


def _type_body(
    work_type: dict,
    items: list[Item],
    day: date,
    cal: BusinessCalendar,
    people: dict[str, Any],
    settings: dict[str, Any],
) -> dict[str, Any]:
    first = day - timedelta(days=WINDOW_DAYS - 1)
    start, as_of = cal.day_start(first), cal.day_end(day)
    window_days = [first + timedelta(days=i) for i in range(WINDOW_DAYS)]
    flow = daily_flow(items, window_days, cal)
    today_flow = flow[-1]
    business_days = cal.business_days_between(first, day)
    index = by_completion(items)
    done = completed_between(index, start, as_of)

    horizon = cal.business_days_after(day, settings["planning.horizon_days"])
    arrivals_by_day = {f.day: f.arrivals for f in flow}
    forecast = [forecast_arrivals(arrivals_by_day, h, day) for h in horizon]
    open_now = [i for i in items if i.open_at(as_of)]
    work = demands(open_now, horizon, forecast, _due_of(work_type, cal), cal)
    rate = len(done) / business_days if business_days else 0.0
    required = required_completions(items, day, cal)
    no_breach = no_breach_rate(work, len(horizon))

    median_h, p90_h = cycle_times(done, start, as_of)
    hidden = people["suppressed"]
    function_hours = people["hours"].get(work_type["function"], 0.0)
    handle, source = handle_hours(
        people["timed"].get(work_type["key"], []), function_hours, len(done)
    )
    iph = items_per_hour(len(done), function_hours)
    day_hours, utilisation = settings["planning.day_hours"], settings["planning.utilisation"]
    return {
        "type": work_type["key"],
        "name": work_type["name"],
        "function": work_type["function"],
        "sla_business_days": work_type["sla_business_days"],
        "sla_hours": work_type["sla_hours"],
        "arrivals": today_flow.arrivals,
        "completions": today_flow.completions,
        "open": today_flow.backlog,
        "breached": breached(items, as_of),
        "backlog_health_index": health_index(items, as_of),
        "aging": aging(items, day, cal),
        "required_completions": required,
        "required_no_breach": no_breach,
        "completion_rate": rate,
        "sla_compliance_rate": sla_compliance(done, start, as_of),
        "cycle_time_median_hours": median_h,
        "cycle_time_p90_hours": p90_h,
        "handle_hours": None if hidden else handle,
        "handle_source": None if hidden else source,
        "iph": None if hidden else iph,
        "quality_adjusted_iph": None
        if hidden
        else quality_adjusted(iph, first_time_quality(done, start, as_of)),
        "first_time_quality": first_time_quality(done, start, as_of),
        "fte_required": None if hidden else fte_required(required, handle, day_hours, utilisation),
        "fte_required_no_breach": None
        if hidden
        else fte_required(no_breach, handle, day_hours, utilisation),
        "fte_put_in": None if hidden else fte_put_in(function_hours, day_hours, business_days),
        "people_figures": hidden,
        "days": [
            {
                "date": f.day.isoformat(),
                "arrivals": f.arrivals,
                "completions": f.completions,
                "backlog": f.backlog,
            }
            for f in flow
        ],
        "weeks": _weeks(index, day, cal),
        "projection": project(work, horizon, rate),
    }


def backlog_report(
    store: Store,
    team_ids: list[int] | None,
    team: str | None,
    day: date | None = None,
    type_key: str | None = None,
) -> dict[str, Any]:
    settings = store.settings()
    cal = calendar(settings)
    day = day or today(settings)
    types = store.work_types()
    if type_key is not None:
        types = [t for t in types if t["key"] == type_key]
        if not types:
            raise NotFound(
                f"type: no work type {type_key!r}",
                [{"field": "type", "message": "no such work type"}],
            )
    first = day - timedelta(days=WINDOW_DAYS - 1)
    trend_first = day - timedelta(days=day.weekday(), weeks=TREND_WEEKS - 1)
    start, as_of = cal.day_start(min(first, trend_first)), cal.day_end(day)
    window_start = cal.day_start(first)
    keys = [t["key"] for t in types]
    rows = store.work_items_between(team_ids, keys, start, as_of) if keys else []
    tracked = store.people_tracked(team_ids, first.isoformat(), day.isoformat())
    timed: dict[str, list[float]] = {}
    for t in store.work_item_timings(team_ids, keys, window_start, as_of) if keys else []:
        timed.setdefault(t["type"], []).append(t["active_s"])
    people = {
        "suppressed": suppression(tracked, settings["privacy.min_group_size"]),
        "hours": store.hours_by_category(team_ids, first.isoformat(), day.isoformat()),
        "timed": timed,
    }
    of_type: dict[str, list[dict]] = {}
    for r in rows:
        of_type.setdefault(r["type"], []).append(r)
    return {
        "date": day.isoformat(),
        "team": team,
        "timezone": settings["org.timezone"],
        "window": {"from": first.isoformat(), "to": day.isoformat()},
        "horizon_days": settings["planning.horizon_days"],
        "types": [
            _type_body(t, _items(of_type.get(t["key"], []), t, cal), day, cal, people, settings)
            for t in types
        ],
    }
