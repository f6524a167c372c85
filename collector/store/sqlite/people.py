"""Teams and the people in them (people are made on enrollment)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from collector.store.sqlite.sql import in_list, now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

log = logging.getLogger(__name__)


class TeamsMixin:
    def add_team(self: Store, name: str) -> int:
        with self.write() as c:
            cur = c.execute("INSERT INTO teams (name, created_at) VALUES (?, ?)", (name, now_iso()))
            return int(cur.lastrowid)

    def team_id(self: Store, name: str) -> int | None:
        row = self.one("SELECT id FROM teams WHERE name = ?", (name,))
        return int(row["id"]) if row else None

    def teams(self: Store) -> list[dict]:
        rows = self.all(
            """SELECT t.id, t.name, t.created_at, COUNT(p.id) AS people
               FROM teams t LEFT JOIN people p ON p.team_id = t.id
               GROUP BY t.id ORDER BY t.name"""
        )
        return [dict(r) for r in rows]

    def person_id(self: Store, team_id: int, name: str, create: bool = False) -> int | None:
        row = self.one("SELECT id FROM people WHERE team_id = ? AND name = ?", (team_id, name))
        if row:
            return int(row["id"])
        if not create:
            return None
        cur = self.conn.execute(
            "INSERT INTO people (team_id, name, created_at) VALUES (?, ?, ?)",
            (team_id, name, now_iso()),
        )
        return int(cur.lastrowid)

    def people(self: Store, team_ids: list[int] | None = None) -> list[dict]:
        sql = """SELECT p.id, p.name, p.team_id, t.name AS team FROM people p
                 JOIN teams t ON t.id = p.team_id"""
        where, params = in_list("p.team_id", team_ids)
        sql += " WHERE 1" + where
        return [dict(r) for r in self.all(sql + " ORDER BY t.name, p.name", params)]
