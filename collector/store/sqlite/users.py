"""Web accounts: made, signed in (failures counted, accounts locked), given
teams and the client-finance permission, disabled and enabled again, and
failed sign-ins for names no open account has (schema m007).

Disabling keeps the last active admin: the check runs inside the write
transaction of the change, so two admins clicking at once cannot both pass it."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from collector import security
from collector.store.records import Principal
from collector.store.sqlite.sql import now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

log = logging.getLogger(__name__)


class UsersMixin:
    def add_user(
        self: Store,
        name: str,
        role: str,
        password: str,
        team_ids: list[int],
        client_finance: bool = False,
        email: str = "",
    ) -> int:
        with self.write() as c:
            cur = c.execute(
                """INSERT INTO users (name, role, password_hash, created_at, sees_client_finance,
                                      email)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (
                    name,
                    role,
                    security.hash_password(password),
                    now_iso(),
                    int(client_finance),
                    email,
                ),
            )
            user_id = int(cur.lastrowid)
            c.executemany(
                "INSERT INTO user_teams (user_id, team_id) VALUES (?, ?)",
                [(user_id, t) for t in team_ids],
            )
        return user_id

    def user_by_name(self: Store, name: str) -> dict | None:
        """Any account with this name, disabled or not (commands act on both)."""
        row = self.one(
            """SELECT id, name, role, disabled_at, failed_logins, locked_until,
                      sees_client_finance FROM users WHERE name = ?""",
            (name,),
        )
        return dict(row) if row else None

    def user_row(self: Store, name: str) -> dict | None:
        """The open account with this name, every column (the password hash too)."""
        row = self.one("SELECT * FROM users WHERE name = ? AND disabled_at IS NULL", (name,))
        return dict(row) if row else None

    def user_locked_until(self: Store, user_id: int) -> float | None:
        """Unix time the account's sign-in lock ends; None when it is not locked."""
        row = self.one("SELECT locked_until FROM users WHERE id = ?", (user_id,))
        return row["locked_until"] if row else None

    def user_by_id(self: Store, user_id: int) -> dict | None:
        row = self.one("SELECT id, name, role, disabled_at FROM users WHERE id = ?", (user_id,))
        return dict(row) if row else None

    def user_exists(self: Store, name: str) -> bool:
        return self.one("SELECT 1 FROM users WHERE name = ?", (name,)) is not None

    def users(self: Store) -> list[dict]:
        rows = self.all(
            """SELECT u.id, u.name, u.role, u.created_at, u.disabled_at,
                      GROUP_CONCAT(t.name, ', ') AS teams
               FROM users u LEFT JOIN user_teams ut ON ut.user_id = u.id
               LEFT JOIN teams t ON t.id = ut.team_id GROUP BY u.id ORDER BY u.name"""
        )
        return [dict(r) for r in rows]

    def admin_users(self: Store) -> list[dict]:
        """Every web account with its teams (ids and names), admins first."""
        users = [
            {**dict(r), "team_ids": [], "team_names": []}
            for r in self.all(
                """SELECT id, name, role, created_at, disabled_at, locked_until,
                          sees_client_finance, email FROM users
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

    def set_user_email(self: Store, user_id: int, email: str) -> bool:
        with self.write() as c:
            cur = c.execute(
                "UPDATE users SET email = ? WHERE id = ? AND email != ?", (email, user_id, email)
            )
        return cur.rowcount > 0

    def mail_recipients(self: Store) -> list[dict]:
        users = [
            {**dict(r), "team_ids": []}
            for r in self.all(
                """SELECT id, name, role, email FROM users
                   WHERE disabled_at IS NULL AND email != '' ORDER BY id"""
            )
        ]
        by_id = {u["id"]: u for u in users}
        for row in self.all("SELECT user_id, team_id FROM user_teams ORDER BY team_id"):
            if row["user_id"] in by_id:
                by_id[row["user_id"]]["team_ids"].append(row["team_id"])
        return users

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

    def set_password(
        self: Store, user_id: int, password: str, keep_session: int | None = None
    ) -> None:
        """A new password ends the user's sessions (but the one that changed it)."""
        password_hash = security.hash_password(password)  # slow: outside the write lock
        with self.write() as c:
            c.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
            self.end_user_sessions(user_id, except_id=keep_session, reason="password_changed")

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

    def set_user_teams(self: Store, user_id: int, team_ids: list[int]) -> None:
        with self.write() as c:
            c.execute("DELETE FROM user_teams WHERE user_id = ?", (user_id,))
            c.executemany(
                "INSERT INTO user_teams (user_id, team_id) VALUES (?, ?)",
                [(user_id, t) for t in team_ids],
            )

    def set_user_disabled(self: Store, user_id: int, disabled: bool) -> bool:
        with self.write() as c:
            if disabled:
                cur = c.execute(
                    "UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                    (now_iso(), user_id),
                )
                self.end_user_sessions(user_id, reason="disabled")
            else:
                cur = c.execute(
                    "UPDATE users SET disabled_at = NULL, failed_logins = 0, locked_until = NULL "
                    "WHERE id = ? AND disabled_at IS NOT NULL",
                    (user_id,),
                )
            return cur.rowcount == 1

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
            c.execute("UPDATE users SET disabled_at = ? WHERE id = ?", (now_iso(), user_id))
            self.end_user_sessions(user_id, reason="disabled")
            return "disabled"

    def active_admins(self: Store) -> int:
        row = self.one("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL")
        return int(row[0])

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
