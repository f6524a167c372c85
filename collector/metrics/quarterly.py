"""The quarterly review (seed 001, docs/design.md §4 "Quarterly review").

Sixty minutes a quarter: is the back office getting lighter for the operation
it serves (hours per operation member, which should fall as processes
improve), were processes added without a simplification elsewhere, is quality
holding, and so should next quarter's focus be the processes or the staffing?

Quarters are compared per tracked working day as well as in total: a quarter
still under way, or the first quarter Backlight ran in, has fewer days, and a
total alone would read as the back office getting lighter when it has only
been measured for less time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: Overloaded people, as a share of the group, that call for capacity: the
#: contract's alert threshold for a team (docs/design.md §4 "Digest and alerts").
OVERLOADED_SHARE = 0.20
#: Bands that are a process problem rather than a staffing one.
PROCESS_BANDS = frozenset({"slow", "below_quality"})

Decision = Literal["process_improvement", "capacity_adjustment", "no_change"]


@dataclass(frozen=True)
class Quarter:
    """One quarter's measured volume: what the review compares."""

    quarter: str  # "2026-Q3"
    working_hours: float
    workdays: int  # Monday-to-Friday days of the quarter up to yesterday
    tracked_workdays: int  # of those, from the group's first tracked day on
    #: Fewer people than the minimum group were tracked in it: its total would
    #: give their hours away, so it shows no figure (docs/design.md §5).
    hidden: bool = False
    under_way: bool = False  # today falls in it

    def hours_per_member(self, operation_size: int) -> float | None:
        """None, not 0, for a quarter nobody was tracked in: unmeasured is not idle."""
        if self.hidden or operation_size <= 0 or self.tracked_workdays <= 0:
            return None
        return self.working_hours / operation_size

    def per_tracked_day(self, operation_size: int) -> float | None:
        per_member = self.hours_per_member(operation_size)
        if per_member is None or self.tracked_workdays <= 0:
            return None
        return per_member / self.tracked_workdays

    @property
    def complete(self) -> bool:
        """Over, and tracked on every one of its working days."""
        return not self.hidden and not self.under_way and self.tracked_workdays == self.workdays > 0


def change(now: float | None, then: float | None) -> float | None:
    if now is None or not then:
        return None
    return now / then - 1


def processes_added(
    now_hours: dict[str, float], then_hours: dict[str, float], then_tracked: bool
) -> list[str]:
    """Functions with hours this quarter and none the last. Nothing is "added"
    against a quarter nobody was tracked in: every function would be."""
    if not then_tracked:
        return []
    return sorted(f for f, h in now_hours.items() if h > 0 and then_hours.get(f, 0.0) <= 0)


def decide(functions: list[dict[str, Any]], overloaded: int, people: int) -> dict[str, Any]:
    """Next quarter's focus, with the evidence for it.

    Slow or below-quality functions are a process problem: more people doing
    a slow process make it an expensive one. Capacity is the answer when
    people are overloaded (over `OVERLOADED_SHARE` of the group) while the
    functions run at a reasonable pace. Both at once: processes first, and
    the overload is named as evidence too.
    """
    weak = [f for f in functions if f.get("band") in PROCESS_BANDS]
    share = overloaded / people if people else 0.0
    crowded = share > OVERLOADED_SHARE
    evidence = [
        {
            "function": f["function"],
            "name": f.get("name", f["function"]),
            "band": f["band"],
            "hours_per_unit": f.get("hours_per_unit"),
            "error_rate": f.get("error_rate"),
            "quality_limit": f.get("quality_limit"),
        }
        for f in sorted(weak, key=lambda f: (f["band"] != "below_quality", f["function"]))
    ]
    kind: Decision
    if weak:
        kind = "process_improvement"
    elif crowded:
        kind = "capacity_adjustment"
    else:
        kind = "no_change"
    return {
        "kind": kind,
        "functions": evidence,
        "overloaded": overloaded,
        "people": people,
        "overloaded_share": share,
        "overloaded_threshold": OVERLOADED_SHARE,
    }


def quarterly_review(
    now: Quarter,
    previous: Quarter,
    trend: list[Quarter],
    operation_size: int,
    functions: list[dict[str, Any]],
    previous_functions: list[dict[str, Any]],
    overloaded: int,
    people: int,
) -> dict[str, Any]:
    """The review's body: `functions` are this quarter's time-per-unit rows
    (band, error rate), `previous_functions` last quarter's."""
    then_rows = {r["function"]: r for r in previous_functions}
    now_hours = {r["function"]: r.get("hours") or 0.0 for r in functions}
    then_hours = {f: r.get("hours") or 0.0 for f, r in then_rows.items()}
    then_tracked = previous.tracked_workdays > 0 and not previous.hidden
    added = set(processes_added(now_hours, then_hours, then_tracked))
    rows = []
    for r in functions:
        before = then_rows.get(r["function"], {})
        rows.append(
            {
                "function": r["function"],
                "name": r.get("name", r["function"]),
                "hours": r.get("hours") or 0.0,
                "previous_hours": before.get("hours") or 0.0,
                "band": r.get("band"),
                "error_rate": r.get("error_rate"),
                "previous_error_rate": before.get("error_rate"),
                "error_rate_change": _difference(r.get("error_rate"), before.get("error_rate")),
                "quality_limit": r.get("quality_limit"),
                "added": r["function"] in added,
            }
        )
    comparable = now.complete and previous.complete
    if comparable:
        moved = change(
            now.hours_per_member(operation_size), previous.hours_per_member(operation_size)
        )
    else:  # a quarter under way or half-tracked: per tracked working day
        moved = change(
            now.per_tracked_day(operation_size), previous.per_tracked_day(operation_size)
        )
    return {
        "hours_per_operation_member": now.hours_per_member(operation_size),
        "previous_hours_per_operation_member": previous.hours_per_member(operation_size),
        "change": moved,
        "change_basis": "quarter" if comparable else "tracked_day",
        "comparable": comparable,
        "coverage": [_coverage(q) for q in (now, previous)],
        "trend": [
            {**_coverage(q), "hours_per_operation_member": q.hours_per_member(operation_size)}
            for q in trend
        ],
        "functions": rows,
        "added": sorted(added),
        "decision": decide(functions, overloaded, people),
    }


def _difference(now: float | None, then: float | None) -> float | None:
    """Error rates change in points, not in percent of a small number."""
    if now is None or then is None:
        return None
    return now - then


def _coverage(q: Quarter) -> dict[str, Any]:
    return {
        "quarter": q.quarter,
        "hidden": q.hidden,
        "working_hours": None if q.hidden else q.working_hours,
        "workdays": q.workdays,
        "tracked_workdays": q.tracked_workdays,
        "under_way": q.under_way,
        "complete": q.complete,
    }
