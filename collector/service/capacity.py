"""Workload and overview: tracked hours against the hours people were there to work.

Both count each person from the day they count from (an admin-set start day,
else their first tracked day), skip holidays and recorded absences, and rate
people over whole weeks only, so a newcomer or a cut week does not move the
figures (issue 13). The other report bodies are in `collector.service.reports`.
"""

from __future__ import annotations

from datetime import date, timedelta

from collector.metrics import workload
from collector.metrics.workload import available_workdays, counted_weeks, whole_weeks
from collector.service.report_weeks import hidden_group, week_parts
from collector.service.reports import report_head
from collector.store import Store

_suppressed = hidden_group
_head = report_head


def workload_report(
    store: Store, team_ids: list[int] | None, team: str | None, start: str, end: str
) -> dict:
    s = store.settings()
    rows = store.hours_by_person(team_ids, start, end)
    hidden = _suppressed(store, len(rows))
    if hidden:
        return {**_head(start, end, team), **hidden}
    lo, hi = date.fromisoformat(start), date.fromisoformat(end)
    weeks = ((hi - lo).days + 1) / 7
    ids = [r["person_id"] for r in rows]
    first = store.counted_from_days(ids)
    absent = store.absent_days(ids, start, end)
    holidays = organisation_holidays(store, lo, hi)
    # A day still under way is not yet a whole day of available hours.
    last_whole = min(hi, date.today() - timedelta(days=1))
    key = {r["person_id"]: f"{r['team']} / {r['person']}" for r in rows}
    weekly = _weekly_over_whole_weeks(store, team_ids, lo, last_whole, first)
    result = workload(
        {key[r["person_id"]]: r["hours"] for r in rows},
        weeks=weeks,
        weekly_hours=s["workload.weekly_hours"],
        shrinkage=s["workload.shrinkage"],
        available_days={
            key[i]: available_workdays(lo, last_whole, first.get(i), holidays, absent.get(i, set()))
            for i in ids
        },
        weekly_by_person={key[i]: weekly.get(i) for i in ids} if weekly is not None else None,
    )
    individual = bool(s["privacy.individual_reports"])
    tracked, available = result["tracked_hours"], result["available_hours"]
    return {
        **_head(start, end, team),
        "people": len(rows),
        "weeks": weeks,
        "weekly_hours_target": s["workload.weekly_hours"],
        "shrinkage": s["workload.shrinkage"],
        "available_weekly_hours": s["workload.weekly_hours"] * (1 - s["workload.shrinkage"]),
        "holidays": len(holidays),
        "absent_days": sum(len(v) for v in absent.values()),
        "available_hours": available,
        "tracked_hours": tracked,
        "share_of_available": tracked / available if available else None,
        "median_weekly_hours": result["median_weekly_hours"],
        "overloaded": result["overloaded"],
        "unused_capacity": result["unused_capacity"],
        "balanced": result["balanced"],
        "not_rated": result["not_rated"],
        "distribution": result["distribution"],
        "distribution_people": result["distribution_people"],
        "whole_weeks": len(whole_weeks(lo, last_whole)),
        "individual_reports": individual,
        "persons": result["people"] if individual else None,
    }


def _weekly_over_whole_weeks(
    store: Store,
    team_ids: list[int] | None,
    start: date,
    end: date,
    first: dict[int, date],
) -> dict[int, float | None] | None:
    """Per person, hours a week over the whole weeks they were there.

    A week cut by the range, a person's first week and the week they stopped
    are partial, and their hours would show as a "lowest week" of a few
    hours (issue 13: a person who joined today as a lowest week of 0.0 h).
    None when the range holds no whole week: then the range itself is the
    basis, as before. Read from the weekly level the store keeps at ingest.
    """
    weeks = whole_weeks(start, end)
    if not weeks:
        return None
    by_week: dict[int, dict[date, float]] = {}
    for r in store.weekly_hours_by_person(team_ids, weeks[0].isoformat(), weeks[-1].isoformat()):
        by_week.setdefault(r["person_id"], {})[date.fromisoformat(r["week"])] = r["hours"]
    out: dict[int, float | None] = {}
    for person, first_day in first.items():
        mine = by_week.get(person, {})
        counted = counted_weeks(weeks, first_day, mine)
        out[person] = sum(mine.get(w, 0.0) for w in counted) / len(counted) if counted else None
    return out


def organisation_holidays(store: Store, start: date, end: date) -> set[date]:
    """The organisation's holidays in the period: none until the Deferred-work
    issue's holiday list lands; it counts for everyone here (docs/design.md §4)."""
    lister = getattr(store, "holidays", None)
    return set(lister(start.isoformat(), end.isoformat())) if lister else set()


def overview_report(
    store: Store, team_ids: list[int] | None, team: str | None, start: str, end: str
) -> dict:
    people = store.people_tracked(team_ids, start, end)
    hidden = _suppressed(store, people)
    if hidden:
        return {**_head(start, end, team), **hidden}
    s = store.settings()
    parts = week_parts(store, team_ids, start, end)
    weeks = store.weekly_hours_by_function(team_ids, start, end)
    tracked = sum(
        w["hours"] for w in weeks if w["category"] != "non_work" and parts.counted(w["week"])
    )
    targets = week_targets(store, team_ids, start, end, s["workload.weekly_hours"])
    return {
        **_head(start, end, team),
        "people": people,
        # A hidden week's figures are not listed, whatever the totals do.
        "weeks": [w for w in weeks if parts.shown(w["week"])],
        "tracked_hours": tracked,
        "target_hours": sum(t for w, t in targets.items() if parts.counted(w)),
        "week_targets": [
            {"week": w, "target_hours": t} for w, t in sorted(targets.items()) if parts.shown(w)
        ],
        **parts.body(),
    }


def week_targets(
    store: Store, team_ids: list[int] | None, start: str, end: str, weekly_hours: float
) -> dict[str, float]:
    """Contracted hours per ISO week (its Monday), each person from the day they
    count from: an admin-set start day, else their first tracked day.

    Issue 13: with a full target for a person who joined today, 27 -> 28
    people moved the target by a whole person's hours (4,320 -> 4,480 h) and
    tracked-vs-target from 89% to 85%. So a person counts `weekly_hours` / 7
    for each day of the range from their first tracked day (or start day) on.
    """
    lo, hi = date.fromisoformat(start), date.fromisoformat(end)
    ids = [r["person_id"] for r in store.hours_by_person(team_ids, start, end)]
    per_day = weekly_hours / 7
    days_from: dict[date, int] = {}
    for first in store.counted_from_days(ids).values():
        day = max(lo, first)
        days_from[day] = days_from.get(day, 0) + 1
    out: dict[str, float] = {}
    people = 0
    d = lo
    while d <= hi:
        people += days_from.get(d, 0)
        week = (d - timedelta(days=d.weekday())).isoformat()
        out[week] = out.get(week, 0.0) + people * per_day
        d += timedelta(days=1)
    return out
