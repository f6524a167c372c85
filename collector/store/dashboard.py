"""SQL the web dashboard needs beyond the API's: account admin,
enrollment-token lists and the weekly series behind the trend charts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collector.store import Store


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _in(column: str, ids: list[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(ids))})", list(ids)


class DashboardMixin:
    # -- users ------------------------------------------------------------
    def user_by_id(self: Store, user_id: int) -> dict | None:
        row = self.one("SELECT id, name, role, disabled_at FROM users WHERE id = ?", (user_id,))
        return dict(row) if row else None

    def user_exists(self: Store, name: str) -> bool:
        return self.one("SELECT 1 FROM users WHERE name = ?", (name,)) is not None

    def set_user_disabled(self: Store, user_id: int, disabled: bool) -> bool:
        with self.write() as c:
            if disabled:
                cur = c.execute(
                    "UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                    (_now(), user_id),
                )
                self.end_user_sessions(user_id, reason="disabled")
            else:
                cur = c.execute(
                    "UPDATE users SET disabled_at = NULL, failed_logins = 0, locked_until = NULL "
                    "WHERE id = ? AND disabled_at IS NOT NULL",
                    (user_id,),
                )
            return cur.rowcount == 1

    def set_user_teams(self: Store, user_id: int, team_ids: list[int]) -> None:
        with self.write() as c:
            c.execute("DELETE FROM user_teams WHERE user_id = ?", (user_id,))
            c.executemany(
                "INSERT INTO user_teams (user_id, team_id) VALUES (?, ?)",
                [(user_id, t) for t in team_ids],
            )

    def active_admins(self: Store) -> int:
        row = self.one("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL")
        return int(row[0])

    # -- enrollment tokens ------------------------------------------------
    def enrollment_tokens(self: Store) -> list[dict]:
        rows = self.all(
            """SELECT e.id, t.name AS team, e.uses_left, e.expires_at, e.created_at,
                      e.revoked_at
               FROM enrollment_tokens e JOIN teams t ON t.id = e.team_id
               ORDER BY e.id DESC"""
        )
        return [dict(r) for r in rows]

    def revoke_enrollment_token(self: Store, token_id: int) -> bool:
        with self.write() as c:
            cur = c.execute(
                "UPDATE enrollment_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (_now(), token_id),
            )
            return cur.rowcount == 1

    # -- series for charts ------------------------------------------------
    def weekly_units_by_function(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Units and corrections per ISO week (its Monday) and function."""
        where, params = _in("team_id", team_ids)
        rows = self.all(
            f"""SELECT date(date, 'weekday 0', '-6 days') AS week, function,
                       SUM(units) AS units, SUM(corrections) AS corrections
                FROM output_units WHERE date BETWEEN ? AND ?{where}
                GROUP BY week, function ORDER BY week""",
            [start, end, *params],
        )
        return [dict(r) for r in rows]

    def weekly_units_by_team(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Units per ISO week (its Monday), function and team (None: unattributed)."""
        where, params = _in("o.team_id", team_ids)
        rows = self.all(
            f"""SELECT date(o.date, 'weekday 0', '-6 days') AS week, o.function,
                       t.name AS team, SUM(o.units) AS units
                FROM output_units o LEFT JOIN teams t ON t.id = o.team_id
                WHERE o.date BETWEEN ? AND ?{where}
                GROUP BY week, o.function, o.team_id ORDER BY week""",
            [start, end, *params],
        )
        return [dict(r) for r in rows]

    def audit_count(self: Store) -> int:
        return int(self.one("SELECT COUNT(*) FROM audit_log")[0])

    def weekly_people(
        self: Store,
        team_ids: list[int] | None,
        start: str,
        end: str,
        at_least: int | None = None,
    ) -> dict[str, int]:
        """People tracked per ISO week (its Monday): a week is a group of its own,
        so a week with too few people is suppressed on a chart like any group.

        An exact count reads every rollup row of the week (a year for 1,000 people
        is two million rows), and a page only needs to know whether a week reaches
        `at_least` people. So with `at_least`, a week where one team alone had that
        many people on one day (`team_days`, one row per team and day) answers with
        that number, a lower bound; only the other weeks are counted exactly.
        """
        where, params = _in("team_id", team_ids)
        weeks: dict[str, int] = {}
        for r in self.all(
            f"""SELECT date(day, 'weekday 0', '-6 days') AS week, MAX(people) AS people
                FROM team_days WHERE day BETWEEN ? AND ?{where} GROUP BY week""",
            [start, end, *params],
        ):
            weeks[r["week"]] = int(r["people"])
        exact = [w for w, n in weeks.items() if at_least is None or n < at_least]
        for week in exact:
            monday = date.fromisoformat(week)
            first = max(week, start)
            last = min((monday + timedelta(days=6)).isoformat(), end)
            row = self.one(
                f"""SELECT COUNT(DISTINCT person_id) FROM rollups
                    WHERE day BETWEEN ? AND ?{where}""",
                [first, last, *params],
            )
            weeks[week] = int(row[0])
        return weeks

    # -- output units page --------------------------------------------------
    def output_units_summary(self: Store, team_ids: list[int] | None, start: str, end: str) -> dict:
        """Rows, functions and the latest date of the output units in a period."""
        where, params = _in("team_id", team_ids)
        row = self.one(
            f"""SELECT COUNT(*) AS rows, COUNT(DISTINCT function) AS functions,
                       MAX(date) AS latest
                FROM output_units WHERE date BETWEEN ? AND ?{where}""",
            [start, end, *params],
        )
        return dict(row)

    def recent_output_units(
        self: Store, team_ids: list[int] | None, start: str, end: str, limit: int
    ) -> list[dict]:
        """The newest `limit` output-unit rows of a period, newest first."""
        where, params = _in("o.team_id", team_ids)
        rows = self.all(
            f"""SELECT o.date, o.function, t.name AS team, p.name AS employee,
                       o.client_key AS client, o.units, o.corrections, o.source
                FROM output_units o LEFT JOIN teams t ON t.id = o.team_id
                LEFT JOIN people p ON p.id = o.person_id
                WHERE o.date BETWEEN ? AND ?{where}
                ORDER BY o.date DESC, o.id DESC LIMIT ?""",
            [start, end, *params, limit],
        )
        return [dict(r) for r in rows]
