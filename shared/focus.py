"""Focus sessions: stretches of sustained work on one back-office function.

A focus session (issue 14) is at least ``min_s`` (15 minutes) long with at
least ``share`` (75%) of it on one work function, and it ends at the last
moment on that function before more than ``max_away_s`` (4 minutes) away
from it. Away is anything that is not active time on the function: another
function, a chat, idle time, a gap in recording. A short look elsewhere
(an e-mail, a colleague's question) stays inside the session; it only has
to leave the function's share at 75% or more.

Shared because the tray shows the employee their own focus from their own
segments and the collector counts the same sessions for teams: one
definition, two places, the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.catalogue import FUNCTION_IDS

MIN_SESSION_S = 15 * 60.0
MIN_SHARE = 0.75
MAX_AWAY_S = 4 * 60.0
_WORK = frozenset(FUNCTION_IDS)


@dataclass(frozen=True)
class FocusSession:
    function: str
    start: datetime
    end: datetime
    on_function_s: float

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class _Open:
    function: str
    start: datetime
    last_end: datetime
    on_s: float


def focus_sessions(
    active: Iterable[tuple[datetime, datetime, str]],
    *,
    min_s: float = MIN_SESSION_S,
    share: float = MIN_SHARE,
    max_away_s: float = MAX_AWAY_S,
) -> list[FocusSession]:
    """The focus sessions in (start, end, category) spans of active time.

    Idle segments are left out by the caller: idle is time away."""
    sessions: list[FocusSession] = []
    current: _Open | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            length = (current.last_end - current.start).total_seconds()
            if length >= min_s and current.on_s >= share * length:
                sessions.append(
                    FocusSession(current.function, current.start, current.last_end, current.on_s)
                )
        current = None

    run: _Open | None = None  # the latest run of one category, whatever it is
    for start, end, category in sorted(active, key=lambda s: s[0]):
        if end <= start:
            continue
        if (
            run is not None
            and run.function == category
            and (start - run.last_end).total_seconds() <= max_away_s
        ):
            run.on_s += (end - max(start, run.last_end)).total_seconds()
            run.last_end = max(run.last_end, end)
        else:
            run = _Open(category, start, end, (end - start).total_seconds())
        if current is not None:
            away_until = start if category == current.function else end
            if (away_until - current.last_end).total_seconds() > max_away_s:
                close()
        if current is not None and category == current.function:
            current.on_s += (end - max(start, current.last_end)).total_seconds()
            current.last_end = max(current.last_end, end)
        elif current is None and category in _WORK:
            # A session on a new function begins where its run began, even
            # if that was while the previous session still had a chance.
            current = _Open(category, run.start, run.last_end, run.on_s)
    close()
    return sessions


def focus_seconds(sessions: Iterable[FocusSession]) -> float:
    return sum(s.seconds for s in sessions)
