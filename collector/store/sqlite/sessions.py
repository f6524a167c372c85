"""Dashboard sessions recorded on the server, so that ending one is final.

The cookie carries a random id; only its hash is stored (a copy of the
database does not let anyone sign in). A session is valid while it is not
revoked, its user is enabled, and neither its idle nor its absolute expiry
has passed. Every place that changes a password or disables an account ends
the user's sessions through `end_user_sessions`.
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

from collector import security
from collector.store.errors import StoreUnavailable

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

#: last_seen is written at most this often per session: a page view is a
#: read, and must not turn into a write per request.
TOUCH_EVERY_S = 60.0


class WebSessionsMixin:
    def create_session(
        self: Store, user_id: int, user_agent: str, idle_s: float, absolute_s: float
    ) -> tuple[int, str]:
        """A new session for `user_id`: (its row id, the secret for the cookie)."""
        secret = security.new_secret(security.PREFIX_SESSION)
        now = time.time()
        with self.write() as c:
            cur = c.execute(
                """INSERT INTO web_sessions (token_hash, user_id, created_at, last_seen_at,
                   idle_s, expires_at, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    security.hash_secret(secret),
                    user_id,
                    now,
                    now,
                    idle_s,
                    now + absolute_s,
                    user_agent[:200],
                ),
            )
        return int(cur.lastrowid), secret

    def session_by_secret(self: Store, secret: str) -> dict | None:
        """The live session this secret opens, with its user, or None."""
        now = time.time()
        row = self.one(
            """SELECT s.id, s.token_hash, s.user_id, s.last_seen_at, u.name, u.role,
                      u.sees_client_finance
               FROM web_sessions s JOIN users u ON u.id = s.user_id
               WHERE s.token_hash = ? AND s.revoked_at IS NULL AND u.disabled_at IS NULL
                 AND s.expires_at > ? AND s.last_seen_at + s.idle_s > ?""",
            (security.hash_secret(secret), now, now),
        )
        if row is None or not security.secret_matches(secret, row["token_hash"]):
            return None
        teams = self.all("SELECT team_id FROM user_teams WHERE user_id = ?", (row["user_id"],))
        return {
            "session_id": row["id"],
            "last_seen_at": row["last_seen_at"],
            "id": row["user_id"],
            "name": row["name"],
            "role": row["role"],
            "sees_client_finance": bool(row["sees_client_finance"]),
            "team_ids": frozenset(t[0] for t in teams),
        }

    def touch_session(self: Store, session_id: int, last_seen_at: float) -> None:
        """Push the idle expiry on; best effort, so a full disk still serves pages."""
        now = time.time()
        if now - last_seen_at < TOUCH_EVERY_S:
            return
        try:
            with self.write() as c:
                c.execute(
                    "UPDATE web_sessions SET last_seen_at = ? WHERE id = ? AND revoked_at IS NULL",
                    (now, session_id),
                )
        except (StoreUnavailable, sqlite3.OperationalError):
            pass  # read-only or full: the session simply idles out sooner

    def end_session(self: Store, session_id: int, reason: str = "sign_out") -> bool:
        with self.write() as c:
            cur = c.execute(
                """UPDATE web_sessions SET revoked_at = ?, revoked_reason = ?
                   WHERE id = ? AND revoked_at IS NULL""",
                (time.time(), reason, session_id),
            )
            return cur.rowcount == 1

    def end_user_sessions(
        self: Store, user_id: int, except_id: int | None = None, reason: str = "ended"
    ) -> int:
        """End every session of a user (but `except_id`): password change, disable."""
        with self.write() as c:
            cur = c.execute(
                """UPDATE web_sessions SET revoked_at = ?, revoked_reason = ?
                   WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ?""",
                (time.time(), reason, user_id, except_id),
            )
            return cur.rowcount

    def end_own_session(self: Store, user_id: int, session_id: int) -> bool:
        """End one of this user's sessions; another user's id ends nothing."""
        with self.write() as c:
            cur = c.execute(
                """UPDATE web_sessions SET revoked_at = ?, revoked_reason = 'ended_by_user'
                   WHERE id = ? AND user_id = ? AND revoked_at IS NULL""",
                (time.time(), session_id, user_id),
            )
            return cur.rowcount == 1

    def live_sessions(self: Store, user_id: int) -> list[dict]:
        """A user's sessions that still open pages, most recently used first."""
        now = time.time()
        rows = self.all(
            """SELECT id, created_at, last_seen_at, expires_at, idle_s, user_agent
               FROM web_sessions WHERE user_id = ? AND revoked_at IS NULL
                 AND expires_at > ? AND last_seen_at + idle_s > ?
               ORDER BY last_seen_at DESC, id DESC""",
            (user_id, now, now),
        )
        return [dict(r) for r in rows]

    def purge_sessions(self: Store, older_than_s: float = 86_400) -> int:
        """Delete sessions that ended or expired more than `older_than_s` ago."""
        cutoff = time.time() - older_than_s
        with self.write() as c:
            cur = c.execute(
                """DELETE FROM web_sessions WHERE revoked_at < ? OR expires_at < ?
                   OR last_seen_at + idle_s < ?""",
                (cutoff, cutoff, cutoff),
            )
            return cur.rowcount
