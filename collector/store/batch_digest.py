"""What makes two posts of one `batch_id` the same batch: a digest of its content.

A retry must stay harmless (200, `duplicate`), but the same id with other
segments is a bug on the agent's side, and answering "duplicate" would let it
throw that data away believing it stored (DESIGN §3: 409 `batch_id_reused`).

The digest is over the validated content in a canonical form, not the raw
bytes: the agent re-serialises a batch on every retry and stamps a new
`sent_at`, so the bytes differ while the batch does not. It covers what is
stored or decides how (rules version, time zone, and per segment the instant
of its start and end as POSIX seconds, its UTC offset, category, client, app,
state, keys and clicks); `sent_at` is left out, and `batch_id` is the key the
digest is filed under. Two spellings of one instant at one offset (`Z` or
`+00:00`, with or without fractional zeros) are one batch; the same instant
at another offset is not, since it falls on other local days.
"""

from __future__ import annotations

import hashlib
import json

from shared.payload import SummaryBatch


class BatchIdReused(Exception):
    """The device already stored a different batch under this id; nothing was stored."""

    def __init__(self, batch_id: str):
        super().__init__(f"batch_id {batch_id!r} was already used for a different batch")
        self.batch_id = batch_id


def batch_digest(batch: SummaryBatch) -> str:
    """SHA-256 (hex) of the batch's canonical content, without `sent_at`."""
    segments = [
        [
            start,
            end,
            s.start.utcoffset().total_seconds(),
            s.category,
            s.client,
            s.app,
            s.state,
            s.keys,
            s.clicks,
        ]
        for s, (start, end) in zip(batch.segments, batch.epochs, strict=True)
    ]
    canonical = json.dumps(
        [1, batch.rules_version, batch.timezone, segments],  # 1: the form's version
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
