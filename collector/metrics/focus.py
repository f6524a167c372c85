"""Focus time over a report's days, from the per-day sums the store keeps
(the sessions themselves are found per person-day by shared/focus.py when
the day is settled)."""

from __future__ import annotations

from collections.abc import Iterable


def focus_totals(days: Iterable[dict], person_days: int) -> dict:
    """Hours and sessions over `days` (each with focus_s and focus_sessions),
    and per tracked person-day. The caller passes the same days its totals
    use (hidden ones only when they are, together, a large enough group), so
    focus cannot be differenced against what is shown either."""
    rows = list(days)
    seconds = sum(r["focus_s"] for r in rows)
    sessions = sum(r["focus_sessions"] for r in rows)
    return {
        "hours": seconds / 3600,
        "sessions": sessions,
        "hours_per_person_day": seconds / 3600 / person_days if person_days else None,
        "sessions_per_person_day": sessions / person_days if person_days else None,
    }
