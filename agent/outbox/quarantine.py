"""Batches the collector refused for good: kept and shown, never dropped or retried.

A batch refused with a 4xx (other than the ones ``agent.core.uploader`` retries),
or one that fails our own check before sending, is wrong and will stay wrong,
so sending it again would only hold up what is queued behind it. It is set
aside in the outbox with the status and the error body: the queue skips it
(``Outbox.next_batch``, the queued count), status and the tray list it, and it
waits there until someone requeues it once the collector is fixed. Consent
decisions and work items refused for good are set aside the same way, by
``Outbox.done``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from agent.outbox.db import now_iso, write_meta


@dataclass(frozen=True)
class Quarantined:
    batch_id: str
    segments: int
    status_code: int | None
    error: str
    at: str


#: Refusals status explains in words, by the collector's error code.
EXPLAINED = {
    "batch_id_reused": "the collector already holds a different batch under this id, "
    "so this one was not stored; it is kept here, not sent again",
}


def reason(status_code: int | None, error_body: str) -> str:
    """Why a batch was set aside, in one line for status: the collector's error
    code and message when its body is the API's JSON error, else the body."""
    try:
        body = json.loads(error_body)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return error_body[:300]
    code = body["error"]
    text = EXPLAINED.get(code) or str(body.get("message", ""))[:300]
    return f"{code}: {text}"


class QuarantineMixin:
    """Part of ``Outbox``: works on its connection, under its lock, in its transactions."""

    _lock: threading.RLock
    _conn: sqlite3.Connection
    _txn: Callable[[], AbstractContextManager[sqlite3.Connection]]

    def quarantine(self, batch_id: str, status_code: int | None, error_body: str) -> None:
        """Refused for good (4xx): kept and shown, never silently dropped or retried."""
        with self._txn() as c:
            c.execute(
                "UPDATE batches SET quarantined_at = ?, status_code = ?, error_body = ?, "
                "attempts = attempts + 1 WHERE batch_id = ?",
                (now_iso(), status_code, error_body[:4000], batch_id),
            )
            write_meta(
                c, "last_error", f"batch {batch_id} refused ({status_code}): {error_body[:200]}"
            )

    def requeue_quarantined(self) -> int:
        """Give quarantined batches another go (after the collector was fixed)."""
        with self._txn() as c:
            return c.execute(
                "UPDATE batches SET quarantined_at = NULL, status_code = NULL, "
                "error_body = NULL WHERE quarantined_at IS NOT NULL"
            ).rowcount

    def quarantined_batches(self) -> tuple[Quarantined, ...]:
        """The batches set aside, oldest refusal first, with their segment counts."""
        with self._lock:
            return tuple(
                Quarantined(
                    r["batch_id"],
                    r["n"],
                    r["status_code"],
                    r["error_body"] or "",
                    r["quarantined_at"],
                )
                for r in self._conn.execute(
                    "SELECT b.batch_id, b.status_code, b.error_body, b.quarantined_at, "
                    "COUNT(s.id) AS n FROM batches b LEFT JOIN segments s "
                    "ON s.batch_id = b.batch_id WHERE b.quarantined_at IS NOT NULL "
                    "GROUP BY b.batch_id ORDER BY b.quarantined_at"
                )
            )
