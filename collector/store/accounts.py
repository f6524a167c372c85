"""Who may do what: teams, people, devices, enrollment tokens, users, API keys."""

from __future__ import annotations

import sqlite3
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from collector import security

if TYPE_CHECKING:
    from collector.store import Store


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Device:
    id: str
    person_id: int
    person_name: str
    team_id: int
    team_name: str
    consent_decision: str | None
    consent_version: int | None


@dataclass(frozen=True)
class Principal:
    """A user or API key acting on the manager/admin API."""

    kind: str  # "user" | "api_key"
    id: int
    name: str
    role: str  # "admin" | "manager"
    team_ids: frozenset[int]
    #: Granted the clients report (revenue, agent cost and back-office hours of
    #: whole clients, across teams); admins have it whatever this says.
    sees_client_finance: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def may_see_client_finance(self) -> bool:
        return self.is_admin or self.sees_client_finance

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


class AccountsMixin:
    # -- teams and people -------------------------------------------------
    def add_team(self: Store, name: str) -> int:
        with self.write() as c:
            cur = c.execute("INSERT INTO teams (name, created_at) VALUES (?, ?)", (name, _now()))
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
            (team_id, name, _now()),
        )
        return int(cur.lastrowid)

    def people(self: Store, team_ids: list[int] | None = None) -> list[dict]:
        sql = """SELECT p.id, p.name, p.team_id, t.name AS team FROM people p
                 JOIN teams t ON t.id = p.team_id"""
        params: list = []
        if team_ids is not None:
            sql += f" WHERE p.team_id IN ({','.join('?' * len(team_ids))})"
            params = list(team_ids)
        return [dict(r) for r in self.all(sql + " ORDER BY t.name, p.name", params)]

    # -- enrollment -------------------------------------------------------
    def create_enrollment_token(
        self: Store, team_id: int, uses: int | None, expires_days: float | None
    ) -> str:
        token = security.new_secret(security.PREFIX_ENROLL)
        expires = time.time() + expires_days * 86400 if expires_days else None
        with self.write() as c:
            c.execute(
                """INSERT INTO enrollment_tokens (token_hash, team_id, uses_left, expires_at,
                   created_at) VALUES (?, ?, ?, ?, ?)""",
                (security.hash_secret(token), team_id, uses, expires, _now()),
            )
        return token

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
                    _now(),
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

    def revoke_device(self: Store, device_id: str) -> bool:
        with self.write() as c:
            cur = c.execute(
                "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (_now(), device_id),
            )
            return cur.rowcount == 1

    def record_consent(self: Store, device_id: str, decision: str, version: int, at: str) -> None:
        with self.write() as c:
            c.execute(
                """INSERT INTO consents (device_id, decision, consent_version, at, received_at)
                   VALUES (?, ?, ?, ?, ?)""",
                (device_id, decision, version, at, _now()),
            )
            c.execute(
                """UPDATE devices SET consent_decision = ?, consent_version = ?, consent_at = ?
                   WHERE id = ?""",
                (decision, version, at, device_id),
            )

    def touch_device(self: Store, device_id: str, queue: tuple[int, int] | None = None) -> None:
        """Note that a device was seen, with its queue health when it told us."""
        if queue is None:
            self.conn.execute(
                "UPDATE devices SET last_seen_at = ? WHERE id = ?", (_now(), device_id)
            )
        else:
            self.conn.execute(
                """UPDATE devices SET last_seen_at = ?, queue_segments = ?,
                   quarantined_batches = ? WHERE id = ?""",
                (_now(), queue[0], queue[1], device_id),
            )

    def devices(self: Store, team_ids: list[int] | None = None) -> list[dict]:
        sql = """SELECT d.id, p.name AS person, t.name AS team, d.hostname, d.os,
                        d.agent_version, d.created_at, d.last_seen_at, d.revoked_at,
                        d.consent_decision, d.consent_version, d.consent_at,
                        d.queue_segments, d.quarantined_batches
                 FROM devices d JOIN people p ON p.id = d.person_id
                 JOIN teams t ON t.id = p.team_id"""
        params: list = []
        if team_ids is not None:
            sql += f" WHERE p.team_id IN ({','.join('?' * len(team_ids))})"
            params = list(team_ids)
        return [dict(r) for r in self.all(sql + " ORDER BY t.name, p.name", params)]

    # -- users and API keys -----------------------------------------------
    def add_user(
        self: Store,
        name: str,
        role: str,
        password: str,
        team_ids: list[int],
        client_finance: bool = False,
    ) -> int:
        with self.write() as c:
            cur = c.execute(
                """INSERT INTO users (name, role, password_hash, created_at, sees_client_finance)
                   VALUES (?, ?, ?, ?, ?)""",
                (name, role, security.hash_password(password), _now(), int(client_finance)),
            )
            user_id = int(cur.lastrowid)
            c.executemany(
                "INSERT INTO user_teams (user_id, team_id) VALUES (?, ?)",
                [(user_id, t) for t in team_ids],
            )
        return user_id

    def set_password(
        self: Store, user_id: int, password: str, keep_session: int | None = None
    ) -> None:
        """A new password ends the user's sessions (but the one that changed it)."""
        password_hash = security.hash_password(password)  # slow: outside the write lock
        with self.write() as c:
            c.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
            self.end_user_sessions(user_id, except_id=keep_session, reason="password_changed")

    def user_row(self: Store, name: str) -> sqlite3.Row | None:
        return self.one("SELECT * FROM users WHERE name = ? AND disabled_at IS NULL", (name,))

    def note_login(self: Store, user_id: int, ok: bool, lock_after: int, lock_s: float) -> None:
        """Count failures; lock the account for a while after too many."""
        with self.write() as c:
            if ok:
                c.execute(
                    "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?",
                    (user_id,),
                )
                return
            c.execute("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?", (user_id,))
            c.execute(
                """UPDATE users SET locked_until = ?, failed_logins = 0
                   WHERE id = ? AND failed_logins >= ?""",
                (time.time() + lock_s, user_id, lock_after),
            )

    def principal_for_user(self: Store, user_id: int) -> Principal | None:
        row = self.one(
            """SELECT id, name, role, sees_client_finance FROM users
               WHERE id = ? AND disabled_at IS NULL""",
            (user_id,),
        )
        if row is None:
            return None
        teams = self.all("SELECT team_id FROM user_teams WHERE user_id = ?", (user_id,))
        return Principal(
            "user",
            row["id"],
            row["name"],
            row["role"],
            frozenset(t[0] for t in teams),
            bool(row["sees_client_finance"]),
        )

    def users(self: Store) -> list[dict]:
        rows = self.all(
            """SELECT u.id, u.name, u.role, u.created_at, u.disabled_at,
                      GROUP_CONCAT(t.name, ', ') AS teams
               FROM users u LEFT JOIN user_teams ut ON ut.user_id = u.id
               LEFT JOIN teams t ON t.id = ut.team_id GROUP BY u.id ORDER BY u.name"""
        )
        return [dict(r) for r in rows]

    def create_api_key(
        self: Store,
        role: str,
        team_ids: list[int],
        label: str = "",
        user_id: int | None = None,
        client_finance: bool = False,
    ) -> str:
        """A new key; `user_id` is its owner, whose disabling refuses the key."""
        key = security.new_secret(security.PREFIX_API_KEY)
        with self.write() as c:
            cur = c.execute(
                """INSERT INTO api_keys (key_hash, role, label, created_at, user_id,
                   sees_client_finance) VALUES (?, ?, ?, ?, ?, ?)""",
                (security.hash_secret(key), role, label, _now(), user_id, int(client_finance)),
            )
            c.executemany(
                "INSERT INTO api_key_teams (api_key_id, team_id) VALUES (?, ?)",
                [(cur.lastrowid, t) for t in team_ids],
            )
        return key

    def principal_for_api_key(self: Store, key: str) -> Principal | None:
        # A key whose owner is disabled is refused while they are (and works
        # again when they are enabled): disabling is undone by enabling, and
        # a revoked key could not be.
        row = self.one(
            """SELECT k.id, k.role, k.label, k.key_hash, k.sees_client_finance
               FROM api_keys k LEFT JOIN users u ON u.id = k.user_id
               WHERE k.key_hash = ? AND k.revoked_at IS NULL
                 AND (k.user_id IS NULL OR (u.id IS NOT NULL AND u.disabled_at IS NULL))""",
            (security.hash_secret(key),),
        )
        if row is None or not security.secret_matches(key, row["key_hash"]):
            return None
        teams = self.all("SELECT team_id FROM api_key_teams WHERE api_key_id = ?", (row["id"],))
        return Principal(
            "api_key",
            row["id"],
            row["label"] or f"key-{row['id']}",
            row["role"],
            frozenset(t[0] for t in teams),
            bool(row["sees_client_finance"]),
        )

    def api_keys(self: Store) -> list[dict]:
        rows = self.all(
            """SELECT k.id, k.role, k.label, k.created_at, k.revoked_at,
                      GROUP_CONCAT(t.name, ', ') AS teams
               FROM api_keys k LEFT JOIN api_key_teams kt ON kt.api_key_id = k.id
               LEFT JOIN teams t ON t.id = kt.team_id GROUP BY k.id ORDER BY k.id"""
        )
        return [dict(r) for r in rows]

    def revoke_api_key(self: Store, key_id: int) -> bool:
        with self.write() as c:
            cur = c.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (_now(), key_id),
            )
            return cur.rowcount == 1
