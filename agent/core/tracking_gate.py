"""Whether tracking may run: the employee's consent decision and their pauses.

The tracker samples only while it is allowed (a grant of the current consent
text, see ``agent.core.consent``) and not paused; this keeps it in step with both.
A decision is made here, or noticed here when the CLI wrote it while the agent
runs: the tracker follows it, and it is queued for the collector once. A pause
is noted in the outbox, so ``backlight-agent status`` shows it and a restart
keeps it; the note goes when the pause does, or status would go on saying
"paused until 10:15" while the agent is tracking again.

The core passes in its own lock, so a decision never interleaves with the
core starting or stopping.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from agent.core.consent import ConsentBook, queue_decision
from agent.core.policy import PolicyStore
from agent.core.tracker import Tracker
from agent.outbox import Outbox


class ConsentUnavailable(Exception):
    """There is no consent text to decide on yet (no policy: enroll first)."""


@dataclass(frozen=True)
class ConsentText:
    version: int
    text: str


class TrackingGate:
    def __init__(
        self,
        consent: ConsentBook,
        outbox: Outbox,
        policies: PolicyStore,
        clock: Callable[[], datetime],
        lock: threading.RLock,
    ):
        self.consent = consent
        self.outbox = outbox
        self.policies = policies
        self.clock = clock
        self._lock = lock
        self.tracker: Tracker | None = None
        self.sync_pending = True  # a decision a crash left unqueued is queued at start

    def attach(self, tracker: Tracker) -> None:
        """The tracker to steer; a pause that was still running before a restart goes on."""
        self.tracker = tracker
        paused = self.outbox.get_meta("paused_until")
        if paused == "indefinite":
            tracker.pause(None)
        elif paused and datetime.fromisoformat(paused) > self.clock():
            tracker.pause(datetime.fromisoformat(paused))

    # -- consent -----------------------------------------------------------------
    def consent_text(self) -> ConsentText | None:
        p = self.policies.current
        if p.consent_version is None or p.consent_text is None:
            return None
        return ConsentText(p.consent_version, p.consent_text)

    def decide(self, decision: str) -> None:
        """Record a decision; anything but a grant stops tracking before it is written."""
        with self._lock:
            version = self.policies.current.consent_version
            if version is None and self.consent.record is not None:
                version = self.consent.record.version
            if version is None:
                raise ConsentUnavailable("no consent text yet; enroll this workstation first")
            if decision != "granted" and self.tracker is not None:
                self.tracker.set_allowed(False)  # closes and writes the open segment first
            self.consent.decide(decision, version, self.clock())
            self.sync()

    def needs_sync(self) -> bool:
        """The record changed on disk (the CLI), or a decision is not queued yet."""
        return self.consent.reload() or self.sync_pending

    def sync(self) -> None:
        """Make tracking follow the recorded decision, and queue it for the collector
        once. Also how a decision the CLI wrote while we run takes effect: the CLI
        leaves queueing to us, so a withdrawal goes out after the segment it closes."""
        with self._lock:
            record = self.consent.record
            if record is not None and record.decision != "granted" and self.tracker:
                self.tracker.set_allowed(False)
            try:
                queue_decision(self.outbox, record)
                self.sync_pending = False
            except sqlite3.OperationalError as e:  # disk full: try again next round
                self.outbox.write_error = f"cannot queue the consent decision: {e}"
                self.sync_pending = True
            self.apply_consent()

    def consent_body(self) -> dict | None:
        r = self.consent.record
        return r.body() if r else None

    def apply_consent(self) -> None:
        if self.tracker is not None:
            self.tracker.set_allowed(
                self.consent.allows_tracking(self.policies.current.consent_version)
            )

    # -- pause -------------------------------------------------------------------
    def pause(self, minutes: int | None) -> None:
        """Noted in the outbox: status shows it, and a restart keeps it (``attach``)."""
        if minutes is not None and minutes <= 0:
            raise ValueError("minutes must be positive (or None: until resumed)")
        until = None if minutes is None else self.clock() + timedelta(minutes=minutes)
        self.outbox.set_meta("paused_until", until.isoformat() if until else "indefinite")
        if self.tracker is not None:
            self.tracker.pause(until)

    def resume(self) -> None:
        self.outbox.set_meta("paused_until", None)
        if self.tracker is not None:
            self.tracker.resume()

    def forget_pause(self) -> None:
        """Tracking changed and no pause holds it: one that ran out must not stay in status."""
        self.outbox.set_meta("paused_until", None)
