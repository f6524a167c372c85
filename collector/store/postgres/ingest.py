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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.store.sqlite.ingest import IngestMixin

if TYPE_CHECKING:
    from collector.store.postgres.connection import PostgresConnection as Store
    from collector.store.records import Device
    from shared.payload import SummaryBatch


class PostgresIngestMixin(IngestMixin):
    def ingest(
        self: Store,
        device: Device,
        batch: SummaryBatch,
        *,
        queue: tuple[int, int] | None = None,
    ) -> tuple[int, bool]:
        with self.write() as c:
            c.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                (f"person\x1f{device.person_id}",),
            )
            return IngestMixin.ingest(self, device, batch, queue=queue)  # type: ignore[arg-type]

    def _seen(self: Store, device_id: str, batch_id: str, digest: str) -> bool:
        if self.conn.in_transaction:
            self.conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                (f"{device_id}\x1f{batch_id}",),
            )
        return IngestMixin._seen(self, device_id, batch_id, digest)  # type: ignore[arg-type]
