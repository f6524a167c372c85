"""SQL behind the admin pages that the API and the dashboard do not already have.

Each write that has a rule attached (the last active admin stays enabled,
rules are edited against the version the admin saw) checks the rule inside
the same write transaction as the change, so two admins clicking at once
cannot both pass the check.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collector.store import Store

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class AdminMixin:
    # -- users ------------------------------------------------------------
    def admin_users(self: Store) -> list[dict]:
        """Every web account with its teams (ids and names), admins first."""
        users = [
            {**dict(r), "team_ids": [], "team_names": []}
            for r in self.all(
                """SELECT id, name, role, created_at, disabled_at, locked_until,
                          sees_client_finance FROM users
                   ORDER BY role = 'manager', name"""
            )
        ]
        by_id = {u["id"]: u for u in users}
        for row in self.all(
            """SELECT ut.user_id, t.id, t.name FROM user_teams ut
               JOIN teams t ON t.id = ut.team_id ORDER BY t.name"""
        ):
            user = by_id.get(row["user_id"])
            if user is not None:
                user["team_ids"].append(row["id"])
                user["team_names"].append(row["name"])
        return users

    def disable_user_unless_last_admin(self: Store, user_id: int) -> str:
        """Disable a user; answers "disabled", "missing", "already" or "last_admin".

        The count of active admins is read inside the write transaction, so
        two admins disabling each other at the same moment leave one enabled.
        """
        with self.write() as c:
            row = c.execute(
                "SELECT role, disabled_at FROM users WHERE id = ?", (user_id,)
            ).fetchone()
            if row is None:
                return "missing"
            if row["disabled_at"] is not None:
                return "already"
            if row["role"] == "admin":
                admins = c.execute(
                    "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL"
                ).fetchone()[0]
                if admins <= 1:
                    return "last_admin"
            c.execute("UPDATE users SET disabled_at = ? WHERE id = ?", (_now(), user_id))
            self.end_user_sessions(user_id, reason="disabled")
            return "disabled"

    # -- API keys ---------------------------------------------------------
    def admin_api_keys(self: Store) -> list[dict]:
        """API keys, newest first, with teams and when each was last used."""
        rows = self.all(
            """SELECT k.id, k.role, k.label, k.created_at, k.revoked_at, k.last_used_at,
                      k.sees_client_finance, u.name AS owner, u.disabled_at AS owner_disabled_at,
                      GROUP_CONCAT(t.name, ', ') AS teams
               FROM api_keys k LEFT JOIN api_key_teams kt ON kt.api_key_id = k.id
               LEFT JOIN teams t ON t.id = kt.team_id LEFT JOIN users u ON u.id = k.user_id
               GROUP BY k.id ORDER BY k.id DESC"""
        )
        return [dict(r) for r in rows]

    def api_key_row(self: Store, key_id: int) -> dict | None:
        row = self.one("SELECT id, role, label, revoked_at FROM api_keys WHERE id = ?", (key_id,))
        return dict(row) if row else None

    def note_api_key_used(self: Store, key_id: int) -> None:
        """Record that a key was used (at most once a minute per key, to spare writes).

        Best effort: a report asked for with an API key is a read, and reads
        work on a full or read-only disk (DESIGN §6), so a note that cannot be
        written is skipped."""
        now = datetime.now(UTC)
        minute_ago = (now - timedelta(minutes=1)).isoformat(timespec="seconds")
        row = self.one("SELECT last_used_at FROM api_keys WHERE id = ?", (key_id,))
        if row is None or (row[0] is not None and row[0] >= minute_ago):
            return  # fresh enough: no write, no writer lock
        try:
            with self.write() as c:
                c.execute(
                    """UPDATE api_keys SET last_used_at = ? WHERE id = ?
                       AND (last_used_at IS NULL OR last_used_at < ?)""",
                    (now.isoformat(timespec="seconds"), key_id, minute_ago),
                )
        except sqlite3.OperationalError as exc:  # disk full, read-only, locked too long
            log.warning("could not note the use of API key %s: %s", key_id, exc)

    # -- enrollment tokens ------------------------------------------------
    def enrollment_token_row(self: Store, token_id: int) -> dict | None:
        row = self.one(
            """SELECT e.id, t.name AS team, e.revoked_at FROM enrollment_tokens e
               JOIN teams t ON t.id = e.team_id WHERE e.id = ?""",
            (token_id,),
        )
        return dict(row) if row else None

    # -- devices ----------------------------------------------------------
    def device_row(self: Store, device_id: str) -> dict | None:
        row = self.one(
            """SELECT d.id, d.hostname, d.revoked_at, p.name AS person FROM devices d
               JOIN people p ON p.id = d.person_id WHERE d.id = ?""",
            (device_id,),
        )
        return dict(row) if row else None

    # -- rules ------------------------------------------------------------
    def replace_rules_if_current(
        self: Store, expected_version: int, rules: list[dict], actor: str
    ) -> int | None:
        """Store a new rule list only if nobody changed the rules since
        ``expected_version`` was read; the new version, or None when stale."""
        with self.write():
            version, _ = self.current_rules()
            if version != expected_version:
                return None
            return self.replace_rules(rules, actor)

    def rule_version_info(self: Store) -> dict | None:
        row = self.one(
            "SELECT version, created_at, created_by FROM rule_versions "
            "ORDER BY version DESC LIMIT 1"
        )
        return dict(row) if row else None
