"""Clients and their monthly financials (revenue, agent cost)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from collector.store.sqlite.sql import now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

log = logging.getLogger(__name__)


class ClientsMixin:
    def clients(self: Store) -> list[dict]:
        return [
            dict(r) for r in self.all("SELECT key, name, created_at FROM clients ORDER BY name")
        ]

    def client_exists(self: Store, key: str) -> bool:
        return self.one("SELECT 1 FROM clients WHERE key = ?", (key,)) is not None

    def upsert_client(self: Store, key: str, name: str) -> bool:
        """Create or rename; returns True when the client is new."""
        with self.write() as c:
            new = not self.client_exists(key)
            c.execute(
                """INSERT INTO clients (key, name, created_at) VALUES (?, ?, ?)
                   ON CONFLICT (key) DO UPDATE SET name = excluded.name""",
                (key, name, now_iso()),
            )
        return new

    def set_financials(
        self: Store, key: str, month: str, revenue: float, agent_cost: float
    ) -> None:
        with self.write() as c:
            c.execute(
                """INSERT INTO client_financials (client_key, month, revenue, agent_cost)
                   VALUES (?, ?, ?, ?) ON CONFLICT (client_key, month) DO UPDATE SET
                   revenue = excluded.revenue, agent_cost = excluded.agent_cost""",
                (key, month, revenue, agent_cost),
            )

    def financials(self: Store, month: str) -> dict[str, tuple[float, float]]:
        rows = self.all(
            "SELECT client_key, revenue, agent_cost FROM client_financials WHERE month = ?",
            (month,),
        )
        return {r["client_key"]: (r["revenue"], r["agent_cost"]) for r in rows}
