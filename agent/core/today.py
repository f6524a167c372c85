"""The employee's own day, from what this workstation recorded.

Computed from the outbox (today's segments, sent or not, are kept locally)
plus the segment still open, so "my day" survives restarts and needs no
network. The collector's figures (``GET /me/summary``) are authoritative;
these are the workstation's view, for the tray.

Interruptions use a simple local rule after docs/design.md §4: focus of at least
``min_focus_s`` on one work function, then communication, meetings or
non-work for at most ``max_away_s``, then back to the same function. Gaps in
recording (a locked screen) longer than ``max_gap_s`` break a sequence. The
thresholds and the recovery range are the organisation's, from the policy, so
the tray and the manager's report count and cost interruptions alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from shared.catalogue import AWAY_CATEGORIES, FUNCTION_IDS
from shared.focus import focus_seconds, focus_sessions
from shared.segments import Segment

MAX_GAP_S = 60.0
_WORK = frozenset(FUNCTION_IDS)


@dataclass(frozen=True)
class InterruptionRule:
    """The organisation's interruption settings (``interruptions.*``); these
    defaults are the collector's, for an agent whose policy predates them."""

    min_focus_s: float = 120.0
    max_away_s: float = 900.0
    recovery_min_s: float = 600.0
    recovery_max_s: float = 900.0


@dataclass(frozen=True)
class Today:
    day: date
    categories: tuple[tuple[str, float], ...]  # (category, active seconds), largest first
    active_s: float
    idle_s: float
    interruptions: int
    away_s: float  # time away in those interruptions
    longest_focus_s: float
    longest_focus_category: str | None
    queued_segments: int
    last_sent_at: str | None
    rule: InterruptionRule = InterruptionRule()
    #: Focus sessions (shared.focus: 15 min or more, 75% on one function).
    focus_s: float = 0.0
    focus_sessions: int = 0

    @property
    def lost_minutes(self) -> tuple[float, float]:
        """Away time plus the organisation's recovery range per interruption."""
        r = self.rule
        low = self.away_s + self.interruptions * r.recovery_min_s
        high = self.away_s + self.interruptions * r.recovery_max_s
        return low / 60, high / 60


@dataclass
class _Run:
    start: datetime
    end: datetime
    category: str
    state: str

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def compute_today(
    segments: Iterable[Segment],
    now: datetime,
    *,
    queued_segments: int = 0,
    last_sent_at: str | None = None,
    rule: InterruptionRule = InterruptionRule(),
) -> Today:
    """Totals for ``now``'s local day; segments outside it are clipped away."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    clipped = []
    for s in sorted(segments, key=lambda s: s.start):
        start, end = max(s.start, midnight), min(s.end, now)
        if end > start:
            clipped.append((start, end, s.category, s.state))

    per_category: dict[str, float] = {}
    idle = 0.0
    for start, end, category, state in clipped:
        secs = (end - start).total_seconds()
        if state == "active":
            per_category[category] = per_category.get(category, 0.0) + secs
        else:
            idle += secs

    runs = _runs(clipped)
    focus = [r for r in runs if r.state == "active" and r.category in _WORK]
    longest = max(focus, key=lambda r: r.seconds, default=None)
    count, away = _interruptions(runs, rule)
    sessions = focus_sessions((a, b, c) for a, b, c, state in clipped if state == "active")
    return Today(
        day=now.date(),
        categories=tuple(sorted(per_category.items(), key=lambda kv: (-kv[1], kv[0]))),
        active_s=sum(per_category.values()),
        idle_s=idle,
        interruptions=count,
        away_s=away,
        longest_focus_s=longest.seconds if longest else 0.0,
        longest_focus_category=longest.category if longest else None,
        queued_segments=queued_segments,
        last_sent_at=last_sent_at,
        rule=rule,
        focus_s=focus_seconds(sessions),
        focus_sessions=len(sessions),
    )


def _runs(clipped: list[tuple[datetime, datetime, str, str]]) -> list[_Run]:
    """Adjacent segments of one category and state, whatever the app, are one run."""
    runs: list[_Run] = []
    for start, end, category, state in clipped:
        last = runs[-1] if runs else None
        if (
            last is not None
            and (last.category, last.state) == (category, state)
            and (start - last.end).total_seconds() <= MAX_GAP_S
        ):
            last.end = max(last.end, end)
        else:
            runs.append(_Run(start, end, category, state))
    return runs


def _interruptions(runs: list[_Run], rule: InterruptionRule) -> tuple[int, float]:
    count, away_total = 0, 0.0
    for i, run in enumerate(runs):
        if run.state != "active" or run.category not in _WORK or run.seconds < rule.min_focus_s:
            continue
        j, away, prev = i + 1, 0.0, run
        while (
            j < len(runs)
            and runs[j].category in AWAY_CATEGORIES
            and (runs[j].start - prev.end).total_seconds() <= MAX_GAP_S
        ):
            away += runs[j].seconds
            prev = runs[j]
            j += 1
        if (
            j > i + 1
            and away <= rule.max_away_s
            and j < len(runs)
            and runs[j].category == run.category
            and runs[j].state == "active"
            and (runs[j].start - prev.end).total_seconds() <= MAX_GAP_S
        ):
            count += 1
            away_total += away
    return count, away_total
