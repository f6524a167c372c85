"""Build summary batches for tests, as an agent would send them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone


def segment(start: datetime, minutes: float, category: str, **kw) -> dict:
    end = start + timedelta(minutes=minutes)
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "category": category,
        "client": kw.get("client"),
        "app": kw.get("app", "excel"),
        "state": kw.get("state", "active"),
        "keys": kw.get("keys", 10),
        "clicks": kw.get("clicks", 2),
    }


def plan(start: datetime, steps: list[tuple[str, float]], **kw) -> list[dict]:
    """Consecutive segments: [(category, minutes), ...] from `start`."""
    out, t = [], start
    for category, minutes in steps:
        out.append(segment(t, minutes, category, **kw))
        t += timedelta(minutes=minutes)
    return out


def batch(segments: list[dict], batch_id: str | None = None) -> dict:
    return {
        "batch_id": batch_id or uuid.uuid4().hex,
        "sent_at": datetime.now(UTC).isoformat(),
        "rules_version": 0,
        "timezone": "Europe/Berlin",
        "segments": segments,
    }


BERLIN = timezone(timedelta(hours=1))


def day_at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    base = datetime.now(BERLIN).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return base - timedelta(days=days_ago)
