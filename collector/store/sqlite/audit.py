"""The audit log: who did what, when, from where."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from collector.store.sqlite.sql import now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

log = logging.getLogger(__name__)


class AuditMixin:
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
                (now_iso(), actor, action, target, json.dumps(detail or {}, default=str), ip),
            )

    def audit_log(self: Store, limit: int = 200, offset: int = 0) -> list[dict]:
        rows = self.all(
            "SELECT id, at, actor, action, target, detail, ip FROM audit_log "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [dict(r) for r in rows]

    def audit_count(self: Store) -> int:
        return int(self.one("SELECT COUNT(*) FROM audit_log")[0])
