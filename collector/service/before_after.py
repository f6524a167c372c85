"""Before/after a marked change (issue 14): the same teams in two equal
windows of days either side of the change's day, compared figure by figure
with metrics/before_after.py (after minus before, a 95% normal interval from
the day-to-day variation, a plain verdict).

The windows are `days` long (28 by default) and clipped to the data: when
the teams were tracked for only 20 days before the change, or the change is
20 days old, both windows are 20 days (a window ending on a weekend is not
shortened by it: data is looked for up to a week past its edge), so neither side gets more weeks of
history or of settling in. A day with fewer people tracked than the minimum
group counts in neither window (it would be a small group of its own), and
either window below the minimum group suppresses the whole comparison.

Focus hours per person-day come from the stored active segments, with the
tray's own definition of a focus session (shared/focus.py): higher is
better for them, lower for the rest. When the segments have been removed
by retention the report says focus is not available rather than show zero.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from collector.metrics import before_after as ba
from collector.metrics.focus_days import focus_by_day
from collector.service.changes import visible_change
from collector.service.report_weeks import group_floor, hidden_group
from collector.store import Store
from shared.catalogue import FUNCTION_IDS, category_name

DEFAULT_DAYS = 28
MAX_DAYS = 182

INTERVAL = (
    "95% normal interval from day-to-day variation: difference +- 1.96 x sqrt(SE_before^2 + "
    "SE_after^2); interruptions and focus hours per person-day as the mean of daily values "
    "(SE = s / sqrt(n)), "
    "hours per unit as the ratio of the window's sums (linearised ratio-estimator SE)"
)
FOCUS = (
    "Focus hours per person-day: sessions of at least 15 minutes with at least 75% on one "
    "work function, ending after more than 4 minutes away (the tray's My day counts the same)."
)
NO_FOCUS = "Focus time is not available: no active segments are kept for a window."


def _change_body(change: dict) -> dict[str, Any]:
    keys = ("id", "day", "note", "teams", "created_at", "created_by")
    return {k: change[k] for k in keys}


#: How far past a window's edge data is looked for: a window that ends on a
#: weekend or a holiday is not cut short by it, only one past the data's end.
MARGIN = timedelta(days=7)


def windows(
    change_day: date, days: int, tracked: list[date]
) -> tuple[int, tuple[date, date], tuple[date, date]]:
    """(w, before, after): the equal window length the data allows and the two
    inclusive ranges; w = 0 when either side has no tracked day.

    `tracked`: the days with data from `days` + MARGIN before the change to
    `days` + MARGIN after it (not after today)."""
    full = timedelta(days=days)
    before = [d for d in tracked if d < change_day]
    after = [d for d in tracked if d >= change_day]
    w = 0
    if before and after:
        first, last = min(before), max(after)
        w_before = days if first <= change_day - full else (change_day - first).days
        w_after = (
            days if last >= change_day + full - timedelta(days=1) else (last - change_day).days + 1
        )
        w = min(days, w_before, w_after)
    one = timedelta(days=1)
    return (
        w,
        (change_day - timedelta(days=w), change_day - one),
        (change_day, change_day + timedelta(days=w) - one),
    )


def before_after_report(
    store: Store,
    change_id: int,
    scope: list[int] | None,
    days: int = DEFAULT_DAYS,
    today: date | None = None,
) -> dict:
    today = today or date.today()
    change = visible_change(store, change_id, scope)
    team_ids = change["team_ids"]
    day = date.fromisoformat(change["day"])
    head = {"change": _change_body(change), "days": days}
    look_lo = (day - timedelta(days=days) - MARGIN).isoformat()
    look_hi = min(today, day + timedelta(days=days - 1) + MARGIN).isoformat()
    tracked = store.tracked_days(team_ids, look_lo, look_hi) if look_lo <= look_hi else {}
    w, (b_lo, b_hi), (a_lo, a_hi) = windows(day, days, [date.fromisoformat(d) for d in tracked])
    if w == 0:
        side = "after" if any(d < change["day"] for d in tracked) else "before"
        return {
            **head,
            "window_days": 0,
            "interval": INTERVAL,
            "figures": [],
            "focus": {"available": False, "note": NO_FOCUS},
            "daily": [],
            "note": f"No tracked days {side} the change yet: nothing to compare.",
        }
    sides = {
        "before": (b_lo.isoformat(), b_hi.isoformat()),
        "after": (a_lo.isoformat(), a_hi.isoformat()),
    }
    people = {k: store.people_tracked(team_ids, lo, hi) for k, (lo, hi) in sides.items()}
    for k in sides:
        hidden = hidden_group(store, people[k])
        if hidden:
            return {**head, **hidden}
    floor = group_floor(store)
    lo, hi = sides["before"][0], sides["after"][1]
    shown = {d: n for d, n in tracked.items() if lo <= d <= hi and n >= floor}
    window_of = {d: ("before" if d < change["day"] else "after") for d in sorted(shown)}
    hours: dict[tuple[str, str], float] = {}
    for r in store.function_days(team_ids, lo, hi):
        hours[(r["day"], r["function"])] = r["hours"]
    units: dict[tuple[str, str], float] = {}
    for u in store.output_units(team_ids, lo, hi):
        key = (str(u["date"]), u["function"])
        units[key] = units.get(key, 0.0) + float(u["units"])
    rates = {
        r["day"]: r["count"] / r["people"]
        for r in store.interruption_days(team_ids, lo, hi)
        if r["day"] in shown and r["people"]
    }
    by_side = {k: [d for d, s in window_of.items() if s == k] for k in sides}
    spans = store.active_spans(team_ids, lo, hi)
    focus_s = focus_by_day(spans)
    focus = {d: focus_s.get(d, 0.0) / 3600 / shown[d] for d in shown}
    # Segments outlive nothing: past retention a window has none, and no focus to show.
    span_days = {span[1] for span in spans}
    has_focus = all(any(d in span_days for d in ds) for ds in by_side.values())
    figures = [
        {
            "metric": "interruptions_per_person_day",
            "function": None,
            "name": "Interruptions per person-day",
            **ba.compare(
                ba.mean_estimate([rates.get(d, 0.0) for d in by_side["before"]]),
                ba.mean_estimate([rates.get(d, 0.0) for d in by_side["after"]]),
            ),
        }
    ]
    if has_focus:
        figures.append(
            {
                "metric": "focus_hours_per_person_day",
                "function": None,
                "name": "Focus hours per person-day",
                **ba.compare(
                    ba.mean_estimate([focus[d] for d in by_side["before"]]),
                    ba.mean_estimate([focus[d] for d in by_side["after"]]),
                    lower_is_better=False,
                ),
            }
        )
    # Units recorded on a day nobody was tracked (a Saturday's batch) count with no
    # hours, as the time-per-unit report counts them; a small group's day stays out.
    unit_days = {
        k: sorted({*ds, *(d for d, _ in units if s_lo <= d <= s_hi and not tracked.get(d))})
        for (k, ds), (s_lo, s_hi) in zip(by_side.items(), sides.values(), strict=True)
    }
    for f in FUNCTION_IDS:
        if not any(units.get((d, f)) for ds in unit_days.values() for d in ds):
            continue
        est = {
            k: ba.ratio_estimate(
                [hours.get((d, f), 0.0) for d in ds], [units.get((d, f), 0.0) for d in ds]
            )
            for k, ds in unit_days.items()
        }
        figures.append(
            {
                "metric": "hours_per_unit",
                "function": f,
                "name": f"Hours per unit, {category_name(f)}",
                **ba.compare(est["before"], est["after"]),
            }
        )
    daily = [
        {
            "day": d,
            "window": window_of[d],
            "people": shown[d],
            "interruptions_per_person": rates.get(d, 0.0),
            "focus_hours_per_person": focus[d],
            "hours": sum(h for (hd, f), h in hours.items() if hd == d and f in FUNCTION_IDS),
            "units": sum(u for (ud, _), u in units.items() if ud == d),
        }
        for d in window_of
    ]
    return {
        **head,
        "window_days": w,
        "before": {
            "from": sides["before"][0],
            "to": sides["before"][1],
            "people": people["before"],
            "days": len(by_side["before"]),
        },
        "after": {
            "from": sides["after"][0],
            "to": sides["after"][1],
            "people": people["after"],
            "days": len(by_side["after"]),
        },
        "interval": INTERVAL,
        "figures": figures,
        "focus": {"available": has_focus, "note": FOCUS if has_focus else NO_FOCUS},
        "daily": daily,
        "note": None,
    }
