"""Weeks as groups of their own, and whether a range's totals may count them.

A chart by week hides a week with fewer people than the minimum group. If
the range's total still counted that week, the total minus the shown weeks
would give it back. So, as the interruptions report does for days, hidden
weeks count in the totals only when together they had at least the minimum
group of people; otherwise the totals leave them out, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from collector.metrics import suppression
from collector.store import Store


def hidden_group(store: Store, people: int) -> dict | None:
    """The body that replaces a group's figures, or None when it may be shown."""
    s = store.settings()
    if s["privacy.individual_reports"] and people > 0:
        return None
    return suppression(people, s["privacy.min_group_size"])


def group_floor(store: Store) -> int:
    """The people a sub-group needs to be shown (1 when individual reports are on)."""
    s = store.settings()
    return 1 if s["privacy.individual_reports"] else int(s["privacy.min_group_size"])


def week_days(week: str, start: str, end: str) -> list[str]:
    """The days of the ISO week starting on Monday `week` that fall in [start, end]."""
    monday = date.fromisoformat(week)
    first = max(monday, date.fromisoformat(start))
    last = min(monday + timedelta(days=6), date.fromisoformat(end))
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


@dataclass(frozen=True)
class WeekParts:
    """The weeks of a range that are hidden, and whether totals count them."""

    hidden: dict[str, str] = field(default_factory=dict)  # week (Monday) -> reason
    in_totals: bool = True
    days_left_out: int = 0

    def shown(self, week: str) -> bool:
        return week not in self.hidden

    def counted(self, week: str) -> bool:
        """Whether this week's figures belong in the range's totals."""
        return self.in_totals or week not in self.hidden

    def body(self) -> dict:
        """The fields a report adds so an API caller knows what the totals hold."""
        return {
            "suppressed_weeks": [
                {"week": w, "suppressed": True, "reason": r} for w, r in sorted(self.hidden.items())
            ],
            "suppressed_weeks_in_totals": bool(self.hidden) and self.in_totals,
        }


def totals_note(report: dict, floor: int) -> str:
    """What a report's totals hold when some weeks are hidden, for a page; '' if none."""
    n = len(report.get("suppressed_weeks") or [])
    if not n:
        return ""
    weeks = "1 week has" if n == 1 else f"{n} weeks have"
    verb = "is" if n == 1 else "are"
    if report["suppressed_weeks_in_totals"]:
        return (
            f"{weeks} fewer than {floor} people and {verb} not shown on "
            f"{'its' if n == 1 else 'their'} "
            f"own; together they reach {floor} people, so the totals include them."
        )
    return (
        f"{weeks} fewer than {floor} people and {verb} not shown; the totals leave "
        f"{'it' if n == 1 else 'them'} out too, since subtracting the shown weeks from the "
        "totals would reveal them."
    )


def week_parts(store: Store, team_ids: list[int] | None, start: str, end: str) -> WeekParts:
    people = store.weekly_people(team_ids, start, end, at_least=group_floor(store))
    hidden = {}
    for week, n in people.items():
        body = hidden_group(store, n)
        if body:
            hidden[week] = body["reason"]
    if not hidden:
        return WeekParts()
    days = [d for w in hidden for d in week_days(w, start, end)]
    together = store.people_on_days(team_ids, days)
    in_totals = hidden_group(store, together) is None
    return WeekParts(hidden, in_totals, 0 if in_totals else len(days))
