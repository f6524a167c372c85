"""The local outbox: every segment is on disk before anyone tries to send it.

One SQLite file per profile (``agent.outbox.db``) holds closed segments, the
checkpoint of the open one, batches and their fate, and the queues of consent
decisions and output units. Every change is one transaction, so a kill -9 or a
power cut leaves either the state before it or the state after it, never half
a batch.

Sent segments of today stay (marked sent) so "my day" survives restarts;
older sent ones are purged. Unsent ones are never dropped: what the collector
refuses for good is set aside (``agent.outbox.quarantine``). What status shows, the
counts and the notes, is read by ``agent.outbox.stats``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from agent.outbox.db import connect, now_iso, write_meta
from agent.outbox.imports import ImportsMixin
from agent.outbox.quarantine import QuarantineMixin
from agent.outbox.stats import StatsMixin
from agent.outbox.timed_items import TimedItemsMixin
from shared.payload import MAX_SEGMENTS_PER_BATCH
from shared.segments import Segment

QUEUES = {"consent": "consent_queue", "units": "units_queue"}
_FIELDS = ("start", "end", "category", "client", "app", "state", "keys", "clicks")
_SEG_COLS = ", ".join(_FIELDS)
#: Segments kept in memory while the disk refuses writes (about a week of work).
_MAX_PENDING = 20_000


@dataclass(frozen=True)
class Batch:
    batch_id: str
    rules_version: int
    timezone: str
    attempts: int
    segments: tuple[dict, ...]
    first_id: int
    work_items: tuple[dict, ...] = ()  # timed in the tray, references hashed

    def payload(self, sent_at: datetime) -> dict:
        body = {
            "batch_id": self.batch_id,
            "sent_at": sent_at.isoformat(),
            "rules_version": self.rules_version,
            "timezone": self.timezone,
            "segments": list(self.segments),
        }
        if self.work_items:  # absent otherwise: a collector without work items takes it
            body["work_items"] = list(self.work_items)
        return body


@dataclass(frozen=True)
class Queued:
    """A consent decision or a logged work item waiting for the collector."""

    id: int
    body: dict
    upto_segment: int  # the last segment recorded before it was queued


class Outbox(QuarantineMixin, StatsMixin, TimedItemsMixin, ImportsMixin):
    """Thread-safe (one connection behind a lock); several processes may open
    the same file (the CLI while the agent runs), only the agent recovers."""

    def __init__(self, path: Path, *, recover: bool = True):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = connect(path)
        self._pending: list[tuple[Segment, int, str]] = []
        self._pending_open: tuple[Segment | None, int, str] | None = None
        self.write_error: str | None = None
        self._recover_pending = False
        if recover:
            try:
                self.recover()
                self.purge_sent_before(_local_midnight_ts())
            except sqlite3.OperationalError as e:  # disk full: start anyway, recover later
                self.write_error = f"cannot write the outbox: {e}"
                self._recover_pending = True

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _txn(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:  # SQLITE_FULL may have rolled back already
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- segments ---------------------------------------------------------
    def save(
        self,
        closed: Sequence[Segment],
        open_segment: Segment | None,
        rules_version: int,
        timezone: str,
    ) -> bool:
        """Queue closed segments and replace the open checkpoint, in one step.

        One transaction, so a crash can never leave a closed segment *and*
        the old checkpoint of it (which recovery would queue a second time).
        When the disk refuses, everything is kept in memory and written by a
        later call; returns False then (the reason is in ``write_error``).
        """
        with self._lock:
            self._pending.extend((s, rules_version, timezone) for s in closed)
            del self._pending[: max(0, len(self._pending) - _MAX_PENDING)]
            self._pending_open = (open_segment, rules_version, timezone)
            try:
                with self._txn() as c:
                    if self._recover_pending:  # before the new checkpoint replaces it
                        self._recover(c)
                    for seg, rv, tz in self._pending:
                        self._insert(c, seg, rv, tz)
                    if self._pending:  # once: imported history must end before it
                        c.execute(
                            "INSERT OR IGNORE INTO meta (key, value) "
                            "VALUES ('tracking_began_ts', ?)",
                            (str(self._pending[0][0].start.timestamp()),),
                        )
                    seg, rv, tz = self._pending_open
                    if seg is None or seg.end <= seg.start:
                        c.execute("DELETE FROM open_segment")
                    else:
                        c.execute(
                            f"INSERT OR REPLACE INTO open_segment (slot, {_SEG_COLS}, "
                            "rules_version, timezone) VALUES (1,?,?,?,?,?,?,?,?,?,?)",
                            (*_row(seg), rv, tz),
                        )
            except sqlite3.OperationalError as e:
                self.write_error = f"cannot write the outbox: {e}"
                return False
            self._pending.clear()
            self._pending_open = None
            self._recover_pending = False
            self.write_error = None
            return True

    def _insert(self, c: sqlite3.Connection, seg: Segment, rv: int, tz: str) -> None:
        # A clock stepped back (NTP) must not make segments overlap: the
        # collector would refuse the whole batch. Clip to the last end. A
        # quarantined segment does not count: one the collector refused for
        # ending in the future (a wrong clock) would swallow all new time.
        last = c.execute(
            "SELECT MAX(end_ts) FROM segments s WHERE NOT EXISTS (SELECT 1 FROM batches b "
            "WHERE b.batch_id = s.batch_id AND b.quarantined_at IS NOT NULL)"
        ).fetchone()[0]
        if last is not None and seg.start.timestamp() < last:
            start = datetime.fromtimestamp(last, seg.start.tzinfo)
            if start >= seg.end:
                return
            seg = replace(seg, start=start)
        self._insert_row(c, seg, rv, tz)

    def _insert_row(self, c: sqlite3.Connection, seg: Segment, rv: int, tz: str) -> None:
        c.execute(
            f"INSERT INTO segments ({_SEG_COLS}, start_ts, end_ts, rules_version, timezone)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (*_row(seg), seg.start.timestamp(), seg.end.timestamp(), rv, tz),
        )

    def recover(self) -> Segment | None:
        """After a crash: the last checkpoint of the open segment becomes a
        closed segment ending at its checkpointed end (at most a minute lost)."""
        with self._txn() as c:
            return self._recover(c)

    def _recover(self, c: sqlite3.Connection) -> Segment | None:
        row = c.execute("SELECT * FROM open_segment").fetchone()
        if row is None:
            return None
        seg = _segment(row)
        self._insert(c, seg, row["rules_version"], row["timezone"])
        c.execute("DELETE FROM open_segment")
        return seg

    def open_checkpoint(self) -> Segment | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM open_segment").fetchone()
        return _segment(row) if row else None

    def segments_since(self, ts: float) -> list[tuple[Segment, bool]]:
        """Recorded segments ending after ``ts``, with whether each was sent."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_SEG_COLS}, sent FROM segments WHERE end_ts > ? ORDER BY start_ts",
                (ts,),
            ).fetchall()
            pending = [s for s, _, _ in self._pending if s.end.timestamp() > ts]
        return [(_segment(r), bool(r["sent"])) for r in rows] + [(s, False) for s in pending]

    def purge_sent_before(self, ts: float) -> None:
        with self._txn() as c:
            self._purge(c, ts)

    def _purge(self, c: sqlite3.Connection, ts: float) -> None:
        keep_from = self._segments_needed_from(c, ts)
        c.execute("DELETE FROM segments WHERE sent = 1 AND end_ts < ?", (keep_from,))
        self._purge_items(c, ts)

    # -- batches ----------------------------------------------------------
    def next_batch(self, upto: int | None = None) -> Batch | None:
        """The oldest batch still to send, forming one if none is waiting.

        A batch gets its id when it is formed and keeps it (and its segments)
        across every retry and restart, so the collector can tell a retry from
        new data. ``upto`` limits it to segments recorded before a decision.
        """
        limit = upto if upto is not None else 2**62
        with self._txn() as c:
            row = c.execute(
                "SELECT b.*, MIN(s.id) AS first_id FROM batches b JOIN segments s "
                "ON s.batch_id = b.batch_id WHERE b.quarantined_at IS NULL "
                "GROUP BY b.batch_id ORDER BY first_id LIMIT 1"
            ).fetchone()
            if row is None:
                row = self._form_batch(c, limit)
            if row is None or row["first_id"] > limit:
                return None
            segs = c.execute(
                f"SELECT {_SEG_COLS} FROM segments WHERE batch_id = ? ORDER BY start_ts",
                (row["batch_id"],),
            ).fetchall()
            items = self._batch_items(c, row["batch_id"])
        return Batch(
            row["batch_id"],
            row["rules_version"],
            row["timezone"],
            row["attempts"],
            tuple(_segment(s).to_payload() for s in segs),
            row["first_id"],
            items,
        )

    def _form_batch(self, c: sqlite3.Connection, limit: int) -> dict | None:
        rows = c.execute(
            "SELECT id, rules_version, timezone FROM segments "
            "WHERE sent = 0 AND batch_id IS NULL AND id <= ? ORDER BY id LIMIT ?",
            (limit, MAX_SEGMENTS_PER_BATCH),
        ).fetchall()
        if not rows:
            return None
        rv, tz = rows[0]["rules_version"], rows[0]["timezone"]
        ids = []
        for r in rows:  # one batch carries one rules version and one time zone
            if (r["rules_version"], r["timezone"]) != (rv, tz):
                break
            ids.append(r["id"])
        batch_id = uuid.uuid4().hex
        c.execute(
            "INSERT INTO batches (batch_id, created_at, rules_version, timezone) VALUES (?,?,?,?)",
            (batch_id, now_iso(), rv, tz),
        )
        c.executemany("UPDATE segments SET batch_id = ? WHERE id = ?", [(batch_id, i) for i in ids])
        self._attach_items(c, batch_id)
        return {
            "batch_id": batch_id,
            "rules_version": rv,
            "timezone": tz,
            "attempts": 0,
            "first_id": ids[0],
        }

    def batch_sent(self, batch_id: str) -> None:
        """The collector answered 200: the batch goes, its segments stay as today's history."""
        with self._txn() as c:
            c.execute(
                "UPDATE segments SET sent = 1, batch_id = NULL WHERE batch_id = ?", (batch_id,)
            )
            c.execute("DELETE FROM batches WHERE batch_id = ?", (batch_id,))
            self._items_sent(c, batch_id)
            write_meta(c, "last_upload_at", now_iso())
            write_meta(c, "last_error", None)
            self._purge(c, _local_midnight_ts())

    def batch_failed(self, batch_id: str, error: str) -> None:
        with self._txn() as c:
            c.execute(
                "UPDATE batches SET attempts = attempts + 1, last_error = ? WHERE batch_id = ?",
                (error, batch_id),
            )
            write_meta(c, "last_error", error)

    def has_unsent_upto(self, upto: int) -> bool:
        with self._lock:
            return (
                self._conn.execute(
                    "SELECT 1 FROM segments s LEFT JOIN batches b ON b.batch_id = s.batch_id "
                    "WHERE s.sent = 0 AND s.id <= ? AND b.quarantined_at IS NULL LIMIT 1",
                    (upto,),
                ).fetchone()
                is not None
            )

    # -- consent decisions and output units ---------------------------------
    # Two tables of the same shape: QUEUES names them, so SQL never takes a
    # caller's string.
    def queue(self, kind: str, bodies: Sequence[dict], meta: tuple[str, str] | None = None) -> None:
        """Queue posts for the collector, each with the last segment recorded
        before it, so segments consented to go out before a withdrawal does.
        ``meta`` is a (key, value) note written in the same transaction."""
        table = QUEUES[kind]
        with self._txn() as c:
            if meta is not None:
                write_meta(c, *meta)
            upto = c.execute("SELECT COALESCE(MAX(id), 0) FROM segments").fetchone()[0]
            c.executemany(
                f"INSERT INTO {table} (body, upto_segment) VALUES (?, ?)",
                [(json.dumps(b, sort_keys=True), upto) for b in bodies],
            )

    def pending(self, kind: str, limit: int = 100) -> list[Queued]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT id, body, upto_segment FROM {QUEUES[kind]} "
                "WHERE quarantined_at IS NULL ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
        return [Queued(r["id"], json.loads(r["body"]), r["upto_segment"]) for r in rows]

    def done(
        self, kind: str, ids: Sequence[int], status_code: int | None = None, error: str = ""
    ) -> None:
        """Sent (no status): gone. Refused for good: kept aside with the reason."""
        table = QUEUES[kind]
        with self._txn() as c:
            if status_code is None:
                c.executemany(f"DELETE FROM {table} WHERE id = ?", [(i,) for i in ids])
                return
            c.executemany(
                f"UPDATE {table} SET quarantined_at = ?, status_code = ?, error_body = ? "
                "WHERE id = ?",
                [(now_iso(), status_code, error[:4000], i) for i in ids],
            )
            write_meta(c, "last_error", f"{kind} refused ({status_code}): {error[:200]}")


def _row(seg: Segment) -> tuple:
    return (seg.start.isoformat(), seg.end.isoformat(), *(getattr(seg, f) for f in _FIELDS[2:]))


def _segment(r: sqlite3.Row) -> Segment:
    return Segment(
        datetime.fromisoformat(r["start"]),
        datetime.fromisoformat(r["end"]),
        *(r[f] for f in _FIELDS[2:]),
    )


def _local_midnight_ts() -> float:
    now = datetime.now().astimezone()
    return now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
