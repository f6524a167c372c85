"""Output units (work done per function, imported or typed in) and the
weekly series the trend charts read."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from collector.store.sqlite.sql import in_list, now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

log = logging.getLogger(__name__)


class OutputUnitsMixin:
    def add_output_units(self: Store, rows: list[dict], source: str, actor: str) -> int:
        """Insert resolved rows (team_id/person_id already looked up) in one go."""
        with self.write() as c:
            c.executemany(
                """INSERT INTO output_units (date, function, team_id, person_id, client_key,
                   units, corrections, source, created_at, created_by)
                   VALUES (:date, :function, :team_id, :person_id, :client_key, :units,
                   :corrections, :source, :created_at, :created_by)""",
                [
                    {**r, "source": source, "created_at": now_iso(), "created_by": actor}
                    for r in rows
                ],
            )
        return len(rows)

    def output_units(self: Store, team_ids: list[int] | None, start: str, end: str) -> list[dict]:
        sql = """SELECT o.date, o.function, t.name AS team, p.name AS employee,
                        o.client_key AS client, o.units, o.corrections, o.source
                 FROM output_units o LEFT JOIN teams t ON t.id = o.team_id
                 LEFT JOIN people p ON p.id = o.person_id
                 WHERE o.date BETWEEN ? AND ?"""
        params: list = [start, end]
        where, team_params = in_list("o.team_id", team_ids)
        sql += where
        params += team_params
        return [dict(r) for r in self.all(sql + " ORDER BY o.date, o.function", params)]

    def output_units_summary(self: Store, team_ids: list[int] | None, start: str, end: str) -> dict:
        """Rows, functions and the latest date of the output units in a period."""
        where, params = in_list("team_id", team_ids)
        row = self.one(
            f"""SELECT COUNT(*) AS rows, COUNT(DISTINCT function) AS functions,
                       MAX(date) AS latest
                FROM output_units WHERE date BETWEEN ? AND ?{where}""",
            [start, end, *params],
        )
        return dict(row)

    def recent_output_units(
        self: Store, team_ids: list[int] | None, start: str, end: str, limit: int
    ) -> list[dict]:
        """The newest `limit` output-unit rows of a period, newest first."""
        where, params = in_list("o.team_id", team_ids)
        rows = self.all(
            f"""SELECT o.date, o.function, t.name AS team, p.name AS employee,
                       o.client_key AS client, o.units, o.corrections, o.source
                FROM output_units o LEFT JOIN teams t ON t.id = o.team_id
                LEFT JOIN people p ON p.id = o.person_id
                WHERE o.date BETWEEN ? AND ?{where}
                ORDER BY o.date DESC, o.id DESC LIMIT ?""",
            [start, end, *params, limit],
        )
        return [dict(r) for r in rows]

    def weekly_units_by_function(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Units and corrections per ISO week (its Monday) and function."""
        where, params = in_list("team_id", team_ids)
        rows = self.all(
            f"""SELECT date(date, 'weekday 0', '-6 days') AS week, function,
                       SUM(units) AS units, SUM(corrections) AS corrections
                FROM output_units WHERE date BETWEEN ? AND ?{where}
                GROUP BY week, function ORDER BY week""",
            [start, end, *params],
        )
        return [dict(r) for r in rows]

    def weekly_units_by_team(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Units per ISO week (its Monday), function and team (None: unattributed)."""
        where, params = in_list("o.team_id", team_ids)
        rows = self.all(
            f"""SELECT date(o.date, 'weekday 0', '-6 days') AS week, o.function,
                       t.name AS team, SUM(o.units) AS units
                FROM output_units o LEFT JOIN teams t ON t.id = o.team_id
                WHERE o.date BETWEEN ? AND ?{where}
                GROUP BY week, o.function, o.team_id ORDER BY week""",
            [start, end, *params],
        )
        return [dict(r) for r in rows]
