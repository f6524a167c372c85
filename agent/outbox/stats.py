"""What the outbox reports: how much waits, what was refused, and its notes.

``backlight-agent status`` and the tray show these. The notes (last upload,
last error, pause, client, ...) are key/values in the outbox file itself, so
the CLI reads the same figures from another process while the agent runs.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from agent.outbox.db import write_meta
from agent.outbox.quarantine import Quarantined


@dataclass(frozen=True)
class OutboxStats:
    queued_segments: int
    pending_batches: int
    quarantined: tuple[Quarantined, ...]
    pending_consent: int
    pending_units: int
    quarantined_units: int
    last_upload_at: str | None
    last_error: str | None
    write_error: str | None  # e.g. the disk is full; tracking goes on in memory


class StatsMixin:
    """Part of ``Outbox``: reads its connection under its lock, counts its
    segments still in memory, and lists its quarantined batches."""

    _lock: threading.RLock
    _conn: sqlite3.Connection
    _txn: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _pending: list
    write_error: str | None
    quarantined_batches: Callable[[], tuple[Quarantined, ...]]

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: Any) -> None:
        """Best effort: status notes must never stop the agent (the disk may be full)."""
        try:
            with self._txn() as c:
                write_meta(c, key, value)
        except sqlite3.OperationalError as e:
            self.write_error = f"cannot write the outbox: {e}"

    def stats(self) -> OutboxStats:
        with self._lock:
            one = lambda sql: self._conn.execute(sql).fetchone()[0]  # noqa: E731
            queued = one(
                "SELECT COUNT(*) FROM segments s LEFT JOIN batches b ON b.batch_id = s.batch_id"
                " WHERE s.sent = 0 AND b.quarantined_at IS NULL"
            )
            quarantined = self.quarantined_batches()
            return OutboxStats(
                queued_segments=queued + len(self._pending),
                pending_batches=one("SELECT COUNT(*) FROM batches WHERE quarantined_at IS NULL"),
                quarantined=quarantined,
                pending_consent=one(
                    "SELECT COUNT(*) FROM consent_queue WHERE quarantined_at IS NULL"
                ),
                pending_units=one("SELECT COUNT(*) FROM units_queue WHERE quarantined_at IS NULL"),
                quarantined_units=one(
                    "SELECT COUNT(*) FROM units_queue WHERE quarantined_at IS NOT NULL"
                ),
                last_upload_at=self.get_meta("last_upload_at"),
                last_error=self.get_meta("last_error"),
                write_error=self.write_error,
            )
