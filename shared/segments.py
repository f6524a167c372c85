"""Turn window samples into segments: spans of one (category, client, app, state).

The agent feeds it real samples once a second; the collector's demo feeds it
simulated ones. Both therefore produce segments the same way, so the demo
exercises the real path.

Titles go into ``add`` and stop here: a ``Segment`` has no field for them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.rules import RuleSet


@dataclass(frozen=True)
class Sample:
    """One look at the foreground, with input counted since the previous look."""

    at: datetime  # aware
    app: str
    title: str
    idle_s: float  # seconds since the last key or mouse event
    keys: int = 0
    clicks: int = 0


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    category: str
    client: str | None
    app: str
    state: str  # "active" | "idle"
    keys: int = 0
    clicks: int = 0

    @property
    def key(self) -> tuple[str, str | None, str, str]:
        return (self.category, self.client, self.app, self.state)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def to_payload(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "category": self.category,
            "client": self.client,
            "app": self.app,
            "state": self.state,
            "keys": self.keys,
            "clicks": self.clicks,
        }


class SegmentBuilder:
    """Merge consecutive samples with the same key into one open segment.

    A segment closes on a change of key, at the time of the sample that
    changed it, so segments from one builder are contiguous. A pause in
    sampling longer than ``max_gap_s`` (a locked screen, a suspended laptop,
    a paused agent) closes the open segment at the last sample: that time is
    not counted. Going idle is backdated to the last input, so the minutes
    spent waiting for the idle threshold are not counted as active. A clock
    set back does not count time twice: samples before the end of the last
    closed segment are dropped, so segments never overlap.
    """

    def __init__(
        self,
        rules: RuleSet,
        idle_after_s: float = 300,
        max_gap_s: float = 5,
        default_client: str | None = None,
    ):
        self.rules = rules
        self.idle_after_s = idle_after_s
        self.max_gap_s = max_gap_s
        self.default_client = default_client
        self._open: Segment | None = None
        self._last_at: datetime | None = None
        self._floor: datetime | None = None  # end of the last closed segment

    def add(self, sample: Sample) -> list[Segment]:
        """Take one sample; return the segments it closed (oldest first)."""
        closed: list[Segment] = []
        if self._last_at is not None and (
            (sample.at - self._last_at).total_seconds() > self.max_gap_s
            or sample.at < self._last_at
        ):
            closed += self.close()
        if self._floor is not None and sample.at < self._floor:
            return closed

        match = self.rules.match(sample.app, sample.title)
        idle = sample.idle_s >= self.idle_after_s and not match.passive_active
        client = match.client or self.default_client
        key = (match.category, client, sample.app, "idle" if idle else "active")

        opened = self._open
        if opened is not None and opened.key != key:
            cut = sample.at
            if idle and opened.state == "active":
                # The person stopped at their last input, not when we noticed.
                cut = max(opened.start, sample.at - timedelta(seconds=sample.idle_s))
            if cut > opened.start:
                closed.append(replace(opened, end=cut))
                self._floor = cut
            start = cut
            self._open = Segment(start, sample.at, *key, 0, 0)
        elif opened is None:
            self._open = Segment(sample.at, sample.at, *key, 0, 0)

        assert self._open is not None
        self._open = replace(
            self._open,
            end=max(self._open.end, sample.at),
            keys=self._open.keys + sample.keys,
            clicks=self._open.clicks + sample.clicks,
        )
        self._last_at = sample.at
        return closed

    def open_segment(self) -> Segment | None:
        """The segment in progress up to the last sample, for checkpoints."""
        if self._open is None or self._open.end <= self._open.start:
            return None
        return self._open

    def close(self, at: datetime | None = None) -> list[Segment]:
        """End the open segment (at ``at`` or the last sample) and return it."""
        seg, self._open, self._last_at = self._open, None, None
        if seg is None:
            return []
        end = (
            seg.end
            if at is None
            else max(seg.start, min(at, seg.end + timedelta(seconds=self.max_gap_s)))
        )
        if end <= seg.start:
            return []
        self._floor = end
        return [replace(seg, end=end)]
