"""An account's life after it is made: password reset, unlock, client-finance
permission, the API keys it owns, and failed sign-ins for names no open
account has (schema m007)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from collector import security

if TYPE_CHECKING:
    from collector.store import Store


class UsersMixin:
    def user_by_name(self: Store, name: str) -> dict | None:
        """Any account with this name, disabled or not (commands act on both)."""
        row = self.one(
            """SELECT id, name, role, disabled_at, failed_logins, locked_until,
                      sees_client_finance FROM users WHERE name = ?""",
            (name,),
        )
        return dict(row) if row else None

    def reset_password(self: Store, user_id: int, password: str) -> None:
        """An admin's reset: the new password, and the lock and failure count cleared,
        so the person can sign in with it at once; every session of theirs ends in
        the same transaction (whoever knew the old password is signed out)."""
        password_hash = security.hash_password(password)  # slow: outside the write lock
        with self.write() as c:
            c.execute(
                """UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL
                   WHERE id = ?""",
                (password_hash, user_id),
            )
            self.end_user_sessions(user_id, reason="password_reset")

    def unlock_user(self: Store, user_id: int) -> bool:
        """Clear a lock (and the failures that would lead to one); False if none was set."""
        with self.write() as c:
            cur = c.execute(
                """UPDATE users SET failed_logins = 0, locked_until = NULL
                   WHERE id = ? AND (locked_until IS NOT NULL OR failed_logins > 0)""",
                (user_id,),
            )
            return cur.rowcount == 1

    def set_client_finance(self: Store, user_id: int, allowed: bool) -> bool:
        """Grant or withdraw the clients report; False when nothing changed."""
        with self.write() as c:
            cur = c.execute(
                """UPDATE users SET sees_client_finance = ?
                   WHERE id = ? AND sees_client_finance != ?""",
                (int(allowed), user_id, int(allowed)),
            )
            return cur.rowcount == 1

    def owned_api_keys(self: Store, user_id: int) -> int:
        """Unrevoked API keys this user owns: they stop working while the user is disabled."""
        row = self.one(
            "SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL", (user_id,)
        )
        return int(row[0])

    # -- names that match no open account ---------------------------------
    def name_locked_until(self: Store, name_key: str) -> float | None:
        row = self.one("SELECT locked_until FROM sign_in_names WHERE name_key = ?", (name_key,))
        if row is None or row[0] is None or row[0] <= time.time():
            return None
        return float(row[0])

    def note_name_failure(
        self: Store, name_key: str, lock_after: int, lock_s: float
    ) -> float | None:
        """Count a failure as `note_login` does for an account; the lock's end, if it locks.

        Rows whose lock ran out and that hold no failures are removed, so the
        table keeps only names that are part-way to a lock or locked.
        """
        now = time.time()
        with self.write() as c:
            c.execute(
                "DELETE FROM sign_in_names WHERE failed_logins = 0 AND locked_until <= ?", (now,)
            )
            c.execute(
                """INSERT INTO sign_in_names (name_key, failed_logins) VALUES (?, 1)
                   ON CONFLICT (name_key) DO UPDATE SET failed_logins = failed_logins + 1""",
                (name_key,),
            )
            c.execute(
                """UPDATE sign_in_names SET locked_until = ?, failed_logins = 0
                   WHERE name_key = ? AND failed_logins >= ?""",
                (now + lock_s, name_key, lock_after),
            )
            row = c.execute(
                "SELECT locked_until FROM sign_in_names WHERE name_key = ?", (name_key,)
            ).fetchone()
        return float(row[0]) if row and row[0] and row[0] > now else None
