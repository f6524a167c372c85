"""Focus time per day for a group (issue 14): each person-day's focus sessions
(shared/focus.py, the tray's own definition) from its active segments, summed
per day. The caller divides by the people tracked that day and applies the
minimum group rule; a day's sum never names anyone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from shared.focus import focus_seconds, focus_sessions


def focus_by_day(spans: Iterable[tuple[int, str, float, float, str]]) -> dict[str, float]:
    """{day: focus seconds of everyone that day} from (person, day, start, end,
    category) spans in epoch seconds; a session never crosses a person-day."""
    by_person_day: dict[tuple[int, str], list] = defaultdict(list)
    for person, day, start, end, category in spans:
        by_person_day[(person, day)].append(
            (datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC), category)
        )
    out: dict[str, float] = defaultdict(float)
    for (_person, day), active in by_person_day.items():
        out[day] += focus_seconds(focus_sessions(active))
    return dict(out)
