"""Read-only queries behind the reports. They read rollups, never raw segments,
so their cost grows with people x days, not with events (DESIGN §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.catalogue import FUNCTION_IDS

if TYPE_CHECKING:
    from collector.store import Store

#: Time that counts as working time: everything active except non-work.
_WORKING = "category != 'non_work'"


def _teams(team_ids: list[int] | None, column: str = "team_id") -> tuple[str, list]:
    if team_ids is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(team_ids))})", list(team_ids)


class QueriesMixin:
    def people_tracked(self: Store, team_ids: list[int] | None, start: str, end: str) -> int:
        where, params = _teams(team_ids)
        row = self.one(
            f"SELECT COUNT(DISTINCT person_id) FROM rollups WHERE day BETWEEN ? AND ?{where}",
            [start, end, *params],
        )
        return int(row[0])

    def hours_by_category(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> dict[str, float]:
        where, params = _teams(team_ids)
        rows = self.all(
            f"""SELECT category, SUM(active_s) / 3600.0 FROM rollups
                WHERE day BETWEEN ? AND ?{where} GROUP BY category""",
            [start, end, *params],
        )
        return {r[0]: r[1] for r in rows}

    def units_by_function(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> dict[str, tuple[float, float]]:
        """(units, corrections) per function. With a team filter, only units
        recorded for those teams count; unattributed units count organisation-wide."""
        where, params = _teams(team_ids)
        rows = self.all(
            f"""SELECT function, SUM(units), SUM(corrections) FROM output_units
                WHERE date BETWEEN ? AND ?{where} GROUP BY function""",
            [start, end, *params],
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def weekly_hours_by_function(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Hours per ISO week (its Monday) and category, for the overview chart."""
        where, params = _teams(team_ids)
        rows = self.all(
            f"""SELECT date(day, 'weekday 0', '-6 days') AS week, category,
                       SUM(active_s) / 3600.0 AS hours
                FROM rollups WHERE day BETWEEN ? AND ?{where}
                GROUP BY week, category ORDER BY week""",
            [start, end, *params],
        )
        return [dict(r) for r in rows]

    def interruption_days(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Per day: interruptions, away seconds, task switches, working seconds, people."""
        where, params = _teams(team_ids)
        rows = self.all(
            f"""SELECT w.day, COALESCE(i.count, 0) AS count, COALESCE(i.away_s, 0) AS away_s,
                       COALESCE(i.task_switches, 0) AS task_switches, w.working_s, w.people
                FROM (SELECT day, SUM(active_s) AS working_s, COUNT(DISTINCT person_id) AS people
                      FROM rollups WHERE day BETWEEN ? AND ? AND {_WORKING}{where}
                      GROUP BY day) w
                LEFT JOIN (SELECT day, SUM(count) AS count, SUM(away_s) AS away_s,
                                  SUM(task_switches) AS task_switches
                           FROM interruption_days WHERE day BETWEEN ? AND ?{where}
                           GROUP BY day) i ON i.day = w.day
                ORDER BY w.day""",
            [start, end, *params, start, end, *params],
        )
        return [dict(r) for r in rows]

    def client_hours(self: Store, start: str, end: str) -> dict[str, tuple[float, int]]:
        """Back-office (work-function) hours and the people behind them, per client."""
        functions = ",".join("?" * len(FUNCTION_IDS))
        rows = self.all(
            f"""SELECT client, SUM(active_s) / 3600.0, COUNT(DISTINCT person_id) FROM rollups
                WHERE day BETWEEN ? AND ? AND client != '' AND category IN ({functions})
                GROUP BY client""",
            [start, end, *FUNCTION_IDS],
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def hours_by_person(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        where, params = _teams(team_ids, "r.team_id")
        rows = self.all(
            f"""SELECT p.name AS person, t.name AS team, SUM(r.active_s) / 3600.0 AS hours
                FROM rollups r JOIN people p ON p.id = r.person_id JOIN teams t ON t.id = p.team_id
                WHERE r.day BETWEEN ? AND ? AND r.{_WORKING}{where}
                GROUP BY r.person_id ORDER BY t.name, p.name""",
            [start, end, *params],
        )
        return [dict(r) for r in rows]

    def uncategorised_apps(self: Store, start: str, end: str, limit: int = 50) -> list[dict]:
        rows = self.all(
            """SELECT app, SUM(seconds) / 3600.0 AS hours FROM uncategorised_apps
               WHERE day BETWEEN ? AND ? GROUP BY app ORDER BY hours DESC LIMIT ?""",
            (start, end, limit),
        )
        return [dict(r) for r in rows]

    def person_summary(self: Store, person_id: int, start: str, end: str) -> dict:
        cats = self.all(
            """SELECT category, SUM(active_s) / 3600.0 AS hours FROM rollups
               WHERE person_id = ? AND day BETWEEN ? AND ? GROUP BY category
               ORDER BY hours DESC""",
            (person_id, start, end),
        )
        intr = self.one(
            """SELECT COALESCE(SUM(count), 0), COALESCE(SUM(away_s), 0),
                      COALESCE(SUM(task_switches), 0)
               FROM interruption_days WHERE person_id = ? AND day BETWEEN ? AND ?""",
            (person_id, start, end),
        )
        return {
            "categories": [dict(r) for r in cats],
            "interruptions": {
                "count": int(intr[0]),
                "away_minutes": intr[1] / 60,
                "task_switches": int(intr[2]),
            },
        }
