"""The employee's own week or month (issue 19): their focus and their hours per
unit, for ``GET /me/summary`` and the tray's My week and My month.

These are one person's figures shown to that person only, so no group minimum
applies; nothing here sees anyone else's data.

**Focus** is the product's one definition (``shared.focus``, as in My day):
sessions of 15 minutes or more, mostly on one work
function. The body gives the focus time, the number of sessions and the
longest one (seed 001: "each function gets focused attention rather than
fragmented time").

**Hours per unit** is the person's own hours on a function over the units that
name them for it; with no such units it is None, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from collector.metrics.interruptions import Span
from shared.catalogue import FUNCTION_IDS
from shared.focus import focus_seconds, focus_sessions


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


def focus(spans: Iterable[Span]) -> dict[str, Any]:
    """{sessions, hours, longest_minutes, longest_function, longest_day}."""
    found = focus_sessions((s.start, s.end, s.category) for s in spans if s.state == "active")
    if not found:
        return {
            "sessions": 0,
            "hours": 0.0,
            "longest_minutes": None,
            "longest_function": None,
            "longest_day": None,
        }
    longest = max(found, key=lambda f: f.seconds)  # the first of equals
    return {
        "sessions": len(found),
        "hours": focus_seconds(found) / 3600,
        "longest_minutes": longest.seconds / 60,
        "longest_function": longest.function,
        "longest_day": longest.start.date(),
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
