"""The organisation's settings and its versioned categorisation rules.

A rule edit that names the version the admin saw is checked inside the same
write transaction as the change, so two admins clicking at once cannot both
pass the check."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from collector.service import settings_table
from collector.store.sqlite.interruption_recount import THRESHOLDS
from collector.store.sqlite.sql import now_iso
from shared.rules import default_rule_dicts

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

log = logging.getLogger(__name__)


class ConfigurationMixin:
    def settings(self: Store) -> dict[str, Any]:
        values = settings_table.defaults()
        for row in self.all("SELECT key, value FROM settings"):
            if row["key"] in values:
                values[row["key"]] = json.loads(row["value"])
        return values

    def set_settings(self: Store, changes: dict[str, Any]) -> dict[str, Any]:
        """Validate every change and the result as a whole, then store all or none."""
        parsed = {k: settings_table.parse_value(k, v) for k, v in changes.items()}
        with self.write() as c:
            before = self.settings()
            merged = {**before, **parsed}
            settings_table.check_consistency(merged)
            c.executemany(
                """INSERT INTO settings (key, value) VALUES (?, ?)
                   ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
                [(k, json.dumps(v)) for k, v in parsed.items()],
            )
            # New thresholds make every stored count stale, not only the days
            # that get new data: recount all of history (interruption_recount.py).
            if any(merged[k] != before[k] for k in THRESHOLDS):
                self.queue_interruption_recount(before)
        return merged

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
                (version + 1, json.dumps(rules), now_iso(), actor),
            )
        return version + 1

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
