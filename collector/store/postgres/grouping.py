"""Queries whose shared SQL PostgreSQL refuses for its grouping.

SQLite lets a grouped query select a column of a joined table that it did
not group by, when that column follows from one it did (a key's owner, a
team's name); PostgreSQL wants it in GROUP BY. Grouping by it as well gives
the same rows, since each key has one owner and each team id one name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.store.sqlite.api_keys import ApiKeysMixin
from collector.store.sqlite.output_units import OutputUnitsMixin
from collector.store.sqlite.sql import in_list

if TYPE_CHECKING:
    from collector.store.postgres.connection import PostgresConnection as Store


class PostgresApiKeysMixin(ApiKeysMixin):
    def admin_api_keys(self: Store) -> list[dict]:
        """API keys, newest first, with teams and when each was last used."""
        rows = self.all(
            """SELECT k.id, k.role, k.label, k.created_at, k.revoked_at, k.last_used_at,
                      k.sees_client_finance, u.name AS owner, u.disabled_at AS owner_disabled_at,
                      string_agg(t.name, ', ') AS teams
               FROM api_keys k LEFT JOIN api_key_teams kt ON kt.api_key_id = k.id
               LEFT JOIN teams t ON t.id = kt.team_id LEFT JOIN users u ON u.id = k.user_id
               GROUP BY k.id, u.id ORDER BY k.id DESC"""
        )
        return [dict(r) for r in rows]


class PostgresOutputUnitsMixin(OutputUnitsMixin):
    def weekly_units_by_team(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Units per ISO week (its Monday), function and team (None: unattributed)."""
        where, params = in_list("o.team_id", team_ids)
        rows = self.all(
            f"""SELECT week_monday(o.date) AS week, o.function,
                       t.name AS team, SUM(o.units) AS units
                FROM output_units o LEFT JOIN teams t ON t.id = o.team_id
                WHERE o.date BETWEEN ? AND ?{where}
                GROUP BY week, o.function, o.team_id, t.name ORDER BY week""",
            [start, end, *params],
        )
        return [dict(r) for r in rows]
