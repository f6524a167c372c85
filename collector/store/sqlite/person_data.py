"""One person's data, read whole (export) or removed whole (erasure).

Both read the same list of person-owned tables so an export cannot show a
table an erasure forgets. Team-level figures (team_rollups, team_days) hold
no person and are recounted from the remaining daily rollups instead.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from collector.store.sqlite.rollups import rebuild

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

#: Test-only: seconds to sleep between the erasure's statements, so a test can
#: kill the process in the middle of the transaction (tests/collector/test_person_rights.py).
ERASE_DELAY_ENV = "BACKLIGHT_TEST_ERASE_DELAY_S"

#: Per-person tables and the column naming the person; the export's tables.
PERSON_TABLES: tuple[tuple[str, str], ...] = (
    ("segments", "person_id"),
    ("rollups", "person_id"),
    ("rollups_monthly", "person_id"),
    ("person_weeks", "person_id"),
    ("interruption_days", "person_id"),
    ("interruption_backlog", "person_id"),
    ("interruption_recount_queue", "person_id"),
    ("absences", "person_id"),
    ("output_units", "person_id"),
    ("work_item_timings", "person_id"),
)

#: Tables whose rows name a person but belong to the organisation's work: an
#: export shows the rows, an erasure removes the name and keeps the row (a
#: claim someone completed stays completed in the backlog).
NAMING_TABLES: tuple[tuple[str, str], ...] = (("work_items", "person_id"),)

#: Device columns an export shows: never the token hash.
DEVICE_COLUMNS = (
    "id, hostname, os, agent_version, created_at, last_seen_at, revoked_at, "
    "consent_decision, consent_version, consent_at, queue_segments, quarantined_batches"
)


def _rows(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


class PersonDataMixin:
    def people_named(self: Store, name: str) -> list[dict[str, Any]]:
        """Every person with this name (names are unique per team, not overall)."""
        return _rows(
            self.conn,
            "SELECT p.id, p.name, t.name AS team FROM people p JOIN teams t ON t.id = p.team_id "
            "WHERE p.name = ? ORDER BY t.name",
            (name,),
        )

    def person_of_device(self: Store, device_id: str) -> dict[str, Any] | None:
        """The person a device belongs to: the admin page lists devices, and
        acts on the person behind the row it was clicked on."""
        rows = _rows(
            self.conn,
            "SELECT p.id, p.name, t.name AS team FROM devices d "
            "JOIN people p ON p.id = d.person_id JOIN teams t ON t.id = p.team_id WHERE d.id = ?",
            (device_id,),
        )
        return rows[0] if rows else None

    def person_export(self: Store, person_id: int) -> dict[str, list[dict[str, Any]]]:
        """Everything held about one person, one list of rows per table, read in
        one snapshot so the tables agree with each other."""
        with self.snapshot() as c:
            out: dict[str, list[dict[str, Any]]] = {
                "person": _rows(
                    c,
                    "SELECT p.id, p.name, t.name AS team, p.created_at FROM people p "
                    "JOIN teams t ON t.id = p.team_id WHERE p.id = ?",
                    (person_id,),
                ),
                "devices": _rows(
                    c, f"SELECT {DEVICE_COLUMNS} FROM devices WHERE person_id = ?", (person_id,)
                ),
                "consents": _rows(
                    c,
                    "SELECT c.device_id, c.decision, c.consent_version, c.at, c.received_at "
                    "FROM consents c JOIN devices d ON d.id = c.device_id "
                    "WHERE d.person_id = ? ORDER BY c.id",
                    (person_id,),
                ),
            }
            for table, column in PERSON_TABLES + NAMING_TABLES:
                out[table] = _rows(c, f"SELECT * FROM {table} WHERE {column} = ?", (person_id,))
        return out

    def person_erase(self: Store, person_id: int, actor: str, ip: str = "") -> dict[str, int]:
        """Remove one person in one transaction; returns rows removed per table.

        A crash before the commit leaves the person whole (the rollback journal
        is the WAL); after it, gone. Wiping the bytes from the files is
        `wipe_free_space`, run after the commit.
        """
        delay = float(os.environ.get(ERASE_DELAY_ENV, "0") or 0)
        person = self.one("SELECT p.name, p.team_id FROM people p WHERE p.id = ?", (person_id,))
        if person is None:
            return {}
        self.conn.execute("PRAGMA secure_delete = ON")
        removed: dict[str, int] = {}
        with self.write() as c:
            own = c.execute(
                "SELECT id, hostname FROM devices WHERE person_id = ?", (person_id,)
            ).fetchall()
            devices = [r[0] for r in own]
            hostnames = [r[1] for r in own]
            first = c.execute(
                "SELECT MIN(day) FROM rollups WHERE person_id = ?", (person_id,)
            ).fetchone()[0]
            marks = ",".join("?" * len(devices))
            for table in ("consents", "batches"):
                removed[table] = (
                    c.execute(f"DELETE FROM {table} WHERE device_id IN ({marks})", devices).rowcount
                    if devices
                    else 0
                )
                if delay:
                    time.sleep(delay)
            for table, column in PERSON_TABLES:
                removed[table] = c.execute(
                    f"DELETE FROM {table} WHERE {column} = ?", (person_id,)
                ).rowcount
                if delay:
                    time.sleep(delay)
            for table, column in NAMING_TABLES:
                removed[table] = c.execute(
                    f"UPDATE {table} SET {column} = NULL WHERE {column} = ?", (person_id,)
                ).rowcount
            removed["devices"] = c.execute(
                "DELETE FROM devices WHERE person_id = ?", (person_id,)
            ).rowcount
            removed["audit_log"] = _scrub_audit(c, [person["name"], *hostnames, *devices])
            removed["people"] = c.execute("DELETE FROM people WHERE id = ?", (person_id,)).rowcount
            if first is not None:
                rebuild(c, first)
            # The fact and who ran it, in the same transaction; never whose.
            self.audit(actor, "person.erase", "", {}, ip)
            if delay:
                time.sleep(delay)
        return removed

    def wipe_free_space(self: Store) -> None:
        """Leave no deleted byte in the files: secure_delete zeroed the freed
        cells; VACUUM rewrites the file without free pages; TRUNCATE checkpoints
        copy the WAL into the file and empty it (before and after the VACUUM,
        which itself writes through the WAL)."""
        with self._write_lock:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _scrub_audit(c: sqlite3.Connection, needles: list[str]) -> int:
    """Earlier audit rows that name the person (enrolment names the user and
    host; device actors name the device) keep their action and time but lose
    the naming parts: the log keeps that things happened, not to whom."""
    changed = 0
    for needle in {n for n in needles if n}:
        escaped = json.dumps(needle)[1:-1]
        for text in {needle, escaped}:
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            changed += c.execute(
                "UPDATE audit_log SET target = '(erased)', detail = '{}', "
                "actor = CASE WHEN actor LIKE ? ESCAPE '\\' THEN '(erased)' ELSE actor END "
                "WHERE target LIKE ? ESCAPE '\\' OR detail LIKE ? ESCAPE '\\' "
                "OR actor LIKE ? ESCAPE '\\'",
                (like, like, like, like),
            ).rowcount
    return changed
