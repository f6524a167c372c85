"""Deferred work: work types, the workflow system's items (by the HMAC of
their reference, never the reference) and the tray's timings of them.

Items are upserted by (type, ref): a later post of the same item updates it,
and a completion once stored is not undone by a post that omits it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from collector.store.errors import Conflict
from collector.store.sqlite.schema import WORK_ITEM_SALT
from collector.store.sqlite.sql import in_list, now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

_TYPE_COLUMNS = "key, name, function, sla_business_days, sla_hours"
_ITEM_COLUMNS = (
    "type, ref, team_id, person_id, client_key, received_at, completed_at, quality_passed"
)


def _item(row: Any) -> dict[str, Any]:
    out = dict(row)
    if out.get("quality_passed") is not None:
        out["quality_passed"] = bool(out["quality_passed"])
    return out


#: One timing of the tray's; ingest stores a batch's with this too (ingest.py).
INSERT_TIMING = """INSERT INTO work_item_timings (device_id, batch_id, person_id, team_id, type,
           ref, started, ended, active_s, outcome)
       VALUES (:device_id, :batch_id, :person_id, :team_id, :type, :ref, :started,
               :ended, :active_s, :outcome)"""


class WorkItemsMixin:
    def work_item_salt(self: Store) -> str:
        """The organisation's salt for item references (made by migration m014)."""
        row = self.one("SELECT value FROM settings WHERE key = ?", (WORK_ITEM_SALT,))
        if row is None:  # only a schema older than m014, which migrate() forbids
            raise Conflict("the work-item salt is missing; run the migrations")
        return str(row["value"])

    def work_types(self: Store) -> list[dict[str, Any]]:
        rows = self.all(f"SELECT {_TYPE_COLUMNS} FROM work_types ORDER BY position, key")
        return [dict(r) for r in rows]

    def replace_work_types(self: Store, types: list[dict[str, Any]]) -> list[str]:
        """Store this list as the work types, in its order. A type that items
        name cannot be removed (Conflict, nothing written); the keys removed."""
        with self.write() as c:
            before = {r["key"] for r in self.work_types()}
            keep = {t["key"] for t in types}
            removed = sorted(before - keep)
            for key in removed:
                used = c.execute("SELECT 1 FROM work_items WHERE type = ? LIMIT 1", (key,))
                if used.fetchone() is not None:
                    raise Conflict(f"work type {key!r} has work items; keep it")
                c.execute("DELETE FROM work_types WHERE key = ?", (key,))
            c.executemany(
                """INSERT INTO work_types
                       (key, name, function, sla_business_days, sla_hours, position, updated_at)
                   VALUES (:key, :name, :function, :sla_business_days, :sla_hours,
                           :position, :updated_at)
                   ON CONFLICT (key) DO UPDATE SET name = excluded.name,
                       function = excluded.function,
                       sla_business_days = excluded.sla_business_days,
                       sla_hours = excluded.sla_hours, position = excluded.position,
                       updated_at = excluded.updated_at""",
                [
                    {
                        "key": t["key"],
                        "name": t["name"],
                        "function": t["function"],
                        "sla_business_days": t.get("sla_business_days"),
                        "sla_hours": t.get("sla_hours"),
                        "position": i,
                        "updated_at": now_iso(),
                    }
                    for i, t in enumerate(types)
                ],
            )
        return removed

    def work_items_by_ref(self: Store, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """The stored items among these (type, ref) keys, by key."""
        out: dict[tuple[str, str], dict] = {}
        for start in range(0, len(keys), 400):
            chunk = keys[start : start + 400]
            where = " OR ".join("(type = ? AND ref = ?)" for _ in chunk)
            params = [v for key in chunk for v in key]
            for row in self.all(f"SELECT {_ITEM_COLUMNS} FROM work_items WHERE {where}", params):
                out[(row["type"], row["ref"])] = _item(row)
        return out

    def upsert_work_items(self: Store, rows: list[dict[str, Any]], source: str) -> dict[str, int]:
        """Insert or update resolved rows (ids hashed, names looked up) in one
        transaction; how many were new and how many updated."""
        with self.write() as c:
            known = self.work_items_by_ref([(r["type"], r["ref"]) for r in rows])
            c.executemany(
                f"""INSERT INTO work_items ({_ITEM_COLUMNS}, source, updated_at)
                    VALUES (:type, :ref, :team_id, :person_id, :client_key, :received_at,
                            :completed_at, :quality_passed, :source, :updated_at)
                    ON CONFLICT (type, ref) DO UPDATE SET team_id = excluded.team_id,
                        person_id = COALESCE(excluded.person_id, work_items.person_id),
                        client_key = COALESCE(excluded.client_key, work_items.client_key),
                        received_at = excluded.received_at,
                        completed_at = COALESCE(excluded.completed_at, work_items.completed_at),
                        quality_passed = COALESCE(excluded.quality_passed,
                                                  work_items.quality_passed),
                        source = excluded.source, updated_at = excluded.updated_at""",
                [
                    {
                        **r,
                        "quality_passed": None
                        if r.get("quality_passed") is None
                        else int(r["quality_passed"]),
                        "source": source,
                        "updated_at": now_iso(),
                    }
                    for r in rows
                ],
            )
        updated = sum(1 for r in rows if (r["type"], r["ref"]) in known)
        return {"added": len(rows) - updated, "updated": updated}

    def work_items_between(
        self: Store, team_ids: list[int] | None, types: list[str] | None, start: float, end: float
    ) -> list[dict[str, Any]]:
        """Items that were open at some moment of [start, end) or arrived or
        completed in it (Unix seconds): received before `end` and not
        completed before `start`. No person is named.

        Two halves (still open; completed since `start`), each a range on the
        (team, type, completed_at) index: one OR over both scanned every item
        ever received, a year of them at 1,000 people. Sorted here: an ORDER BY
        over the union made SQLite walk the primary key instead."""
        where, params = in_list("team_id", team_ids)
        if team_ids is None:
            where = " AND team_id IN (SELECT id FROM teams)"  # lets the index lead on team
        type_where, type_params = in_list("type", types)
        rows = self.all(
            f"""SELECT type, team_id, received_at, completed_at, quality_passed
                  FROM work_items
                 WHERE completed_at IS NULL AND received_at < ?{where}{type_where}
                UNION ALL
                SELECT type, team_id, received_at, completed_at, quality_passed
                  FROM work_items
                 WHERE completed_at >= ? AND received_at < ?{where}{type_where}""",
            [end, *params, *type_params, start, end, *params, *type_params],
        )
        items = [_item(r) for r in rows]
        items.sort(key=lambda r: (r["type"], r["received_at"]))
        return items

    def add_work_item_timings(self: Store, rows: list[dict[str, Any]]) -> int:
        with self.write() as c:
            c.executemany(INSERT_TIMING, rows)
        return len(rows)

    def work_item_timings(
        self: Store, team_ids: list[int] | None, types: list[str] | None, start: float, end: float
    ) -> list[dict[str, Any]]:
        """The tray's completed timings that ended in [start, end): type and net seconds."""
        where, params = in_list("team_id", team_ids)
        type_where, type_params = in_list("type", types)
        rows = self.all(
            f"""SELECT type, active_s FROM work_item_timings
                WHERE ended >= ? AND ended < ? AND outcome = 'completed'{where}{type_where}
                ORDER BY type, ended""",
            [start, end, *params, *type_params],
        )
        return [dict(r) for r in rows]
