"""API keys: made, listed, resolved to a principal, noted when used, revoked."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from collector import security
from collector.store.errors import StoreUnavailable
from collector.store.records import Principal
from collector.store.sqlite.sql import now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

log = logging.getLogger(__name__)


class ApiKeysMixin:
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
                (security.hash_secret(key), role, label, now_iso(), user_id, int(client_finance)),
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

    def owned_api_keys(self: Store, user_id: int) -> int:
        """Unrevoked API keys this user owns: they stop working while the user is disabled."""
        row = self.one(
            "SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL", (user_id,)
        )
        return int(row[0])

    def note_api_key_used(self: Store, key_id: int) -> None:
        """Record that a key was used (at most once a minute per key, to spare writes).

        Best effort: a report asked for with an API key is a read, and reads
        work on a full or read-only disk (docs/design.md §6), so a note that cannot be
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
        except (StoreUnavailable, sqlite3.OperationalError) as exc:  # disk full, read-only, locked
            log.warning("could not note the use of API key %s: %s", key_id, exc)

    def revoke_api_key(self: Store, key_id: int) -> bool:
        with self.write() as c:
            cur = c.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (now_iso(), key_id),
            )
            return cur.rowcount == 1
