"""The loop that empties the outbox into the collector (through ``collector_client``).

What is sent, in order: consent decisions (the collector refuses summaries
from a device it has no grant for), summary batches oldest first (with the
items timed in the tray, their references hashed: ``agent.core.item_timer``),
then logged work. The one exception to "consent first": a withdrawal waits until
the segments recorded before it have gone, because those were consented to
and the collector would refuse them once it knows of the withdrawal.

How failures are treated:

* network error, timeout, 5xx, 408, 429: the collector may come back; stop
  this round and retry with exponential backoff and jitter (5 s .. 15 min).
  A ``Retry-After`` (429 rate limit, 503) is a floor on that wait: nothing
  is sent before it, not even by ``backlight-agent upload``, and it is kept
  in the outbox (``retry_not_before``) so a restart waits it out too.
* 401: the device token is wrong or revoked. Retrying cannot help, so stop
  until the device is enrolled again (a new token clears it).
* 403 ``consent_required``: the collector missed our grant; send it again.
* any other 4xx: this item is wrong and will stay wrong; quarantine it
  (kept with the status and error body, shown in status) and go on.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError

from agent.core.collector_client import CollectorClient, HttpError, Unreachable
from agent.core.item_timer import reference_hash
from agent.core.policy import PolicyStore
from agent.outbox import Outbox
from shared.payload import TimedBatch

log = logging.getLogger(__name__)

BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 900.0
#: The outbox note holding the collector's "not before" (ISO time), for restarts and status.
RETRY_NOT_BEFORE = "retry_not_before"


@dataclass
class Sent:
    """What one round delivered (``backlight-agent upload`` prints it)."""

    segments: int = 0
    batches: int = 0
    consent: int = 0
    units: int = 0


class Uploader:
    """Empties the outbox into the collector; one round at a time, from any thread."""

    def __init__(
        self,
        outbox: Outbox,
        client: CollectorClient | None,
        policy: PolicyStore,
        local_consent: Callable[[], dict | None],
        *,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ):
        self.outbox = outbox
        self.policy = policy
        self.local_consent = local_consent
        self.clock = clock
        self.jitter = jitter
        self.failures = 0
        self.last_round: float | None = None
        self.retry_at: float | None = None
        self.offline = False
        self.sent = Sent()
        #: The collector's "not before" (429/503 with Retry-After), wall time.
        self.rate_limited_until: datetime | None = None
        self._hold_until: float | None = None  # the same, on ``clock``
        self._lock = threading.Lock()
        self.client = client

    @property
    def client(self) -> CollectorClient | None:
        return self._client

    @client.setter
    def client(self, client: CollectorClient | None) -> None:
        """A new client (re-enrollment) clears "unauthorised" if its token differs."""
        self._client = client
        self.failures, self.retry_at = 0, None
        marked = self.outbox.get_meta("unauthorised")
        self.unauthorised = client is not None and marked == client.fingerprint
        self._load_not_before()

    def _load_not_before(self) -> None:
        """A wait the collector asked for before a restart still holds."""
        until = _parse_time(self.outbox.get_meta(RETRY_NOT_BEFORE))
        left = (until - _wall_now()).total_seconds() if until else 0.0
        if until is None or left <= 0:
            self.rate_limited_until, self._hold_until = None, None
            return
        self.rate_limited_until = until
        self._hold_until = self.retry_at = self.clock() + left

    def waiting_for_collector(self) -> bool:
        """True while the collector's Retry-After has not run out."""
        return self._hold_until is not None and self.clock() < self._hold_until

    def due_in(self) -> float:
        """Seconds until the next round should run (0: now)."""
        if self._client is None or self.unauthorised:
            return float("inf")  # nothing to do until enrolled (again)
        now = self.clock()
        if self.retry_at is not None:
            return max(0.0, self.retry_at - now)
        if self.last_round is None:
            return 0.0
        return max(0.0, self.last_round + self.policy.current.upload_interval_s - now)

    def run(self, timeout_s: float | None = None, refresh_policy: bool = True) -> bool:
        """One round: policy, consent, batches, units. True when all went through.

        ``timeout_s`` bounds the whole round (the last upload on shutdown).
        Returns False (and schedules a retry) when the collector is out of reach.
        """
        if self._client is None or self.unauthorised:
            return False
        with self._lock:
            self.sent = Sent()
            if self.waiting_for_collector():  # asked to wait: not even a policy check
                return False
            deadline = None if timeout_s is None else self.clock() + timeout_s
            self.last_round = self.clock()
            try:
                if refresh_policy:
                    self._refresh_policy(deadline)
                done = self._drain(deadline)
            except Unreachable as e:
                self._failed(str(e))
                return False
            except HttpError as e:
                if e.status == 401:
                    self.unauthorised = True
                    self.outbox.set_meta("unauthorised", self._client.fingerprint)
                    self.outbox.set_meta("last_error", "the collector refused the device token")
                else:
                    self._failed(str(e), e.retry_after)
                return False
            self.failures, self.retry_at, self.offline = 0, None, False
            if self.rate_limited_until is not None:
                self.rate_limited_until, self._hold_until = None, None
                self.outbox.set_meta(RETRY_NOT_BEFORE, None)
            return done

    def _failed(self, error: str, wait_s: float | None = None) -> None:
        self.failures += 1
        self.offline = True
        delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (self.failures - 1))
        delay *= 0.5 + 0.5 * self.jitter()
        if wait_s is not None:  # the collector said how long: at least that
            delay = max(delay, wait_s)
            self.rate_limited_until = _wall_now() + timedelta(seconds=wait_s)
            self._hold_until = self.clock() + wait_s
            self.outbox.set_meta(RETRY_NOT_BEFORE, self.rate_limited_until.isoformat())
            error = f"{error} (the collector asked to wait {wait_s:.0f} s)"
        self.retry_at = self.clock() + delay
        self.outbox.set_meta("last_error", error)
        log.info("collector unreachable (%s); retry in %.0f s", error, delay)

    def _remaining(self, deadline: float | None) -> float | None:
        if deadline is None:
            return None
        left = deadline - self.clock()
        if left <= 0:
            raise Unreachable("out of time for this round")
        return left

    def _refresh_policy(self, deadline: float | None) -> None:
        try:
            self.policy.refresh(self._client, timeout=self._remaining(deadline))
        except ValueError as e:  # a policy we cannot use: keep the one we have
            log.warning("keeping the current policy: %s", e)

    def _drain(self, deadline: float | None) -> bool:
        resent_consent = False
        salt = self.policy.current.work_item_salt
        if salt:  # timed items that finished before the salt was known
            self.outbox.seal_items(lambda ref: reference_hash(salt, ref))
        while True:
            timeout = self._remaining(deadline)
            pending = self.outbox.pending("consent", limit=1)
            entry = pending[0] if pending else None
            holds_back = entry is not None and entry.body["decision"] != "granted"
            if entry and not (holds_back and self.outbox.has_unsent_upto(entry.upto_segment)):
                self._post_queued(
                    "consent", self._client.send_consent, [entry], entry.body, timeout
                )
                continue
            batch = self.outbox.next_batch(upto=entry.upto_segment if entry else None)
            if batch is None:
                if entry:  # nothing recorded before it is left to send
                    self._post_queued(
                        "consent", self._client.send_consent, [entry], entry.body, timeout
                    )
                    continue
                break
            payload = batch.payload(datetime.now().astimezone())
            try:
                TimedBatch.model_validate_json(json.dumps(payload))
            except ValidationError as e:
                self.outbox.quarantine(batch.batch_id, None, f"refused locally: {e}")
                continue
            stats = self.outbox.stats()
            queue = (stats.queued_segments, len(stats.quarantined))
            try:
                self._client.send_summaries(payload, queue, timeout=timeout)
            except HttpError as e:
                if e.status == 401 or e.retryable:
                    self.outbox.batch_failed(batch.batch_id, str(e))
                    raise
                if e.status == 403 and e.code == "consent_required" and not resent_consent:
                    resent_consent = self._resend_consent()
                    if resent_consent:
                        continue
                self.outbox.quarantine(batch.batch_id, e.status, e.body)
                continue
            except Unreachable as e:
                self.outbox.batch_failed(batch.batch_id, str(e))
                raise
            self.outbox.batch_sent(batch.batch_id)
            self.sent.segments += len(batch.segments)
            self.sent.batches += 1
        while units := self.outbox.pending("units", limit=100):
            self._post_queued(
                "units",
                self._client.send_units,
                units,
                {"items": [u.body for u in units]},
                self._remaining(deadline),
            )
        return True

    def _post_queued(
        self,
        kind: str,
        send: Callable[..., None],
        entries: list,
        body: dict,
        timeout: float | None,
    ) -> None:
        ids = [e.id for e in entries]
        try:
            send(body, timeout=timeout)
        except HttpError as e:
            if e.status == 401 or e.retryable:
                raise
            self.outbox.done(kind, ids, e.status, e.body)
            return
        self.outbox.done(kind, ids)
        if kind == "consent":
            self.sent.consent += len(ids)
        else:
            self.sent.units += len(ids)

    def _resend_consent(self) -> bool:
        """Queue our grant again; False when we hold no grant (then the batch is refused)."""
        state = self.local_consent()
        if not state or state.get("decision") != "granted":
            return False
        self.outbox.queue("consent", [state])
        return True


def _wall_now() -> datetime:
    return datetime.now().astimezone()


def _parse_time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
