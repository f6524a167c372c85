"""The employee's own week or month (issue 19): their focus and their hours per
unit, for ``GET /me/summary`` and the tray's My week and My month.

These are one person's figures shown to that person only, so no group minimum
applies; nothing here sees anyone else's data.

**Focus** is read from the same runs an interruption is measured against
(``interruptions.work_runs``): an unbroken stretch on one work function. The
longest run is the best stretch of the range; the average run says how
fragmented the time was (seed 001: "each function gets focused attention
rather than fragmented time").

**Hours per unit** is the person's own hours on a function over the units that
name them for it; with no such units it is None, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from collector.metrics.interruptions import Span, work_runs
from shared.catalogue import FUNCTION_IDS


def spans_from_rows(rows: Iterable[tuple[float, float, int, str]]) -> list[Span]:
    """Stored (start, end, utc_offset_min, category) as spans in the person's local time."""
    zones: dict[int, timezone] = {}
    out = []
    for start, end, offset, category in rows:
        tz = zones.get(offset) or zones.setdefault(offset, timezone(timedelta(minutes=offset)))
        out.append(
            Span(datetime.fromtimestamp(start, tz), datetime.fromtimestamp(end, tz), category)
        )
    return out


def focus(spans: Iterable[Span], max_gap_s: float = 60) -> dict[str, Any]:
    """{runs, average_minutes, longest_minutes, longest_function, longest_day}."""
    runs = work_runs(spans, max_gap_s)
    if not runs:
        return {
            "runs": 0,
            "average_minutes": None,
            "longest_minutes": None,
            "longest_function": None,
            "longest_day": None,
        }
    minutes = [(end - start).total_seconds() / 60 for _f, start, end in runs]
    i = max(range(len(runs)), key=lambda k: (minutes[k], -k))  # the first of equals
    function, start, _end = runs[i]
    return {
        "runs": len(runs),
        "average_minutes": sum(minutes) / len(minutes),
        "longest_minutes": minutes[i],
        "longest_function": function,
        "longest_day": start.date(),
    }


def per_function(hours: dict[str, float], units: dict[str, int]) -> list[dict[str, Any]]:
    """Each work function with own hours or units: hours, units, hours per unit;
    most hours first."""
    rows = []
    for f in FUNCTION_IDS:
        h, u = hours.get(f, 0.0), units.get(f, 0)
        if h <= 0 and u <= 0:
            continue
        rows.append({"function": f, "hours": h, "units": u, "hours_per_unit": h / u if u else None})
    return sorted(rows, key=lambda r: (-r["hours"], r["function"]))
