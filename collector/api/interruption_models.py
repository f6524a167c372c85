"""The interruptions report's body (docs/design.md §3, §4 Interruption):
counts, their recovery range and cost, per day, with the thresholds they
were counted with and the focus time of the same days."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from collector.api.focus_models import FocusTime
from collector.api.models import Response
from collector.api.report_base import Dated


class InterruptionDay(Response):
    """A day with fewer people than privacy.min_group_size carries only its
    date, its head count, `suppressed` and the reason; no figures."""

    day: date
    people: int
    count: int | None = None
    away_minutes: float | None = None
    task_switches: int | None = None
    tracked_hours: float | None = None
    lost_minutes_low: float | None = None
    lost_minutes_high: float | None = None
    focus_hours: float | None = None
    focus_sessions: int | None = None
    suppressed: bool = False
    reason: str | None = None


class AdviceOut(Response):
    id: str
    title: str
    text: str


class Thresholds(Response):
    min_focus_s: float = Field(description="Focus before a switch away counts (seconds).")
    max_away_s: float = Field(description="The longest time away that still counts (seconds).")


class Recount(Response):
    """A recount of all history after the thresholds changed."""

    running: bool = Field(
        description="True while some days still carry counts made with the previous "
        "thresholds; the figures then mix both."
    )
    done: int = Field(description="Person-days recounted with the current thresholds.")
    total: int = Field(description="Person-days the recount covers (0: none ever ran).")
    previous_thresholds: Thresholds | None = Field(
        None, description="What the days not recounted yet were counted with (while running)."
    )


class Interruptions(Dated):
    """Interruptions, their recovery range and what they cost."""

    people: int
    count: int
    away_minutes: float
    recovery_minutes_low: float
    recovery_minutes_high: float
    lost_minutes_low: float
    lost_minutes_high: float
    share_of_tracked_low: float | None
    share_of_tracked_high: float | None
    cost_low: float
    cost_high: float
    currency: str
    task_switches: int
    tracked_hours: float
    per_person_day: float | None
    days: list[InterruptionDay]
    suppressed_days: int = Field(
        0, description="Days listed without figures: fewer than the minimum group that day."
    )
    suppressed_days_in_totals: bool = Field(
        False,
        description="Whether those days count in the totals. They do only when, together, "
        "they had at least the minimum group of people; otherwise subtracting the shown "
        "days from the totals would reveal them.",
    )
    advice: list[AdviceOut]
    thresholds: Thresholds = Field(description="The thresholds the counts were made with.")
    recount: Recount
    focus: FocusTime = Field(description="Focus sessions over the same days as the totals.")
