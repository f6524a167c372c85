"""Changes an admin marks for the before/after comparison: a day, a note and
the teams concerned. Written with its audit entry in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from collector.store.sqlite.sql import in_list

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store


class ChangesMixin:
    def add_change(
        self: Store, day: str, note: str, team_ids: list[int], actor: str, ip: str = ""
    ) -> int:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.write() as c:
            cur = c.execute(
                "INSERT INTO changes (day, note, created_at, created_by) VALUES (?, ?, ?, ?)",
                (day, note, now, actor),
            )
            change_id = int(cur.lastrowid)
            for team_id in sorted(set(team_ids)):
                c.execute(
                    "INSERT INTO change_teams (change_id, team_id) VALUES (?, ?)",
                    (change_id, team_id),
                )
            self.audit(
                actor,
                "changes.add",
                str(change_id),
                {"day": day, "teams": sorted(set(team_ids))},
                ip,
            )
        return change_id

    def changes(self: Store, team_ids: list[int] | None = None) -> list[dict]:
        """Newest first; with `team_ids`, the changes concerning any of those teams."""
        where, params = in_list("ct.team_id", team_ids)
        rows = self.all(
            f"""SELECT c.id, c.day, c.note, c.created_at, c.created_by, t.id AS team_id,
                       t.name AS team
                FROM changes c JOIN change_teams ct ON ct.change_id = c.id
                JOIN teams t ON t.id = ct.team_id
                WHERE c.id IN (SELECT ct.change_id FROM change_teams ct WHERE 1{where})
                ORDER BY c.day DESC, c.id DESC, t.name""",
            params,
        )
        out: dict[int, dict] = {}
        for r in rows:
            item = out.setdefault(
                int(r["id"]),
                {
                    "id": int(r["id"]),
                    "day": str(r["day"]),
                    "note": r["note"],
                    "created_at": r["created_at"],
                    "created_by": r["created_by"],
                    "teams": [],
                    "team_ids": [],
                },
            )
            item["teams"].append(r["team"])
            item["team_ids"].append(int(r["team_id"]))
        return list(out.values())

    def change(self: Store, change_id: int) -> dict | None:
        return next((c for c in self.changes() if c["id"] == change_id), None)
