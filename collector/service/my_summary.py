"""``GET /me/summary``: the employee's own totals for a day, a week or a month.

Orchestration only: the store reads this person's rows (``person_summary``,
with their focus time and sessions, and ``person_range``, in one read
transaction), the other figures come from ``collector.metrics.my_weeks``.
The body is the person's own and nobody else's: every read is keyed by the
device's person.
"""

from __future__ import annotations

from typing import Any

from collector.metrics.my_weeks import longest_focus, per_function, spans_from_rows
from collector.store import Store


def my_summary(store: Store, person_id: int, start: str, end: str) -> dict[str, Any]:
    with store.snapshot():
        data = store.person_summary(person_id, start, end)
        extra = store.person_range(person_id, start, end)
    hours = {c["category"]: float(c["hours"]) for c in data["categories"]}
    return {
        "from": start,
        "to": end,
        "total_hours": sum(hours.values()),
        **data,
        "days": extra["days"],
        "functions": per_function(hours, extra["units"]),
        "longest_focus": longest_focus(spans_from_rows(extra["spans"])),
    }
