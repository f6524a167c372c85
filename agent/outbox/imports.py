"""History imported from another tracker, kept in the outbox file (part of ``Outbox``).

An import queues its segments like tracked ones, so they go out in batches
with the same guarantees (on disk first, one batch id across retries). What
makes a second import harmless is kept beside them, in the same transaction
as the segments:

- ``imports``: one row per file, by the SHA-256 of its bytes: the same file
  again is recognised and adds nothing;
- ``imported_spans``: the time each import covered. A later export of the
  same computer repeats the earlier events; the time already imported is
  left out of it, so nothing is counted twice even from a different file.

Both tables are in ``agent.outbox.db``'s schema; neither is purged with
sent segments: they are what remembers.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from agent.outbox.db import now_iso
from shared.segments import Segment


@dataclass(frozen=True)
class ImportRecord:
    digest: str
    source: str
    imported_at: str
    segments: int
    seconds: float


class ImportsMixin:
    _lock: threading.RLock
    _conn: sqlite3.Connection
    _txn: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _insert_row: Callable[[sqlite3.Connection, Segment, int, str], None]

    def previous_import(self, digest: str) -> ImportRecord | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT digest, source, imported_at, segments, seconds FROM imports "
                "WHERE digest = ?",
                (digest,),
            ).fetchone()
        return ImportRecord(*row) if row else None

    def imported_spans(self) -> list[tuple[float, float]]:
        with self._lock:
            rows = self._conn.execute("SELECT start_ts, end_ts FROM imported_spans").fetchall()
        return [(r[0], r[1]) for r in rows]

    def tracking_began_ts(self) -> float | None:
        """When this profile first recorded time: imported history must end
        before it, or the same minutes would be counted twice."""
        with self._lock:
            noted = self._conn.execute(
                "SELECT value FROM meta WHERE key = 'tracking_began_ts'"
            ).fetchone()
            earliest = self._conn.execute(
                "SELECT MIN(start_ts) FROM segments s "
                "WHERE NOT EXISTS (SELECT 1 FROM imported_spans i "
                "WHERE s.start_ts >= i.start_ts AND s.end_ts <= i.end_ts)"
            ).fetchone()[0]
        found = [float(noted[0])] if noted else []
        if earliest is not None:
            found.append(float(earliest))
        return min(found) if found else None

    def queue_import(
        self,
        digest: str,
        source: str,
        segments: Sequence[Segment],
        covered: tuple[float, float] | None,
        rules_version: int,
        timezone: str,
    ) -> ImportRecord:
        """Queue the segments and remember the file and the time it covered,
        all in one transaction: a crash leaves the import done or not begun."""
        seconds = sum(s.seconds for s in segments)
        with self._txn() as c:
            c.execute(
                "INSERT INTO imports (digest, source, imported_at, segments, seconds) "
                "VALUES (?, ?, ?, ?, ?)",
                (digest, source, now_iso(), len(segments), seconds),
            )
            if covered is not None:
                c.execute(
                    "INSERT INTO imported_spans (digest, start_ts, end_ts) VALUES (?, ?, ?)",
                    (digest, *covered),
                )
            for seg in sorted(segments, key=lambda s: s.start):
                self._insert_row(c, seg, rules_version, timezone)
        record = self.previous_import(digest)
        assert record is not None
        return record
