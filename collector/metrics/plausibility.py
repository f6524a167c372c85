"""Weekly unit counts that cannot fit the operation (docs/design.md §4, weekly basis).

A per-unit figure divides hours by a count; a count that is too large makes
any process look fast. These bounds come from how the work is done: one
timesheet per operation member a week, one schedule a week per scheduling
team, and pay calendars that run at most weekly. They are warnings, not
refusals: an off-cycle pay run or a re-published schedule is real, but it
should be a choice someone can explain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

#: The most frequent regular pay calendar is weekly.
PAY_CYCLES_PER_WEEK = 1
#: One published schedule a week per scheduling team (seed 001: "one per week").
SCHEDULES_PER_TEAM_WEEK = 1


def implausible_weeks(
    weekly: Iterable[dict[str, Any]], operation_size: int
) -> list[dict[str, Any]]:
    """Rows of (week, function, team, units) in; one warning per week that cannot fit.

    Timesheets and pay cycles are bounded for the whole operation (a week's
    timesheets, all teams together); schedules per team.
    """
    org: dict[tuple[str, str], int] = defaultdict(int)
    out = []
    for r in weekly:
        org[(r["week"], r["function"])] += int(r["units"])
        if r["function"] == "scheduling" and r["units"] > SCHEDULES_PER_TEAM_WEEK:
            who = f"team {r['team']}" if r["team"] else "units with no team"
            out.append(
                _warning(
                    r["week"],
                    "scheduling",
                    r["team"],
                    int(r["units"]),
                    SCHEDULES_PER_TEAM_WEEK,
                    f"{int(r['units'])} schedules published in one week by {who}: a team "
                    "publishes one weekly schedule",
                )
            )
    for (week, function), units in sorted(org.items()):
        if function == "timesheet_review" and units > operation_size:
            out.append(
                _warning(
                    week,
                    function,
                    None,
                    units,
                    operation_size,
                    f"{units:,} timesheets approved in one week for an operation of "
                    f"{operation_size:,}: one timesheet per person a week at most",
                )
            )
        if function == "payroll" and units > PAY_CYCLES_PER_WEEK:
            out.append(
                _warning(
                    week,
                    function,
                    None,
                    units,
                    PAY_CYCLES_PER_WEEK,
                    f"{units} pay cycles completed in one week: a weekly pay calendar runs one",
                )
            )
    return sorted(out, key=lambda w: (w["week"], w["function"], w["team"] or ""))


def _warning(week: str, function: str, team: str | None, units: int, bound: int, text: str):
    return {
        "week": week,
        "function": function,
        "team": team,
        "units": units,
        "bound": bound,
        "message": text,
    }
