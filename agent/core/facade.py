"""AgentCore: the one facade the tray and the headless mode drive.

It owns the profile's files, the tracker thread (sampling) and the service
thread (uploads, policy refresh, noticing the CLI's changes to consent and
enrollment). It imports no Qt: the tray calls these methods from its UI thread
and registers a listener; listeners are called from background threads, so a
Qt tray must hand the state over to its own thread (a queued signal).
Whether tracking may run (consent, pause) is ``agent.core.tracking_gate``'s call.

One core per profile at a time: a second one (a second tray, a headless copy)
raises ``AlreadyRunning`` instead of double-counting the same screen.

The platform probe is chosen once, at start (``agent.platform.default_probe_factory``;
see there for the ``BACKLIGHT_AGENT_PROBE`` test hook).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta

from agent.config import AlreadyRunning, Paths, ProfileLock, file_signature, load_config
from agent.core.auto_enroll import AutoEnroller
from agent.core.collector_client import CollectorClient, HttpError, Unreachable
from agent.core.consent import ConsentBook
from agent.core.item_timer import ItemTimer
from agent.core.policy import ClientChoice, PolicyStore
from agent.core.state import AgentState
from agent.core.today import Today, compute_today
from agent.core.tracker import Tracker, local_now, local_timezone_name
from agent.core.tracking_gate import ConsentText, TrackingGate
from agent.core.upload_request import ANSWER_META, UPLOAD_TIMEOUT_S, UploadRequests, answer
from agent.core.uploader import Uploader
from agent.core.work_item import work_item
from agent.outbox import Outbox
from agent.platform import (
    InputSource,
    Probe,
    SessionLock,
    default_input_factory,
    default_lock_factory,
    default_probe_factory,
    open_session_lock,
)

__all__ = ["AgentCore", "AlreadyRunning"]

log = logging.getLogger(__name__)

#: How often the service thread looks at the consent and config files.
WATCH_S = 1.0


class AgentCore:
    def __init__(
        self,
        paths: Paths | None = None,
        *,
        probe_factory: Callable[[], Probe] = default_probe_factory,
        input_factory: Callable[[], InputSource] | None | str = "default",
        clock: Callable[[], datetime] = local_now,
        timezone: Callable[[], str] = local_timezone_name,
        enroller: Callable[[Paths], AutoEnroller | None] | None = None,
        session_lock_factory: Callable[[], SessionLock | None] = default_lock_factory,
    ):
        self.paths = (paths or Paths.resolve()).ensure()
        self._instance = ProfileLock(self.paths.data_dir / "agent.lock")
        #: Made only once the profile is ours, so two agents never both enroll.
        self.enroller = enroller(self.paths) if enroller else None
        self.config = load_config(self.paths)
        self.outbox = Outbox(self.paths.outbox)  # queues a crashed run's open segment
        self.policies = PolicyStore(self.paths.policy_cache)
        self.consent = ConsentBook(self.paths.consent_file)
        self._lock = threading.RLock()
        self.gate = TrackingGate(self.consent, self.outbox, self.policies, clock, self._lock)
        self.uploader = Uploader(self.outbox, self._client(), self.policies, self.gate.consent_body)
        self.upload_requests = UploadRequests(self.paths)  # `backlight-agent upload`
        #: The work-item timer (the tray's "Start item"); sent with the batches.
        self.items = ItemTimer(self.outbox, self.policies, clock, self._live_segment, self._cut)
        self.probe_factory = probe_factory
        self.session_lock_factory = session_lock_factory
        self.session_lock: SessionLock | None = None
        self.input_factory = (
            default_input_factory() if input_factory == "default" else input_factory
        )
        self.clock = clock
        self.timezone = timezone
        self.probe: Probe | None = None
        self.tracker: Tracker | None = None
        self._limitations: tuple[str, ...] = ()
        self._listeners: list[Callable[[AgentState], None]] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._upload_asked = False
        self._threads: list[threading.Thread] = []
        self._config_seen = file_signature(self.paths.config_file)
        self._was_tracking: bool | None = None
        self.running = False

    # -- life cycle ------------------------------------------------------------
    def start(self) -> None:
        with self._lock:
            if self.running:
                return
            self._open_tracker()
            self.running = True
            self.outbox.set_meta("agent_pid", os.getpid())
            self.outbox.set_meta("limitations", json.dumps(self._limitations))
            self.gate.sync()
            for name, target in (("tracker", self._run_tracker), ("service", self._service)):
                t = threading.Thread(target=target, name=f"backlight-{name}", daemon=True)
                self._threads.append(t)
                t.start()
            if self.enroller is not None:
                self.enroller.start(self._stop)  # not joined on stop: it may be mid-request
        self._notify()

    def _open_tracker(self) -> None:
        limits: list[str] = []
        try:
            probe = self.probe_factory()
            probe.start()
            limits += list(probe.limitations())
        except Exception as e:  # no display, unsupported desktop, module missing
            log.error("no foreground probe: %s", e)
            self._limitations = (f"no foreground probe, nothing can be tracked: {e}",)
            return
        policy = self.policies.current
        self.probe = probe
        self.session_lock, problem = open_session_lock(self.session_lock_factory)
        limits += [problem] if problem else []
        self.tracker = Tracker(
            probe,
            self.outbox,
            policy.rules,
            idle_after_s=policy.idle_after_s,
            input_factory=self.input_factory,
            poll_s=self.config.effective_poll_s(),
            checkpoint_s=self.config.effective_checkpoint_s(),
            clock=self.clock,
            timezone=self.timezone,
            on_change=self._notify,
            session_lock=self.session_lock,
        )
        client = self.outbox.get_meta("client")
        if client and client in policy.client_keys():
            self.tracker.set_client(client)
        self.gate.attach(self.tracker)
        self._limitations = tuple(limits)

    def stop(self, reason: str = "", final_upload_timeout: float | None = None) -> None:
        """Close the open segment, write it, and (optionally) try one last upload."""
        with self._lock:
            if not self.running:
                self._release()
                return
            log.info("stopping%s", f": {reason}" if reason else "")
            self.running = False
            self._stop.set()
            self._wake.set()
        for t in self._threads:
            t.join(timeout=max(5.0, 3 * self.config.effective_poll_s()))
        busy = any(t.is_alive() for t in self._threads)  # an upload still in flight
        if final_upload_timeout and not busy:
            self.uploader.run(timeout_s=final_upload_timeout, refresh_policy=False)
        self.outbox.set_meta("agent_pid", None)
        if self.probe is not None:
            try:
                self.probe.close()
            except Exception:
                log.exception("closing the probe failed")
        if self.session_lock is not None:
            self.session_lock.close()
        self._release()

    def _live_segment(self):
        return self.tracker.open_segment() if self.tracker else None

    def _cut(self) -> None:
        if self.tracker is not None:
            self.tracker.cut()

    def _release(self) -> None:
        self.outbox.close()
        self._instance.release()

    def _run_tracker(self) -> None:
        if self.tracker is not None:
            self.tracker.run(self._stop)  # flushes the open segment when stopped

    def _service(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(min(WATCH_S, self.uploader.due_in()))
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self._service_once()
            except Exception:
                log.exception("service round failed")

    def _service_once(self) -> None:
        if self.gate.needs_sync():
            self.gate.sync()
            self.upload_now()
            self._notify()
        self._watch_config()
        request = self.upload_requests.new_request()
        if request is not None:  # the CLI waits for this answer
            asked = not self.uploader.waiting_for_collector()
            ok = self._upload_round(UPLOAD_TIMEOUT_S)
            body = {"request": request, **answer(self.uploader, self.outbox, ok, asked)}
            self.outbox.set_meta(ANSWER_META, json.dumps(body))
        elif self._upload_asked or self.uploader.due_in() <= 0:
            self._upload_round()

    def _upload_round(self, timeout_s: float | None = None) -> bool:
        self._upload_asked = False
        before = self.policies.current
        ok = self.uploader.run(timeout_s=timeout_s)
        if self.policies.current is not before:
            self._apply_policy()
        due = self.uploader.due_in()
        if due != float("inf"):  # for `status`: when this agent sends next
            at = datetime.now().astimezone() + timedelta(seconds=due)
            self.outbox.set_meta("next_upload_at", at.isoformat(timespec="seconds"))
        self._notify()
        return ok

    def _watch_config(self) -> None:
        seen = file_signature(self.paths.config_file)
        if seen != self._config_seen:
            self._config_seen = seen
            self.config = load_config(self.paths)
            self.uploader.client = self._client()  # re-enrolled: a new token
            self._upload_asked = True

    def _client(self) -> CollectorClient | None:
        c = self.config
        if not c.enrolled:
            return None
        return CollectorClient(c.collector_url, c.device_token, c.ca_bundle)

    def upload_now(self) -> None:
        """Ask the service thread for an upload round at once (tray: "send now")."""
        self._upload_asked = True
        self._wake.set()

    # -- state -----------------------------------------------------------------
    def add_listener(self, callback: Callable[[AgentState], None]) -> None:
        """Called with the new state after any change, from a background thread."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[AgentState], None]) -> None:
        self._listeners.remove(callback)

    def _notify(self) -> None:
        state = self.state()
        if state.tracking != self._was_tracking:
            self._was_tracking = state.tracking
            self.outbox.set_meta("tracking", int(state.tracking))
            if not state.paused:  # a pause that ran out: `status` must not still show it
                self.gate.forget_pause()
        for cb in list(self._listeners):
            try:
                cb(state)
            except Exception:
                log.exception("listener failed")

    def state(self) -> AgentState:
        policy = self.policies.current
        stats = self.outbox.stats()
        t = self.tracker
        problem = t.input_problem if t else None
        consent = self.consent.status(policy.consent_version)
        return AgentState(
            consent=consent,
            consent_version=policy.consent_version,
            # A new consent text is published before the gate stops the tracker; between
            # the two the state must not say "tracking" beside "outdated".
            tracking=bool(t and self.running and t.tracking and consent == "granted"),
            paused=bool(t and t.paused),
            paused_until=t.paused_until if t else None,
            current_category=t.current_category if t and self.running else None,
            current_client=t.client if t else self.outbox.get_meta("client"),
            queued_segments=stats.queued_segments,
            pending_batches=stats.pending_batches,
            quarantined_batches=len(stats.quarantined),
            quarantined=stats.quarantined,
            pending_consent=stats.pending_consent,
            pending_units=stats.pending_units,
            last_upload_at=stats.last_upload_at,
            last_error=stats.last_error,
            write_error=stats.write_error,
            offline=self.uploader.offline,
            enrolled=self.config.enrolled,
            unauthorised=self.uploader.unauthorised,
            running=self.running,
            probe=getattr(self.probe, "name", None),
            limitations=self._limitations + ((problem,) if problem else ()),
        )

    # -- consent, pause (agent.core.tracking_gate) ----------------------------------------
    def consent_text(self) -> ConsentText | None:
        return self.gate.consent_text()

    def grant_consent(self) -> None:
        self._decide("granted")

    def decline_consent(self) -> None:
        self._decide("declined")

    def withdraw_consent(self) -> None:
        """Stops tracking before returning; what was recorded before is still sent."""
        self._decide("withdrawn")

    def _decide(self, decision: str) -> None:
        self.gate.decide(decision)
        self.upload_now()
        self._notify()

    def pause(self, minutes: int | None) -> None:
        """Pause for ``minutes`` (15/30/60 in the tray), or until resumed (None)."""
        self.gate.pause(minutes)

    def resume(self) -> None:
        self.gate.resume()

    # -- policy, client --------------------------------------------------------
    def _apply_policy(self) -> None:
        policy = self.policies.current
        if self.tracker is not None:
            t = self.tracker
            if (t.rules.version, t.idle_after_s) != (policy.rules_version, policy.idle_after_s):
                t.set_rules(policy.rules, policy.idle_after_s)
            if t.client and t.client not in policy.client_keys():
                t.set_client(None)
        self.gate.apply_consent()  # a new consent version stops tracking until granted again

    def clients(self) -> tuple[ClientChoice, ...]:
        return self.policies.current.clients

    def set_client(self, key: str | None) -> None:
        """The client the employee works for now (BPO); rules naming a client win."""
        if key is not None and key not in self.policies.current.client_keys():
            raise ValueError(f"unknown client {key!r}")
        self.outbox.set_meta("client", key)
        if self.tracker is not None:
            self.tracker.set_client(key)
        self._notify()

    # -- my day, my work ---------------------------------------------------------
    def today(self) -> Today:
        now = self.clock()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        segs = [s for s, _sent in self.outbox.segments_since(midnight.timestamp())]
        current = self.tracker.open_segment() if self.tracker else None
        if current is not None:
            segs.append(current)
        stats = self.outbox.stats()
        return compute_today(
            segs,
            now,
            queued_segments=stats.queued_segments,
            last_sent_at=stats.last_upload_at,
            rule=self.policies.current.interruptions,
        )

    def log_work(
        self,
        function: str,
        units: int,
        corrections: int = 0,
        client: str | None = None,
        day: date | None = None,
    ) -> None:
        """Queue the employee's own completed work (checked: ``work_item``); it goes
        out with the next upload."""
        day = day or self.clock().date()
        item = work_item(
            function, units, corrections, client, day, self.policies.current.client_keys()
        )
        self.outbox.queue("units", [item])
        self.upload_now()

    def collector_summary(self, from_: date, to: date) -> dict | None:
        """The collector's own figures for this person; None when out of reach."""
        client = self.uploader.client
        if client is None:
            return None
        try:
            params = {"from": from_.isoformat(), "to": to.isoformat()}
            return client.my_summary(params, timeout=5)
        except (Unreachable, HttpError, ValueError):
            return None

    def retry_quarantined(self) -> int:
        n = self.outbox.requeue_quarantined()
        self.upload_now()
        return n
