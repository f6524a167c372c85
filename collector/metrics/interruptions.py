"""Interruptions and task switches from a person's segments (docs/design.md §4).

An interruption: on a work function F for at least ``min_focus_s``, then on
communication, meetings or non-work for at most ``max_away_s``, then back on
F. A change from one work function straight to another is a task switch,
counted apart. Its cost is the time away plus the seed's 10-15 minutes of
recovery, given as a low-high range.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.catalogue import AWAY_CATEGORIES, FUNCTION_IDS

_WORK = frozenset(FUNCTION_IDS)


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime
    category: str
    state: str = "active"


@dataclass(frozen=True)
class Interruption:
    start: datetime
    away_s: float
    function: str


@dataclass
class Detection:
    interruptions: list[Interruption] = field(default_factory=list)
    task_switches: list[datetime] = field(default_factory=list)


@dataclass(frozen=True)
class DayCounts:
    count: int
    away_s: float
    task_switches: int


@dataclass
class _Run:
    category: str
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def _runs(spans: Iterable[Span], max_gap_s: float) -> list[list[_Run]]:
    """Active time as runs of one category, cut into stretches at long gaps.

    Idle time and gaps (a locked screen, a suspended laptop) are not time at
    the computer; a gap longer than ``max_gap_s`` ends a stretch, so lunch
    never joins the morning's work to the afternoon's.
    """
    stretches: list[list[_Run]] = []
    current: list[_Run] = []
    for s in sorted((s for s in spans if s.state == "active"), key=lambda s: s.start):
        if current and (s.start - current[-1].end).total_seconds() > max_gap_s:
            stretches.append(current)
            current = []
        if current and current[-1].category == s.category:
            current[-1].end = max(current[-1].end, s.end)
        else:
            current.append(_Run(s.category, s.start, s.end))
    if current:
        stretches.append(current)
    return stretches


def detect(
    spans: Iterable[Span],
    *,
    min_focus_s: float = 120,
    max_away_s: float = 900,
    max_gap_s: float = 60,
) -> Detection:
    found = Detection()
    for runs in _runs(spans, max_gap_s):
        last_work: str | None = None
        for i, run in enumerate(runs):
            if run.category in _WORK:
                if last_work is not None and last_work != run.category:
                    found.task_switches.append(run.start)
                last_work = run.category
                continue
            if run.category not in AWAY_CATEGORIES:
                last_work = None  # other work or uncategorised breaks the thread
                continue
            if i == 0:
                continue
            before = runs[i - 1]
            if before.category not in _WORK or before.seconds < min_focus_s:
                continue
            # The away part may span several away categories (a chat, then a call).
            j = i
            while j < len(runs) and runs[j].category in AWAY_CATEGORIES:
                j += 1
            if j == len(runs) or runs[j].category != before.category:
                continue
            away = (runs[j].start - run.start).total_seconds()
            if away <= max_away_s:
                found.interruptions.append(Interruption(run.start, away, before.category))
    return found


def per_day(found: Detection) -> dict[date, DayCounts]:
    """Counts by the local day each interruption or switch began on."""
    count: dict[date, int] = defaultdict(int)
    away: dict[date, float] = defaultdict(float)
    switches: dict[date, int] = defaultdict(int)
    for it in found.interruptions:
        count[it.start.date()] += 1
        away[it.start.date()] += it.away_s
    for at in found.task_switches:
        switches[at.date()] += 1
    return {
        d: DayCounts(count.get(d, 0), away.get(d, 0.0), switches.get(d, 0))
        for d in sorted(set(count) | set(switches))
    }


def interruption_cost(
    count: int,
    away_s: float,
    tracked_s: float,
    *,
    recovery_min_s: float = 600,
    recovery_max_s: float = 900,
    hourly_rate: float = 25,
) -> dict[str, float | None]:
    """Minutes lost (time away + recovery), share of tracked time, money.

    Seed 001: 8 interruptions a day cost 80-120 minutes of recovery.
    """
    away_min = away_s / 60
    rec_low = count * recovery_min_s / 60
    rec_high = count * recovery_max_s / 60
    lost_low = away_min + rec_low
    lost_high = away_min + rec_high
    tracked_min = tracked_s / 60
    return {
        "count": count,
        "away_minutes": away_min,
        "recovery_minutes_low": rec_low,
        "recovery_minutes_high": rec_high,
        "lost_minutes_low": lost_low,
        "lost_minutes_high": lost_high,
        "share_of_tracked_low": min(lost_low / tracked_min, 1.0) if tracked_min else None,
        "share_of_tracked_high": min(lost_high / tracked_min, 1.0) if tracked_min else None,
        "cost_low": lost_low / 60 * hourly_rate,
        "cost_high": lost_high / 60 * hourly_rate,
    }
