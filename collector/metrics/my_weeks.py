"""The employee's own week or month (issue 19): their focus and their hours per
unit, for ``GET /me/summary`` and the tray's My week and My month.

These are one person's figures shown to that person only, so no group minimum
applies; nothing here sees anyone else's data.

**Focus** is the product's one definition (``shared.focus``): the focus time
and sessions come with the person's totals (``person_summary``, counted per
day when the day settles); here only the range's longest session is found,
which needs the spans (seed 001: "each function gets focused attention rather
than fragmented time").

**Hours per unit** is the person's own hours on a function over the units that
name them for it; with no such units it is None, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from collector.metrics.interruptions import Span
from shared.catalogue import FUNCTION_IDS
from shared.focus import focus_sessions


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


def longest_focus(spans: Iterable[Span]) -> dict[str, Any] | None:
    """{minutes, function, day} of the longest focus session; None without one."""
    found = focus_sessions((s.start, s.end, s.category) for s in spans if s.state == "active")
    if not found:
        return None
    longest = max(found, key=lambda f: f.seconds)  # the first of equals
    return {
        "minutes": longest.seconds / 60,
        "function": longest.function,
        "day": longest.start.date(),
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
