"""Background work of a running collector: the daily retention purge and the
frequent interruption recount ("settling"), each on its own daemon thread.

The store keeps the data and the backlog of person-days to recount; the
detection of interruptions is metrics (collector/metrics/interruptions.py),
so the store is opened with `count_day`, which it hands each recounted day's
active spans and which hands the counts back. Each job opens its own store
(one connection per thread) and survives a failed round: a locked or full
database is retried on the next one.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone

from collector.metrics.interruptions import Span, detect, per_day
from collector.store import Store, open_store

#: How often the server recounts interruptions for person-days that received
#: segments. Reports recount what is left in memory (they never write), so
#: this only bounds how much they recount.
SETTLE_EVERY_S = 5.0

#: Retention runs at start and then once a day.
PURGE_EVERY_S = 86_400.0


def count_day(
    rows: list[tuple[float, float, int, str]], day: str, min_focus_s: float, max_away_s: float
) -> tuple[int, float, int]:
    """(count, away seconds, task switches) of one person-day, from its active
    segments (start, end, utc_offset_min, category) in order."""
    zones: dict[int, timezone] = {}
    spans = []
    for start, end, offset, category in rows:
        tz = zones.get(offset) or zones.setdefault(offset, timezone(timedelta(minutes=offset)))
        spans.append(
            Span(datetime.fromtimestamp(start, tz), datetime.fromtimestamp(end, tz), category)
        )
    counts = per_day(detect(spans, min_focus_s=min_focus_s, max_away_s=max_away_s))
    today = counts.get(date.fromisoformat(day))
    return (today.count, today.away_s, today.task_switches) if today else (0, 0.0, 0)


def open_counting_store(url: str, migrate: bool = True) -> Store:
    """A store that can settle and read interruption counts."""
    return open_store(url, migrate, count_day=count_day)


def purge_once(url: str) -> dict[str, int]:
    """Delete what is older than retention_days; returns the rows removed per kind."""
    store = open_store(url)
    try:
        days = store.settings()["retention_days"]
        cutoff = datetime.now(UTC) - timedelta(days=days)
        counts = store.purge_before(cutoff)
        # Sessions that ended or expired over a day ago are of no use to
        # anyone (the audit log keeps sign-ins and sign-outs).
        counts["sessions"] = store.purge_sessions()
        if any(counts.values()):
            store.audit("system", "retention.purge", cutoff.date().isoformat(), counts)
        return counts
    finally:
        store.close()


def _purge_daily(url: str) -> None:
    while True:
        try:
            purge_once(url)
        except Exception as exc:  # keep serving; the next day tries again
            print(f"retention purge failed: {exc}", file=sys.stderr)
        time.sleep(PURGE_EVERY_S)


def _settle_often(url: str) -> None:
    """Keep the interruption backlog short (store/sqlite/interruptions.py)."""
    store = open_counting_store(url, migrate=False)
    while True:
        time.sleep(SETTLE_EVERY_S)
        try:
            store.settle_interruptions()
        except Exception as exc:  # a locked or full database: the next round retries
            print(f"interruption recount failed: {exc}", file=sys.stderr)


def start(url: str) -> list[threading.Thread]:
    """Start both jobs for the database `serve` serves; they die with the process."""
    threads = [
        threading.Thread(target=_purge_daily, args=(url,), daemon=True, name="retention"),
        threading.Thread(target=_settle_often, args=(url,), daemon=True, name="settle"),
    ]
    for thread in threads:
        thread.start()
    return threads
