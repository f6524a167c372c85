"""The store's own errors, so callers never catch a driver's.

A backend turns its driver's failures into these: the HTTP layer answers
`StoreUnavailable` with 503 (agents keep the batch and retry) and `Conflict`
with 409, whichever database is behind the store.
"""

from __future__ import annotations


class StoreError(Exception):
    """A write refused by the store's own rules (not by validation)."""


class StoreUnavailable(StoreError):
    """The database cannot be used just now: a full or read-only disk, a lock
    held too long, a server that does not answer. Retrying later may work."""


class StorageFull(StoreUnavailable):
    """The disk under the database is full; the write was rolled back whole.
    Answered 507 (collector/storage_full.py) so operators see the cause."""


class Conflict(StoreError):
    """The write contradicts what is stored already; nothing was written."""


class BatchIdReused(Conflict):
    """The device already stored a different batch under this id; nothing was stored."""

    def __init__(self, batch_id: str):
        super().__init__(f"batch_id {batch_id!r} was already used for a different batch")
        self.batch_id = batch_id


class UnknownBackend(StoreError):
    """A database URL whose scheme no backend handles."""
