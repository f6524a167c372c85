"""Per-day queries behind the spike calendar and the before/after comparison.

They read the per-person daily rollups for people per function and day (the
minimum group rule needs who, not just how much), and the per-team day level
for who was tracked at all. SQL in the subset both backends speak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.store.sqlite.sql import in_list
from shared.catalogue import FUNCTION_IDS

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store


class DailyQueriesMixin:
    def function_days(self: Store, team_ids: list[int] | None, start: str, end: str) -> list[dict]:
        """Per day and work function: active hours and the people behind them."""
        functions = ",".join("?" * len(FUNCTION_IDS))
        where, params = in_list("team_id", team_ids)
        rows = self.all(
            f"""SELECT day, category AS function, SUM(active_s) / 3600.0 AS hours,
                       COUNT(DISTINCT person_id) AS people
                FROM rollups
                WHERE day BETWEEN ? AND ? AND category IN ({functions}){where}
                GROUP BY day, category ORDER BY day, category""",
            [start, end, *FUNCTION_IDS, *params],
        )
        return [
            {
                "day": str(r["day"]),
                "function": r["function"],
                "hours": float(r["hours"]),
                "people": int(r["people"]),
            }
            for r in rows
        ]

    def tracked_days(self: Store, team_ids: list[int] | None, start: str, end: str) -> dict:
        """People tracked per day (any category), for the days anyone was."""
        where, params = in_list("team_id", team_ids)
        rows = self.all(
            f"""SELECT day, SUM(people) AS people FROM team_days
                WHERE day BETWEEN ? AND ?{where} AND people > 0
                GROUP BY day ORDER BY day""",
            [start, end, *params],
        )
        return {str(r["day"]): int(r["people"]) for r in rows}

    def unit_days(
        self: Store, team_ids: list[int] | None, start: str, end: str, function: str
    ) -> list[str]:
        """Days with output units of one function recorded (payroll: its pay dates)."""
        where, params = in_list("team_id", team_ids)
        rows = self.all(
            f"""SELECT DISTINCT date FROM output_units
                WHERE function = ? AND date BETWEEN ? AND ? AND units > 0{where}
                ORDER BY date""",
            [function, start, end, *params],
        )
        return [str(r[0]) for r in rows]

    def active_spans(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[tuple[int, str, float, float, str]]:
        """(person_id, day, start, end, category) of every active segment, in order
        per person and day: the raw material of focus sessions (shared/focus.py)."""
        where, params = in_list("p.team_id", team_ids)
        rows = self.all(
            f"""SELECT s.person_id, s.day, s.start, s.end, s.category
                FROM segments s JOIN people p ON p.id = s.person_id
                WHERE s.day BETWEEN ? AND ? AND s.state = 'active'{where}
                ORDER BY s.person_id, s.day, s.start""",
            [start, end, *params],
        )
        return [(int(r[0]), str(r[1]), float(r[2]), float(r[3]), str(r[4])) for r in rows]
