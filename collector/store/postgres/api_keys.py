"""API-key queries whose shared SQL PostgreSQL refuses.

SQLite lets a grouped query select columns of a joined table it did not group
by (the key's owner); PostgreSQL wants them grouped (each key has at most one
owner, so the rows are the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.store.sqlite.api_keys import ApiKeysMixin

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
