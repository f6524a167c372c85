"""The sampling loop: the foreground window once a poll, into segments, into the outbox.

Nothing is looked at unless tracking is allowed (consent granted) and not
paused: the probe is not even asked, and the input monitor is not running.
Each poll costs one probe call, one rules lookup (cached) and one sample;
the disk is touched only when a segment closes or at a checkpoint (at most
a minute apart), never per poll.

Segment boundaries the tracker adds to the builder's own: a change of
client, rules, pause or consent closes the open segment at that moment; local
midnight closes it (daily totals stay daily, and no segment can outgrow the
wire's 24-hour limit); so does 12 hours of one unchanged segment. A locked
session (logind's ``LockedHint``, ``session_lock``) is away: the open segment
ends at the last poll before the lock and nothing is recorded until unlock.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import available_timezones

from agent.outbox import Outbox
from agent.platform.base import InputSource, Probe, SessionLock
from shared.rules import RuleSet
from shared.segments import Sample, Segment, SegmentBuilder

log = logging.getLogger(__name__)

MAX_SEGMENT = timedelta(hours=12)
_MAX_COUNT = 1_000_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def local_now() -> datetime:
    return datetime.now().astimezone()


def local_timezone_name() -> str:
    """The IANA name the collector files days under; UTC when the OS will not say."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # any failure here means "unknown"
        name = None
    if name and name in _zones():
        return name
    offset = local_now().utcoffset() or timedelta()
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest == 0 and hours != 0:  # Etc/GMT signs are inverted by POSIX convention
        return f"Etc/GMT{-hours:+d}"
    return "UTC"


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


@lru_cache(maxsize=256)
def clean_app(app: str) -> str:
    """A process name the wire accepts (no control characters, 1..128 chars)."""
    return _CONTROL.sub("", app or "").strip()[:128] or "unknown"


def _bounded(seg: Segment) -> Segment:
    if seg.keys <= _MAX_COUNT and seg.clicks <= _MAX_COUNT:
        return seg
    return replace(seg, keys=min(seg.keys, _MAX_COUNT), clicks=min(seg.clicks, _MAX_COUNT))


class Tracker:
    def __init__(
        self,
        probe: Probe,
        outbox: Outbox,
        rules: RuleSet,
        *,
        idle_after_s: float = 300,
        input_factory: Callable[[], InputSource] | None = None,
        poll_s: float = 1.0,
        checkpoint_s: float = 60.0,
        clock: Callable[[], datetime] = local_now,
        timezone: Callable[[], str] = local_timezone_name,
        on_change: Callable[[], None] = lambda: None,
        session_lock: SessionLock | None = None,
    ):
        self.probe = probe
        self.outbox = outbox
        self.input_factory = input_factory
        self.poll_s = poll_s
        self.checkpoint_s = checkpoint_s
        self.clock = clock
        self.timezone = timezone
        self.on_change = on_change
        self.session_lock = session_lock
        self.input_problem: str | None = None
        self._lock = threading.Lock()
        self._input: InputSource | None = None
        self._allowed = False
        self._paused = False
        self._paused_until: datetime | None = None
        self._client: str | None = None
        self._category: str | None = None
        self._last_at: datetime | None = None
        self._checkpoint_at: datetime | None = None
        self._builder = self._new_builder(rules, idle_after_s)

    def _new_builder(self, rules: RuleSet, idle_after_s: float) -> SegmentBuilder:
        return SegmentBuilder(
            rules, idle_after_s, max_gap_s=max(5.0, 3 * self.poll_s), default_client=self._client
        )

    # -- what the core reads ------------------------------------------------
    @property
    def tracking(self) -> bool:
        return self._allowed and not self._paused

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def paused_until(self) -> datetime | None:
        return self._paused_until

    @property
    def current_category(self) -> str | None:
        return self._category if self.tracking else None

    @property
    def client(self) -> str | None:
        return self._client

    @property
    def rules(self) -> RuleSet:
        return self._builder.rules

    @property
    def idle_after_s(self) -> float:
        return self._builder.idle_after_s

    def open_segment(self) -> Segment | None:
        with self._lock:
            return self._builder.open_segment()

    # -- what the core changes ---------------------------------------------
    def set_allowed(self, allowed: bool) -> None:
        """Consent given or taken back; taking it back stops sampling before returning."""
        with self._lock:
            if allowed == self._allowed:
                return
            self._allowed = allowed
            if not allowed:
                self._halt()
        self.on_change()

    def pause(self, until: datetime | None) -> None:
        """Pause until a time, or (None) until resumed; closes the open segment now."""
        with self._lock:
            self._paused, self._paused_until = True, until
            self._halt()
        self.on_change()

    def resume(self) -> None:
        with self._lock:
            self._paused, self._paused_until = False, None
        self.on_change()

    def set_client(self, key: str | None) -> None:
        """The employee's current client: time from now on is theirs, not before."""
        with self._lock:
            if key == self._client:
                return
            self._client = key
            self._cut()
            self._builder.default_client = key

    def set_rules(self, rules: RuleSet, idle_after_s: float) -> None:
        """New rules apply from now on; a segment never mixes two rule versions."""
        with self._lock:
            self._cut()
            self._builder = self._new_builder(rules, idle_after_s)

    def cut(self) -> None:
        """Close the open segment at now and go on sampling (an item timer's start
        or stop: the segments then end where the item's time does)."""
        with self._lock:
            self._cut()

    def flush(self) -> None:
        """Close the open segment now and write it (shutdown, withdraw)."""
        with self._lock:
            self._halt()

    # -- the loop ------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except Exception:  # one bad poll must not end tracking
                log.exception("poll failed")
            stop.wait(self.poll_s)
        self.flush()

    def tick(self) -> None:
        changed = False
        with self._lock:
            now = self.clock()
            if self._paused and self._paused_until is not None and now >= self._paused_until:
                self._paused, self._paused_until, changed = False, None, True
            if self._allowed and not self._paused:
                changed |= self._sample(now)
        if changed:
            self.on_change()

    def _sample(self, now: datetime) -> bool:
        if self._input is None and self.input_factory is not None:
            self._start_input()
        if self.session_lock is not None and self.session_lock.locked():
            return self._locked(now)
        window = self.probe.foreground()
        keys, clicks = self._input.take_counts() if self._input else (0, 0)
        if window is None:  # locked or nothing focused: no sample, the gap closes it
            if self._last_at is not None and (
                (now - self._last_at).total_seconds() > self._builder.max_gap_s
            ):
                self._save(self._builder.close(), now)
                self._last_at = None
                return self._set_category(None)
            return False
        closed = self._cut_at_day_or_length(now)
        idle = self._idle_seconds()
        app = clean_app(window.app)
        closed += self._builder.add(Sample(now, app, window.title or "", idle, keys, clicks))
        self._last_at = now
        if closed:
            self._save(closed, now)
        elif (
            self._checkpoint_at is None
            or (now - self._checkpoint_at).total_seconds() >= self.checkpoint_s
        ):
            self._save([], now)
        return self._set_category(self._builder.rules.match(app, window.title or "").category)

    def _locked(self, now: datetime) -> bool:
        """A locked session is away, whatever window the locker left in front: the
        open segment ends at the last poll before the lock, nothing more is counted."""
        if self._input is not None:
            self._input.take_counts()  # a password typed into the locker is not work
        if self._last_at is not None:
            self._save(self._builder.close(), now)
            self._last_at = None
        return self._set_category(None)

    def _idle_seconds(self) -> float:
        a = self.probe.idle_seconds()
        b = self._input.seconds_since_input() if self._input else None
        if a is None:
            return b if b is not None else 0.0
        return a if b is None else min(a, b)

    def _cut_at_day_or_length(self, now: datetime) -> list[Segment]:
        seg = self._builder.open_segment()
        if seg is None:
            return []
        if self._polls_stopped(now):  # suspended or locked across midnight: not a second more
            return self._builder.close()
        if now.date() != seg.start.date():
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
            return self._builder.close(at=max(midnight, seg.start))
        if now - seg.start >= MAX_SEGMENT:
            return self._builder.close(at=now)
        return []

    def _set_category(self, category: str | None) -> bool:
        if category == self._category:
            return False
        self._category = category
        return True

    def _save(self, closed: list[Segment], now: datetime) -> None:
        self._checkpoint_at = now
        if not self.outbox.save(
            [_bounded(s) for s in closed],
            self._builder.open_segment(),
            self._builder.rules.version,
            self.timezone(),
        ):
            log.warning("%s; keeping segments in memory", self.outbox.write_error)

    def _cut(self) -> None:
        """Close the open segment at now, keep sampling."""
        now = self.clock()
        self._save(self._builder.close(at=None if self._polls_stopped(now) else now), now)
        self._last_at = None

    def _polls_stopped(self, now: datetime) -> bool:
        """No poll for longer than the gap limit (suspend, lock, a stalled process):
        the open segment ends at the last poll, not now."""
        last = self._last_at
        return last is not None and (now - last).total_seconds() > self._builder.max_gap_s

    def _halt(self) -> None:
        """Close the open segment at now and stop listening to input."""
        self._cut()
        self._category = None
        if self._input is not None:
            try:
                self._input.stop()
            except Exception:
                log.exception("stopping the input monitor failed")
            self._input = None

    def _start_input(self) -> None:
        monitor = None
        try:
            monitor = self.input_factory()
            started = bool(monitor.start())
            problem = None if started else (monitor.problem or "input monitor unavailable")
        except Exception as e:  # counts are a nicety, tracking goes on without them
            started, problem = False, f"input monitor unavailable: {type(e).__name__}: {e}"
        self._input = monitor if started else None
        self.input_problem = problem
        if not started:
            log.warning("%s; idle time comes from the probe alone", problem)
            self.input_factory = None  # do not retry every poll; the core reports it
