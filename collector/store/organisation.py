"""What admins and managers maintain: settings, rules, clients, output units, audit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from collector.service import settings_table as settings_table
from shared.rules import default_rule_dicts

if TYPE_CHECKING:
    from collector.store import Store


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class OrganisationMixin:
    # -- settings ---------------------------------------------------------
    def settings(self: Store) -> dict[str, Any]:
        values = settings_table.defaults()
        for row in self.all("SELECT key, value FROM settings"):
            if row["key"] in values:
                values[row["key"]] = json.loads(row["value"])
        return values

    def set_settings(self: Store, changes: dict[str, Any]) -> dict[str, Any]:
        """Validate every change and the result as a whole, then store all or none."""
        parsed = {k: settings_table.parse_value(k, v) for k, v in changes.items()}
        merged = {**self.settings(), **parsed}
        settings_table.check_consistency(merged)
        with self.write() as c:
            c.executemany(
                """INSERT INTO settings (key, value) VALUES (?, ?)
                   ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
                [(k, json.dumps(v)) for k, v in parsed.items()],
            )
        return merged

    # -- rules ------------------------------------------------------------
    def current_rules(self: Store) -> tuple[int, list[dict]]:
        row = self.one("SELECT version, rules FROM rule_versions ORDER BY version DESC LIMIT 1")
        if row is None:
            return 0, [dict(r) for r in default_rule_dicts()]
        return int(row["version"]), json.loads(row["rules"])

    def replace_rules(self: Store, rules: list[dict], actor: str) -> int:
        with self.write() as c:
            version, _ = self.current_rules()
            c.execute(
                "INSERT INTO rule_versions (version, rules, created_at, created_by) "
                "VALUES (?, ?, ?, ?)",
                (version + 1, json.dumps(rules), _now(), actor),
            )
        return version + 1

    # -- consent ----------------------------------------------------------
    def consent_version(self: Store, text: str) -> int:
        """The version of this consent text; a text never seen before gets the next."""
        row = self.one("SELECT version FROM consent_texts WHERE text = ?", (text,))
        if row:
            return int(row["version"])
        with self.write() as c:
            c.execute(
                "INSERT OR IGNORE INTO consent_texts (version, text, created_at) "
                "SELECT COALESCE(MAX(version), 0) + 1, ?, ? FROM consent_texts",
                (text, _now()),
            )
        return int(self.one("SELECT version FROM consent_texts WHERE text = ?", (text,))["version"])

    # -- clients ----------------------------------------------------------
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
                (key, name, _now()),
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

    # -- output units -----------------------------------------------------
    def add_output_units(self: Store, rows: list[dict], source: str, actor: str) -> int:
        """Insert resolved rows (team_id/person_id already looked up) in one go."""
        with self.write() as c:
            c.executemany(
                """INSERT INTO output_units (date, function, team_id, person_id, client_key,
                   units, corrections, source, created_at, created_by)
                   VALUES (:date, :function, :team_id, :person_id, :client_key, :units,
                   :corrections, :source, :created_at, :created_by)""",
                [{**r, "source": source, "created_at": _now(), "created_by": actor} for r in rows],
            )
        return len(rows)

    def output_units(self: Store, team_ids: list[int] | None, start: str, end: str) -> list[dict]:
        sql = """SELECT o.date, o.function, t.name AS team, p.name AS employee,
                        o.client_key AS client, o.units, o.corrections, o.source
                 FROM output_units o LEFT JOIN teams t ON t.id = o.team_id
                 LEFT JOIN people p ON p.id = o.person_id
                 WHERE o.date BETWEEN ? AND ?"""
        params: list = [start, end]
        if team_ids is not None:
            sql += f" AND o.team_id IN ({','.join('?' * len(team_ids))})"
            params += team_ids
        return [dict(r) for r in self.all(sql + " ORDER BY o.date, o.function", params)]

    # -- audit ------------------------------------------------------------
    def audit(
        self: Store,
        actor: str,
        action: str,
        target: str = "",
        detail: dict | None = None,
        ip: str = "",
    ) -> None:
        """Record a mutating call; joins the caller's transaction when there is one."""
        with self.write() as c:
            c.execute(
                "INSERT INTO audit_log (at, actor, action, target, detail, ip) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), actor, action, target, json.dumps(detail or {}, default=str), ip),
            )

    def audit_log(self: Store, limit: int = 200, offset: int = 0) -> list[dict]:
        rows = self.all(
            "SELECT id, at, actor, action, target, detail, ip FROM audit_log "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [dict(r) for r in rows]
