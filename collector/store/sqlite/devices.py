"""Devices, the enrollment tokens that make them, and their consent.

A device's token is kept as a hash only; revoking a device or a token is a
timestamp, so the audit trail keeps what existed."""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING

from collector import security
from collector.store.records import Device
from collector.store.sqlite.sql import in_list, now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

log = logging.getLogger(__name__)


class DevicesMixin:
    def create_enrollment_token(
        self: Store, team_id: int, uses: int | None, expires_days: float | None
    ) -> str:
        token = security.new_secret(security.PREFIX_ENROLL)
        expires = time.time() + expires_days * 86400 if expires_days else None
        with self.write() as c:
            c.execute(
                """INSERT INTO enrollment_tokens (token_hash, team_id, uses_left, expires_at,
                   created_at) VALUES (?, ?, ?, ?, ?)""",
                (security.hash_secret(token), team_id, uses, expires, now_iso()),
            )
        return token

    def enrollment_tokens(self: Store) -> list[dict]:
        rows = self.all(
            """SELECT e.id, t.name AS team, e.uses_left, e.expires_at, e.created_at,
                      e.revoked_at
               FROM enrollment_tokens e JOIN teams t ON t.id = e.team_id
               ORDER BY e.id DESC"""
        )
        return [dict(r) for r in rows]

    def enrollment_token_row(self: Store, token_id: int) -> dict | None:
        row = self.one(
            """SELECT e.id, t.name AS team, e.revoked_at FROM enrollment_tokens e
               JOIN teams t ON t.id = e.team_id WHERE e.id = ?""",
            (token_id,),
        )
        return dict(row) if row else None

    def revoke_enrollment_token(self: Store, token_id: int) -> bool:
        with self.write() as c:
            cur = c.execute(
                "UPDATE enrollment_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (now_iso(), token_id),
            )
            return cur.rowcount == 1

    def enroll(
        self: Store, token: str, hostname: str, os_name: str, agent_version: str, user: str
    ) -> tuple[str, str] | None:
        """Use an enrollment token: returns (device_id, device_token), or None."""
        with self.write() as c:
            row = c.execute(
                """SELECT id, team_id, uses_left, expires_at FROM enrollment_tokens
                   WHERE token_hash = ? AND revoked_at IS NULL""",
                (security.hash_secret(token),),
            ).fetchone()
            if row is None or (row["expires_at"] is not None and row["expires_at"] < time.time()):
                return None
            if row["uses_left"] is not None:
                if row["uses_left"] <= 0:
                    return None
                c.execute(
                    "UPDATE enrollment_tokens SET uses_left = uses_left - 1 WHERE id = ?",
                    (row["id"],),
                )
            person = self.person_id(row["team_id"], user, create=True)
            device_id = uuid.uuid4().hex
            device_token = security.new_secret(security.PREFIX_DEVICE)
            c.execute(
                """INSERT INTO devices (id, person_id, token_hash, hostname, os, agent_version,
                   created_at, queue_segments, quarantined_batches)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)""",
                (
                    device_id,
                    person,
                    security.hash_secret(device_token),
                    hostname,
                    os_name,
                    agent_version,
                    now_iso(),
                ),
            )
        return device_id, device_token

    def enrollment_token_problem(self: Store, token: str) -> str:
        """Why ``enroll`` refused ``token``: unknown, revoked, expired or used up."""
        row = self.one(
            """SELECT uses_left, expires_at, revoked_at FROM enrollment_tokens
               WHERE token_hash = ?""",
            (security.hash_secret(token),),
        )
        if row is None:
            return "unknown"
        if row["revoked_at"] is not None:
            return "revoked"
        if row["expires_at"] is not None and row["expires_at"] < time.time():
            return "expired"
        if row["uses_left"] is not None and row["uses_left"] <= 0:
            return "used up"
        return "unknown"  # valid after all (a race with a revoke or a new use): say no more

    def device_by_token(self: Store, token: str) -> Device | None:
        row = self.one(
            """SELECT d.id, d.person_id, p.name AS person_name, p.team_id, t.name AS team_name,
                      d.consent_decision, d.consent_version, d.token_hash
               FROM devices d JOIN people p ON p.id = d.person_id JOIN teams t ON t.id = p.team_id
               WHERE d.token_hash = ? AND d.revoked_at IS NULL""",
            (security.hash_secret(token),),
        )
        # The lookup is by hash; compare again in constant time for form's sake
        # of never branching on a partial secret match.
        if row is None or not security.secret_matches(token, row["token_hash"]):
            return None
        return Device(
            row["id"],
            row["person_id"],
            row["person_name"],
            row["team_id"],
            row["team_name"],
            row["consent_decision"],
            row["consent_version"],
        )

    def device_row(self: Store, device_id: str) -> dict | None:
        row = self.one(
            """SELECT d.id, d.hostname, d.revoked_at, p.name AS person FROM devices d
               JOIN people p ON p.id = d.person_id WHERE d.id = ?""",
            (device_id,),
        )
        return dict(row) if row else None

    def revoke_device(self: Store, device_id: str) -> bool:
        with self.write() as c:
            cur = c.execute(
                "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (now_iso(), device_id),
            )
            return cur.rowcount == 1

    def touch_device(self: Store, device_id: str, queue: tuple[int, int] | None = None) -> None:
        """Note that a device was seen, with its queue health when it told us."""
        if queue is None:
            self.conn.execute(
                "UPDATE devices SET last_seen_at = ? WHERE id = ?", (now_iso(), device_id)
            )
        else:
            self.conn.execute(
                """UPDATE devices SET last_seen_at = ?, queue_segments = ?,
                   quarantined_batches = ? WHERE id = ?""",
                (now_iso(), queue[0], queue[1], device_id),
            )

    def devices(self: Store, team_ids: list[int] | None = None) -> list[dict]:
        sql = """SELECT d.id, p.name AS person, t.name AS team, d.hostname, d.os,
                        d.agent_version, d.created_at, d.last_seen_at, d.revoked_at,
                        d.consent_decision, d.consent_version, d.consent_at,
                        d.queue_segments, d.quarantined_batches, p.start_day
                 FROM devices d JOIN people p ON p.id = d.person_id
                 JOIN teams t ON t.id = p.team_id"""
        where, params = in_list("p.team_id", team_ids)
        sql += " WHERE 1" + where
        return [dict(r) for r in self.all(sql + " ORDER BY t.name, p.name", params)]

    def record_consent(self: Store, device_id: str, decision: str, version: int, at: str) -> None:
        with self.write() as c:
            c.execute(
                """INSERT INTO consents (device_id, decision, consent_version, at, received_at)
                   VALUES (?, ?, ?, ?, ?)""",
                (device_id, decision, version, at, now_iso()),
            )
            c.execute(
                """UPDATE devices SET consent_decision = ?, consent_version = ?, consent_at = ?
                   WHERE id = ?""",
                (decision, version, at, device_id),
            )

    def consent_version(self: Store, text: str) -> int:
        """The version of this consent text; a text never seen before gets the next."""
        row = self.one("SELECT version FROM consent_texts WHERE text = ?", (text,))
        if row:
            return int(row["version"])
        with self.write() as c:
            c.execute(
                "INSERT OR IGNORE INTO consent_texts (version, text, created_at) "
                "SELECT COALESCE(MAX(version), 0) + 1, ?, ? FROM consent_texts",
                (text, now_iso()),
            )
        return int(self.one("SELECT version FROM consent_texts WHERE text = ?", (text,))["version"])
