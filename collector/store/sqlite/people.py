"""Teams and the people in them (people are made on enrollment)."""

from __future__ import annotations

import logging
from datetime import date
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
        sql = """SELECT p.id, p.name, p.team_id, t.name AS team, p.start_day FROM people p
                 JOIN teams t ON t.id = p.team_id"""
        where, params = in_list("p.team_id", team_ids)
        sql += " WHERE 1" + where
        return [dict(r) for r in self.all(sql + " ORDER BY t.name, p.name", params)]

    def set_start_day(self: Store, person_id: int, day: str | None) -> bool:
        """Set (or, with None, clear) the day an admin says the person started;
        False when there is no such person."""
        with self.write() as c:
            cur = c.execute("UPDATE people SET start_day = ? WHERE id = ?", (day, person_id))
            return cur.rowcount > 0

    def counted_from_days(self: Store, person_ids: list[int]) -> dict[int, date]:
        """The day each person counts from in targets and available hours: the
        start day an admin set, else their first day with tracked time (one
        primary-key seek per person, as first_tracked_days)."""
        if not person_ids:
            return {}
        marks = ",".join("?" * len(person_ids))
        rows = self.all(
            f"""SELECT p.id AS person_id, p.start_day AS start_day,
                       (SELECT r.day FROM rollups r WHERE r.person_id = p.id
                        ORDER BY r.day LIMIT 1) AS first
                FROM people p WHERE p.id IN ({marks})""",
            person_ids,
        )
        out = {}
        for r in rows:
            day = r["start_day"] or r["first"]
            if day:
                out[r["person_id"]] = date.fromisoformat(day)
        return out
