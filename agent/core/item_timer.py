"""The tray's work-item timer (issue 12; docs/design.md §3, ``work_items``).

The employee starts an item of one of the organisation's work types (from the
policy), with its reference as typed or pasted; pauses, resumes, and stops it
as completed or not completed. One item at a time. Its state lives in the
outbox file (``agent.outbox.timed_items``), so it survives a restart or a kill.

**Net time** is the recorded *active* time inside the item's running spans:
the overlap of the spans with the segments whose state is ``active``. So a
pause, idle time (no input for ``idle_after_s``), a locked screen, a tracking
pause and the time the agent was not running all count for nothing, by the
same measure the rest of Backlight uses. A span's figure is fixed when it
closes, so purged segments never change an item's time afterwards.

**The reference never leaves the workstation.** The wire carries
``ref = hex(HMAC-SHA256(key=work_item_salt, msg=reference))``, both as UTF-8,
after stripping surrounding whitespace (a paste often brings a newline). The
salt is the organisation's, from ``GET /policy``; the collector hashes the
``id`` of items imported from the workflow system the same way, so timed
items join them. Until a policy carries the salt, finished items wait here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from agent.core.policy import PolicyStore, WorkType
from agent.outbox import Outbox
from agent.outbox.timed_items import ItemSpan, TimedRow
from shared.segments import Segment
from shared.work_item_ref import hash_reference

OUTCOMES = ("completed", "not_completed")
MAX_REFERENCE = 200


def reference_hash(salt: str, reference: str) -> str:
    """What the wire carries instead of the reference: ``shared.work_item_ref``'s
    hash, the one the collector applies to imported ids, of the checked reference."""
    return hash_reference(salt, clean_reference(reference))


def clean_reference(text: str) -> str:
    """The reference as the employee meant it; ValueError (in plain words) when unusable."""
    ref = text.strip()
    if not ref:
        raise ValueError("type or paste the item's reference")
    if len(ref) > MAX_REFERENCE:
        raise ValueError(f"a reference has at most {MAX_REFERENCE} characters")
    if any(ord(ch) < 32 for ch in ref):
        raise ValueError("the reference has a line break or a control character in it")
    return ref


def active_overlap(start_ts: float, end_ts: float, segments: Iterable[Segment]) -> float:
    """Seconds of active segments inside [start_ts, end_ts]; segments never overlap."""
    total = 0.0
    for s in segments:
        if s.state != "active":
            continue
        lo, hi = max(start_ts, s.start.timestamp()), min(end_ts, s.end.timestamp())
        if hi > lo:
            total += hi - lo
    return total


def net_seconds(spans: Iterable[ItemSpan], now_ts: float, segments: list[Segment]) -> float:
    """Closed spans count what they counted when they closed; an open one counts now."""
    total = 0.0
    for span in spans:
        if span.end_ts is not None:
            total += span.active_s or 0.0
        else:
            total += active_overlap(span.start_ts, now_ts, segments)
    return total


@dataclass(frozen=True)
class TimedItem:
    """One item as the tray shows it (the reference in clear: it is the employee's)."""

    id: int
    type: str
    type_name: str
    reference: str
    started: datetime
    ended: datetime | None
    state: str  # running | paused | completed | not_completed
    net_s: float
    sent: bool


class ItemTimer:
    """Start, pause, resume, stop; thread-safe through the outbox's transactions."""

    def __init__(
        self,
        outbox: Outbox,
        policies: PolicyStore,
        clock: Callable[[], datetime],
        live_segment: Callable[[], Segment | None],
        cut: Callable[[], None] = lambda: None,
    ):
        self.outbox = outbox
        self.policies = policies
        self.clock = clock
        self.live_segment = live_segment
        #: Closes the open segment at a pause and a stop, so the span ends exactly
        #: where a segment does and the item goes out with the next batch. (Not at
        #: a start or resume: a new segment begins only at the next sample, and
        #: the open one already covers that moment.)
        self.cut = cut

    # -- what the employee does ---------------------------------------------------
    def work_types(self) -> tuple[WorkType, ...]:
        return self.policies.current.work_types

    def start(self, type_key: str, reference: str) -> TimedItem:
        """ValueError when the type is unknown, the reference unusable or an item is open."""
        known = {t.key for t in self.work_types()}
        if not known:
            raise ValueError("your organisation has not set up work types yet")
        if type_key not in known:
            raise ValueError(f"unknown work type {type_key!r}")
        ref = clean_reference(reference)
        now = self.clock()
        self.outbox.start_item(type_key, ref, now.isoformat(), now.timestamp())
        return self._require_open()

    def pause(self) -> TimedItem:
        row = self._open_row()
        if row.running:
            self.cut()
            now_ts = self.clock().timestamp()
            span = next(s for s in row.spans if s.end_ts is None)
            self.outbox.pause_item(row.id, now_ts, self._span_now(span, now_ts))
        return self._require_open()

    def resume(self) -> TimedItem:
        row = self._open_row()
        if not row.running:
            self.outbox.resume_item(row.id, self.clock().timestamp())
        return self._require_open()

    def stop(self, outcome: str) -> TimedItem:
        """Finished: its net time is fixed and it goes out with the next batch."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        row = self._open_row()
        self.cut()
        now = self.clock()
        now_ts = now.timestamp()
        span = next((s for s in row.spans if s.end_ts is None), None)
        last = self._span_now(span, now_ts) if span else 0.0
        salt = self.policies.current.work_item_salt
        ref_hash = reference_hash(salt, row.ref) if salt else None
        self.outbox.stop_item(row.id, now.isoformat(), now_ts, outcome, last, ref_hash)
        return next(i for i in self.today() if i.id == row.id)

    # -- what the tray shows ---------------------------------------------------------
    def current(self) -> TimedItem | None:
        row = self.outbox.open_item()
        return self._view(row) if row else None

    def today(self) -> list[TimedItem]:
        """Today's finished items, oldest first, then the open one (if any)."""
        now = self.clock()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        items = [self._view(r) for r in self.outbox.timed_items_since(midnight.timestamp())]
        open_item = self.current()
        return items + ([open_item] if open_item else [])

    def seal(self) -> int:
        """Hash what finished before the salt was known (the uploader calls this)."""
        salt = self.policies.current.work_item_salt
        return self.outbox.seal_items(lambda ref: reference_hash(salt, ref)) if salt else 0

    # -- inside ------------------------------------------------------------------------
    def _open_row(self) -> TimedRow:
        row = self.outbox.open_item()
        if row is None:
            raise ValueError("no item is being timed")
        return row

    def _require_open(self) -> TimedItem:
        return self._view(self._open_row())

    def _segments_since(self, ts: float) -> list[Segment]:
        segs = [s for s, _sent in self.outbox.segments_since(ts)]
        live = self.live_segment()
        return segs + ([live] if live is not None else [])

    def _span_now(self, span: ItemSpan, now_ts: float) -> float:
        return active_overlap(span.start_ts, now_ts, self._segments_since(span.start_ts))

    def _view(self, row: TimedRow) -> TimedItem:
        names = {t.key: t.name for t in self.work_types()}
        if row.ended is not None:
            net, state = row.active_s or 0.0, row.outcome or "completed"
        else:
            now_ts = self.clock().timestamp()
            first = min((s.start_ts for s in row.spans if s.end_ts is None), default=now_ts)
            net = net_seconds(row.spans, now_ts, self._segments_since(first))
            state = "running" if row.running else "paused"
        return TimedItem(
            id=row.id,
            type=row.type,
            type_name=names.get(row.type, row.type),
            reference=row.ref,
            started=datetime.fromisoformat(row.started),
            ended=datetime.fromisoformat(row.ended) if row.ended else None,
            state=state,
            net_s=net,
            sent=row.sent,
        )
