"""Bodies of the marked changes and of the before/after comparison (issue 14)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, RootModel, StringConstraints, WithJsonSchema

from collector.api.models import DAY_PATTERN, Query, Response
from collector.service.before_after import DEFAULT_DAYS, MAX_DAYS
from collector.service.changes import NOTE_MAX, NOTE_PATTERN
from collector.service.unit_bodies import Name, Request


def _body_day(value: object) -> date:
    """The text YYYY-MM-DD of a real day, 1900-2199 (strict bodies take no other form)."""
    if not isinstance(value, str) or not re.fullmatch(DAY_PATTERN, value):
        raise ValueError("expected a day YYYY-MM-DD between 1900 and 2199")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a day of the calendar") from None


BodyDay = Annotated[
    date,
    BeforeValidator(_body_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]


class ChangeIn(Request):
    day: BodyDay = Field(
        description="The day the change took effect, YYYY-MM-DD; at most a year ahead"
    )
    note: Annotated[str, StringConstraints(max_length=NOTE_MAX, pattern=NOTE_PATTERN)] = Field(
        description="What changed: a new rule pack, a process change, a training (one line)"
    )
    teams: Annotated[list[Name], Field(min_length=1, max_length=100)] = Field(
        description="Names of the teams it concerns"
    )


class Change(Response):
    id: int
    day: date
    note: str
    teams: list[str] = Field(description="The teams it concerns that you may see")
    created_at: datetime
    created_by: str


class ChangeList(Response):
    changes: list[Change]


class BeforeAfterQuery(Query):
    change: int = Field(ge=1, le=2**53, description="The change's id (GET /changes)")
    days: int = Field(
        default=DEFAULT_DAYS,
        ge=7,
        le=MAX_DAYS,
        description="Days in each window; both are clipped to the data, equally",
    )


class Window(Response):
    from_: date = Field(alias="from")
    to: date
    people: int
    days: int = Field(description="Days in the window with enough people tracked to count")


class Comparison(Response):
    metric: Literal["interruptions_per_person_day", "focus_hours_per_person_day", "hours_per_unit"]
    function: str | None
    name: str
    before: float | None
    after: float | None
    difference: float | None = Field(
        description="after - before; lower is better, but for focus hours higher is"
    )
    low: float | None = Field(description="95% interval of the difference, low end")
    high: float | None
    verdict: Literal["improved", "worse", "no clear change"] | None = Field(
        description="null: under five days in a window, or no data on one side"
    )
    days_before: int
    days_after: int


class Focus(Response):
    available: bool = Field(description="false: no active segments kept for a window")
    note: str


class DailyPoint(Response):
    day: date
    window: Literal["before", "after"]
    people: int
    interruptions_per_person: float
    focus_hours_per_person: float
    hours: float = Field(description="Hours on work functions")
    units: float


class BeforeAfter(Response):
    change: Change
    days: int
    window_days: int = Field(description="Days each window covers after clipping to the data")
    before: Window | None = None
    after: Window | None = None
    interval: str
    figures: list[Comparison]
    focus: Focus
    daily: list[DailyPoint]
    note: str | None


class SuppressedBeforeAfter(Response):
    change: Change
    days: int
    suppressed: Literal[True]
    reason: str


class BeforeAfterReport(RootModel[BeforeAfter | SuppressedBeforeAfter]):
    """The comparison, or suppressed when a window has fewer people than the minimum group."""
