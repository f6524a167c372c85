"""The wire payloads both sides agree on (docs/design.md §3), as pydantic models.

The agent builds these, the collector validates them, and the collector's
OpenAPI document is generated from them: one definition, three uses.
Every model refuses unknown fields, so a window title can never be smuggled
into storage under a new name.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from shared.catalogue import CATEGORY_IDS

MAX_SEGMENTS_PER_BATCH = 500

Category = Literal[CATEGORY_IDS]  # type: ignore[valid-type]
ClientKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$"),
    Field(description="A client's key, as rules and the clients API name it."),
]
AppName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f]+$"),
    Field(description="Process name of the foreground app (never a window title)."),
]
BatchId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


def whole_number(value: object) -> object:
    """JSON has one number type: 3.0 is the integer 3 (as JSON Schema reads it)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Count = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(whole_number)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Segment(Strict):
    """A span of foreground time with one (category, client, app, state).

    That it ends after it starts, within 24 hours, is checked by the batch in
    the same pass as ordering: one Python loop per batch instead of one
    validator call per segment, which cost more than parsing the JSON."""

    start: AwareDatetime
    end: AwareDatetime
    category: Category
    client: ClientKey | None = None
    app: AppName
    state: Literal["active", "idle"]
    keys: Count = 0
    clicks: Count = 0


MAX_SEGMENT_SPAN_S = 24 * 3600


def _check_timezone(name: str) -> str:
    if name not in _timezones():
        raise ValueError("not a known IANA time zone name")
    return name


_TZ_CACHE: set[str] = set()


def _timezones() -> set[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.update(available_timezones())
        _TZ_CACHE.add("UTC")
    return _TZ_CACHE


def _timezone_enum(schema: dict) -> None:
    """The document lists the zone names this collector knows (its tzdata)."""
    schema["enum"] = sorted(_timezones())


class SummaryBatch(Strict):
    """What an agent posts: ordered, non-overlapping segments, once per batch_id."""

    batch_id: BatchId
    sent_at: AwareDatetime
    rules_version: Annotated[int, Field(ge=0, le=2**53), BeforeValidator(whole_number)]
    timezone: Annotated[
        str,
        StringConstraints(max_length=64),
        AfterValidator(_check_timezone),
        Field(json_schema_extra=_timezone_enum),
    ]
    segments: Annotated[list[Segment], Field(min_length=1, max_length=MAX_SEGMENTS_PER_BATCH)]

    #: Each segment's (start, end) as POSIX seconds, filled by the check
    #: below, which needs them anyway; the collector stores these.
    _epochs: list[tuple[float, float]] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> SummaryBatch:
        epochs = []
        previous_end = float("-inf")
        for i, seg in enumerate(self.segments):
            start, end = seg.start.timestamp(), seg.end.timestamp()
            if not start < end:
                raise ValueError(f"segments.{i}.end: must be after start")
            if end - start > MAX_SEGMENT_SPAN_S:
                raise ValueError(f"segments.{i}.end: a segment may not span more than 24 hours")
            if start < previous_end:
                raise ValueError(
                    f"segments.{i}.start: segments must be ordered and must not overlap"
                )
            previous_end = end
            epochs.append((start, end))
        self._epochs = epochs
        return self

    @property
    def epochs(self) -> list[tuple[float, float]]:
        return self._epochs


WorkTypeKey = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"),
    Field(description="A work type's key, as `/work-types` names it."),
]
#: A week: a timer left running longer than this is a mistake, not work.
MAX_TIMED_SECONDS = 7 * 24 * 3600


class TimedWorkItem(Strict):
    """One item timed in the tray (docs/design.md §3, ``work_items`` in a batch).

    ``ref`` is hex HMAC-SHA256 of the item's reference keyed with the
    organisation's ``work_item_salt``: the reference itself never leaves the
    workstation. ``active_seconds`` is the net time: pauses and idle excluded."""

    type: WorkTypeKey
    ref: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    started: AwareDatetime
    ended: AwareDatetime
    active_seconds: Annotated[int, Field(ge=0, le=MAX_TIMED_SECONDS), BeforeValidator(whole_number)]
    outcome: Literal["completed", "not_completed"]

    @model_validator(mode="after")
    def _within(self) -> TimedWorkItem:
        span = (self.ended - self.started).total_seconds()
        if span < 0:
            raise ValueError("ended: must not be before started")
        if self.active_seconds > span + 1:  # whole seconds, rounded
            raise ValueError("active_seconds: more than the time between started and ended")
        return self


class TimedBatch(SummaryBatch):
    """A batch with the tray's timed items: what the agent sends and the
    collector's ingest validates (POST /summaries), storing the items in the
    batch's transaction."""

    work_items: Annotated[list[TimedWorkItem], Field(max_length=100)] = []


#: A rule's regex; the document says so (format "regex"), the model compiles it.
RulePattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    Field(json_schema_extra={"format": "regex"}),
]


class Rule(Strict):
    """First match wins; ``app`` and ``title`` are case-insensitive regexes."""

    # The document says what _valid_patterns checks: app, title or both.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["app"], "properties": {"app": {"type": "string"}}},
                {"required": ["title"], "properties": {"title": {"type": "string"}}},
            ]
        }
    )

    app: RulePattern | None = None
    title: RulePattern | None = None
    category: Category
    client: ClientKey | None = None
    passive_active: bool = Field(
        default=False,
        description="Focus on a matching window counts as active without input (calls, meetings).",
    )

    @model_validator(mode="after")
    def _valid_patterns(self) -> Rule:
        if self.app is None and self.title is None:
            raise ValueError("app: give app, title or both")
        for name in ("app", "title"):
            pattern = getattr(self, name)
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as e:
                    raise ValueError(f"{name}: not a valid regular expression ({e})") from None
        return self


class RuleList(Strict):
    rules: Annotated[list[Rule], Field(max_length=2000)]


def parse_time(value: str) -> datetime:
    """Parse an ISO 8601 time with offset, as the wire carries it."""
    t = datetime.fromisoformat(value)
    if t.tzinfo is None:
        raise ValueError("time needs an offset")
    return t
