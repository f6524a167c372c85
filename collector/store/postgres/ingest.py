"""Ingest on PostgreSQL: the shared SQL (sqlite/ingest.py), with the duplicate
check made safe across processes.

On SQLite one writer at a time makes "is this batch stored?" and storing it
one step. PostgreSQL runs writers side by side, so two collectors handed the
same retry could both find nothing and both insert; the second would then
fail on the batches key and answer 409 instead of "duplicate". A
transaction-scoped advisory lock on (device, batch_id), taken before the
check inside the write, makes the second wait until the first commits, then
see its row and answer as a retry: stored once, answered 200 both times.

A second advisory lock, on the person, keeps two batches of one person apart
(a retry racing the next upload, two workstations of one person): whether a
person-day is new to the team's day count (`team_days.people`) is read
inside the write, and two writers of the same person under READ COMMITTED
would both find it new and count the person twice.

Round trips, not the statements themselves, are what a batch cost here (a
dozen and more each, SQLite's being function calls), so a batch is three:
the token's device (collector/auth.py); BEGIN, both locks, the duplicate
check and the person's known days in one pipeline; every write and the
COMMIT in a second one. The reads run after the locks, each its own
statement, so under READ COMMITTED they see what a writer that held the
lock before committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.store.postgres.batch_statement import WRITE_BATCH, batch_parameters
from collector.store.sqlite.batch_digest import batch_digest
from collector.store.sqlite.ingest import (
    SEEN_SQL,
    IngestMixin,
    _rows,
    known_days,
    stored_before,
    timings_of,
)
from collector.store.sqlite.sql import now_iso
from collector.store.sqlite.work_items import INSERT_TIMING

if TYPE_CHECKING:
    from collector.store.postgres.connection import PostgresConnection as Store
    from collector.store.records import Device
    from shared.payload import SummaryBatch

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))"


class PostgresIngestMixin(IngestMixin):
    def ingest(
        self: Store,
        device: Device,
        batch: SummaryBatch,
        *,
        queue: tuple[int, int] | None = None,
    ) -> tuple[int, bool]:
        segments, roll, uncategorised = _rows(device, batch)
        timings = timings_of(device, batch)
        digest = batch_digest(batch.rules_version, batch.timezone, segments, timings)
        days = {d for d, _cat, _client in roll}
        with self.write() as c:
            with c.pipeline():
                c.execute(_LOCK, (f"person\x1f{device.person_id}",))
                c.execute(_LOCK, (f"{device.id}\x1f{batch.batch_id}",))
                seen = c.execute(SEEN_SQL, (device.id, batch.batch_id))
                known = c.execute(*known_days(device.person_id, days))
            retry = stored_before(seen.fetchone(), batch.batch_id, digest)
            had_days = {row[0] for row in known}
            with c.pipeline():
                if retry:  # store nothing; note the device was seen
                    self.touch_device(device.id, queue)
                    c.commit_in_pipeline()
                    return 0, True
                params = batch_parameters(
                    device, batch.batch_id, digest, now_iso(), segments, roll, uncategorised,
                    queue, had_days,
                )  # fmt: skip
                c.execute_native(WRITE_BATCH, params)
                if timings:  # the tray's timed items, rare: one statement a row
                    c.executemany(INSERT_TIMING, timings)
                c.commit_in_pipeline()
        return len(segments), False
