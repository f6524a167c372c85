"""Background work of a running collector: the daily retention purge, the
frequent interruption recount ("settling") and the hourly round of the weekly
digest and alerts, each on its own daemon thread.

The store keeps the data and the backlog of person-days to recount; the
detection of interruptions is metrics (collector/metrics/interruptions.py),
so the store is opened with `count_day`, which it hands each recounted day's
active spans and which hands the counts back. Each job opens its own store
(one connection per thread) and survives a failed round: a locked or full
database is retried on the next one.

Several processes may serve one database (`serve --workers N`, or several
hosts on PostgreSQL); the jobs run in one of them at a time. Every process
starts them, but they wait until a leader thread here holds the database's
job lock (collector/store/job_lock.py). The others try it every
`LOCK_CHECK_S`, so when its holder dies another takes over within about that
time; a holder that finds its lock gone (PostgreSQL's session lost) stops its
jobs until it holds the lock again. A round under way when the lock is lost
finishes: each round is whole transactions, so at worst one round runs twice.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone

from collector.metrics.interruptions import Span, detect, per_day
from collector.store import JobLock, Store, StoreError, open_job_lock, open_store
from shared.focus import focus_seconds, focus_sessions

log = logging.getLogger("backlight.server")

#: How often the server recounts interruptions for person-days that received
#: segments. Reports recount what is left in memory (they never write), so
#: this only bounds how much they recount.
SETTLE_EVERY_S = 5.0

#: How often the server looks for a recount of history (new thresholds);
#: once one is queued it runs chunk after chunk until it is done.
RECOUNT_EVERY_S = 2.0

#: Retention runs at start and then once a day.
PURGE_EVERY_S = 86_400.0

#: The digest and alerts: a round at start, then every hour (docs/design.md §4:
#: alerts are checked at least hourly). $BACKLIGHT_ALERTS_EVERY_S shortens it for tests.
ALERTS_EVERY_S = float(os.environ.get("BACKLIGHT_ALERTS_EVERY_S") or 3600.0)

#: How often a process tries the job lock, and its holder checks it still has it.
LOCK_CHECK_S = 1.0


def count_day(
    rows: list[tuple[float, float, int, str]], day: str, min_focus_s: float, max_away_s: float
) -> tuple[int, float, int, float, int]:
    """(interruptions, away seconds, task switches, focus seconds, focus
    sessions) of one person-day, from its active segments (start, end,
    utc_offset_min, category) in order: one read of the day for both."""
    zones: dict[int, timezone] = {}
    spans = []
    for start, end, offset, category in rows:
        tz = zones.get(offset) or zones.setdefault(offset, timezone(timedelta(minutes=offset)))
        spans.append(
            Span(datetime.fromtimestamp(start, tz), datetime.fromtimestamp(end, tz), category)
        )
    counts = per_day(detect(spans, min_focus_s=min_focus_s, max_away_s=max_away_s))
    today = counts.get(date.fromisoformat(day))
    sessions = focus_sessions((s.start, s.end, s.category) for s in spans)
    focus = (focus_seconds(sessions), len(sessions))
    return (
        (today.count, today.away_s, today.task_switches, *focus) if today else (0, 0.0, 0, *focus)
    )


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
        # The sent-log of digests and alerts: a round sends only the last full week.
        counts["alert_deliveries"] = store.purge_deliveries(cutoff)
        if any(counts.values()):
            store.audit("system", "retention.purge", cutoff.date().isoformat(), counts)
        return counts
    finally:
        store.close()


def _purge_daily(url: str, holding: threading.Event) -> None:
    while True:
        holding.wait()
        try:
            purge_once(url)
        except Exception as exc:  # keep serving; the next day tries again
            log.warning("retention purge failed: %s", exc)
        time.sleep(PURGE_EVERY_S)


def _settle_often(url: str, holding: threading.Event) -> None:
    """Keep the interruption backlog short (store/sqlite/interruptions.py)."""
    store: Store | None = None
    while True:
        time.sleep(SETTLE_EVERY_S)
        holding.wait()
        try:
            store = store or open_counting_store(url, migrate=False)
            store.settle_interruptions()
        except Exception as exc:  # a locked or full database: the next round retries
            log.warning("interruption recount failed: %s", exc)


def recount_history(store: Store, progress=None) -> int:
    """Work off the recount of history that new interruption thresholds queued
    (store/sqlite/interruption_recount.py), a chunk per transaction; calls
    `progress(status)` after each chunk. Returns the person-days recounted."""
    done = 0
    while step := store.recount_history_step():
        done += step
        if progress is not None:
            progress(store.recount_status())
        time.sleep(0.01)  # let ingest's writes in between chunks
    return done


def _recount_history_often(url: str, holding: threading.Event) -> None:
    store: Store | None = None
    last_logged = 0.0

    def report(status: dict) -> None:
        nonlocal last_logged
        if not status["running"] or time.monotonic() - last_logged > 10:
            last_logged = time.monotonic()
            log.info("interruption recount: %d of %d person-days", status["done"], status["total"])

    while True:
        time.sleep(RECOUNT_EVERY_S)
        holding.wait()
        try:
            store = store or open_counting_store(url, migrate=False)
            recount_history(store, report)
        except Exception as exc:  # a locked or full database: the next round goes on
            log.warning("interruption recount of history failed: %s", exc)


def alerts_once(url: str) -> None:
    """One round of the weekly digest and the alerts (collector/service/alert_rounds.py).

    A late import: the service layer sits above the jobs, and only this thread needs it.
    The sent-log in the store, not the job lock alone, keeps each message to one send,
    so a round here and `alerts send` from cron at the same time send nothing twice."""
    from collector.service.alert_rounds import run_round

    store = open_store(url, migrate=False)
    try:
        result = run_round(store)
    finally:
        store.close()
    sent = result.digests + result.alert_mails + result.webhooks
    if sent or result.failed:
        (log.warning if result.failed else log.info)("alerts: %s", result.line())


def _alerts_hourly(url: str, holding: threading.Event) -> None:
    while True:
        holding.wait()
        try:
            alerts_once(url)
        except Exception as exc:  # a locked database or a bad setting: the next hour retries
            log.warning("alerts round failed: %s", exc)
        time.sleep(ALERTS_EVERY_S)


#: (thread name, loop): each loop runs its rounds while `holding` is set.
JOBS = (
    ("retention", _purge_daily),
    ("settle", _settle_often),
    ("recount", _recount_history_often),
    ("alerts", _alerts_hourly),
)


def lead(lock: JobLock, holding: threading.Event, stop: threading.Event | None = None) -> None:
    """Hold `lock` whenever it can be had and say so in `holding`; until `stop`."""
    stop = stop or threading.Event()
    pid = os.getpid()
    unreachable = False
    while not stop.is_set():
        if holding.is_set() and not lock.still_held():
            holding.clear()
            lock.release()
            log.warning(
                "pid %d lost the job lock (%s); its background jobs stop until it is regained",
                pid,
                lock.describe(),
            )
        if not holding.is_set():
            try:
                got = lock.try_acquire()
                unreachable = False
            except StoreError as exc:
                got = False
                if not unreachable:  # once per outage, not every second
                    log.warning("pid %d cannot reach the job lock: %s", pid, exc)
                unreachable = True
            if got:
                holding.set()
                log.info(
                    "background jobs (retention, settling, recount, alerts) run in pid %d (%s)",
                    pid,
                    lock.describe(),
                    extra={"jobs_pid": pid},
                )
        stop.wait(LOCK_CHECK_S)
    holding.clear()
    lock.release()


def start(url: str) -> list[threading.Thread]:
    """Start the jobs for the database `serve` serves; they run while this
    process holds the job lock, and die with the process."""
    holding = threading.Event()
    threads = [
        threading.Thread(
            target=lead, args=(open_job_lock(url), holding), daemon=True, name="job-lock"
        )
    ]
    threads += [
        threading.Thread(target=loop, args=(url, holding), daemon=True, name=name)
        for name, loop in JOBS
    ]
    for thread in threads:
        thread.start()
    return threads
