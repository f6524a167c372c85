"""SQL pieces every entity module of the SQLite backend shares: the timestamp
text stored in `created_at`-style columns, and the optional `IN` filter that
scopes a query to some teams (None means all of them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime


def now_iso() -> str:
    """UTC to the second, ISO 8601: sorts as text, which the queries rely on."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def in_list(column: str, ids: Sequence | None) -> tuple[str, list]:
    """`` AND column IN (?, ...)`` and its parameters; nothing for None (no filter).

    An empty list matches nothing, as an empty IN does."""
    if ids is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(ids))})", list(ids)
