"""The work-item timer's state, kept in the outbox file (part of ``Outbox``).

An item is a row in ``timed_items``; each stretch between start (or resume)
and pause (or stop) is a row in ``timed_item_spans``. Every change is one
transaction, so a killed agent comes back with the item as it was: running
(its open span still open) or paused. Time while the agent was down counts
for nothing, because net time is measured from recorded active segments
(``agent.core.item_timer``), never from the wall clock alone.

The clear reference stays in this file for the employee's own list of the
day; what goes out is ``ref_hash``, set once the policy's salt is known. A
finished, hashed item rides with the next batch formed (``batch_id``), and
keeps that batch across retries, so a retry sends the same body. Sent items
are purged after the day, like sent segments.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

#: One batch carries at most this many items (``TimedBatch``'s limit).
ITEMS_PER_BATCH = 100


@dataclass(frozen=True)
class ItemSpan:
    start_ts: float
    end_ts: float | None  # None: running now
    active_s: float | None  # net active seconds, fixed when the span closed


@dataclass(frozen=True)
class TimedRow:
    id: int
    type: str
    ref: str
    started: str
    ended: str | None
    outcome: str | None
    active_s: float | None
    spans: tuple[ItemSpan, ...]
    ref_hash: str | None
    sent: bool

    @property
    def running(self) -> bool:
        return self.ended is None and any(s.end_ts is None for s in self.spans)


class TimedItemsMixin:
    _lock: threading.RLock
    _conn: sqlite3.Connection
    _txn: Callable[[], AbstractContextManager[sqlite3.Connection]]

    # -- the timer -------------------------------------------------------------
    def open_item(self) -> TimedRow | None:
        """The item being timed (running or paused), if any."""
        with self._lock:
            row = self._conn.execute(
                "SELECT * FROM timed_items WHERE ended IS NULL ORDER BY id LIMIT 1"
            ).fetchone()
            return self._row(self._conn, row) if row else None

    def start_item(self, type_key: str, ref: str, started: str, ts: float) -> int:
        """One item at a time: ValueError while another is open."""
        with self._txn() as c:
            if c.execute("SELECT 1 FROM timed_items WHERE ended IS NULL").fetchone():
                raise ValueError("another item is being timed: stop it first")
            item = c.execute(
                "INSERT INTO timed_items (type, ref, started) VALUES (?, ?, ?)",
                (type_key, ref, started),
            ).lastrowid
            c.execute("INSERT INTO timed_item_spans (item_id, start_ts) VALUES (?, ?)", (item, ts))
            return int(item)

    def pause_item(self, item_id: int, ts: float, span_active_s: float) -> None:
        with self._txn() as c:
            self._close_span(c, item_id, ts, span_active_s)

    def resume_item(self, item_id: int, ts: float) -> None:
        with self._txn() as c:
            open_span = c.execute(
                "SELECT 1 FROM timed_item_spans WHERE item_id = ? AND end_ts IS NULL", (item_id,)
            ).fetchone()
            if open_span is None:
                c.execute(
                    "INSERT INTO timed_item_spans (item_id, start_ts) VALUES (?, ?)", (item_id, ts)
                )

    def stop_item(
        self,
        item_id: int,
        ended: str,
        ts: float,
        outcome: str,
        span_active_s: float,
        ref_hash: str | None,
    ) -> None:
        """Close the running span (if any) and fix the item's net time, in one step."""
        with self._txn() as c:
            self._close_span(c, item_id, ts, span_active_s)
            total = c.execute(
                "SELECT COALESCE(SUM(active_s), 0) FROM timed_item_spans WHERE item_id = ?",
                (item_id,),
            ).fetchone()[0]
            c.execute(
                "UPDATE timed_items SET ended = ?, ended_ts = ?, outcome = ?, active_s = ?, "
                "ref_hash = ? WHERE id = ? AND ended IS NULL",
                (ended, ts, outcome, total, ref_hash, item_id),
            )

    @staticmethod
    def _close_span(c: sqlite3.Connection, item_id: int, ts: float, active_s: float) -> None:
        c.execute(
            "UPDATE timed_item_spans SET end_ts = ?, active_s = ? "
            "WHERE item_id = ? AND end_ts IS NULL",
            (ts, active_s, item_id),
        )

    def timed_items_since(self, ts: float) -> list[TimedRow]:
        """Items finished at or after ``ts``, oldest first (the employee's list)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM timed_items WHERE ended_ts >= ? ORDER BY ended_ts, id", (ts,)
            ).fetchall()
            return [self._row(self._conn, r) for r in rows]

    def seal_items(self, hasher: Callable[[str], str]) -> int:
        """Hash the reference of finished items that wait for it (the salt came late)."""
        with self._txn() as c:
            rows = c.execute(
                "SELECT id, ref FROM timed_items WHERE ended IS NOT NULL AND ref_hash IS NULL"
            ).fetchall()
            c.executemany(
                "UPDATE timed_items SET ref_hash = ? WHERE id = ?",
                [(hasher(r["ref"]), r["id"]) for r in rows],
            )
            return len(rows)

    def unsent_items(self) -> int:
        with self._lock:
            return self._conn.execute(
                "SELECT COUNT(*) FROM timed_items WHERE ended IS NOT NULL AND sent = 0"
            ).fetchone()[0]

    # -- with batches (called by ``Outbox`` inside its transactions) ---------------
    @staticmethod
    def _attach_items(c: sqlite3.Connection, batch_id: str) -> None:
        c.execute(
            "UPDATE timed_items SET batch_id = ? WHERE id IN (SELECT id FROM timed_items "
            "WHERE ended IS NOT NULL AND ref_hash IS NOT NULL AND batch_id IS NULL "
            "AND sent = 0 ORDER BY id LIMIT ?)",
            (batch_id, ITEMS_PER_BATCH),
        )

    @staticmethod
    def _batch_items(c: sqlite3.Connection, batch_id: str) -> tuple[dict, ...]:
        rows = c.execute(
            "SELECT * FROM timed_items WHERE batch_id = ? ORDER BY id", (batch_id,)
        ).fetchall()
        return tuple(
            {
                "type": r["type"],
                "ref": r["ref_hash"],
                "started": r["started"],
                "ended": r["ended"],
                "active_seconds": round(r["active_s"] or 0),
                "outcome": r["outcome"],
            }
            for r in rows
        )

    @staticmethod
    def _items_sent(c: sqlite3.Connection, batch_id: str) -> None:
        c.execute(
            "UPDATE timed_items SET sent = 1, batch_id = NULL WHERE batch_id = ?", (batch_id,)
        )

    @staticmethod
    def _segments_needed_from(c: sqlite3.Connection, midnight_ts: float) -> float:
        """Sent segments older than this may go: an item still open needs its own."""
        first = c.execute(
            "SELECT MIN(s.start_ts) FROM timed_item_spans s JOIN timed_items i "
            "ON i.id = s.item_id WHERE i.ended IS NULL AND s.end_ts IS NULL"
        ).fetchone()[0]
        return midnight_ts if first is None else min(midnight_ts, first)

    @staticmethod
    def _purge_items(c: sqlite3.Connection, midnight_ts: float) -> None:
        old = "SELECT id FROM timed_items WHERE sent = 1 AND ended_ts < ?"
        c.execute(f"DELETE FROM timed_item_spans WHERE item_id IN ({old})", (midnight_ts,))
        c.execute("DELETE FROM timed_items WHERE sent = 1 AND ended_ts < ?", (midnight_ts,))

    @staticmethod
    def _row(c: sqlite3.Connection, r: sqlite3.Row) -> TimedRow:
        spans = c.execute(
            "SELECT start_ts, end_ts, active_s FROM timed_item_spans WHERE item_id = ? "
            "ORDER BY start_ts",
            (r["id"],),
        ).fetchall()
        return TimedRow(
            id=r["id"],
            type=r["type"],
            ref=r["ref"],
            started=r["started"],
            ended=r["ended"],
            outcome=r["outcome"],
            active_s=r["active_s"],
            spans=tuple(ItemSpan(s["start_ts"], s["end_ts"], s["active_s"]) for s in spans),
            ref_hash=r["ref_hash"],
            sent=bool(r["sent"]),
        )
