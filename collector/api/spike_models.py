"""Bodies of the spike calendar report (issue 14): per function, each day
against that weekday's baseline, and the recurring spikes named."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, RootModel

from collector.api.models import Response, TeamRange
from collector.service.unit_bodies import FunctionId

Level = Literal["hidden", "no_baseline", "low", "usual", "high", "very_high"]


class SpikeReading(Response):
    spike_days: int = Field(description="Spike days of the function that month (spike calendar)")
    recurring: list[str] = Field(description="Recurring spikes among them: month end, ...")


class SpikeQuery(TeamRange):
    function: FunctionId | None = Field(default=None, description="One work function; default: all")


class SpikeRule(Response):
    baseline: Literal["median"] = Field(
        description="Median of the same weekday's hours over the previous weeks"
    )
    baseline_weeks: int
    min_baseline_weeks: int = Field(description="Weeks of history a weekday needs for a baseline")
    spike_ratio: float = Field(description="A spike is at least this times the baseline ...")
    min_extra_hours: float = Field(description="... and at least this many hours above it")
    recur_min_months: int
    recur_look_back_months: int
    recur_min_share: float


class SpikeDay(Response):
    day: date
    level: Level
    suppressed: bool = Field(
        default=False, description="Fewer people on the function that day than the minimum group"
    )
    hours: float | None = None
    baseline: float | None = Field(default=None, description="null: under four weeks of history")
    ratio: float | None = Field(default=None, description="hours / baseline; null for a zero one")
    spike: bool = False
    recurring: str | None = Field(default=None, description="The recurring spike it belongs to")


class SpikeFunction(Response):
    function: str
    name: str
    hours: float
    spikes: int
    days: list[SpikeDay]


class RecurringSpike(Response):
    function: str
    name: str
    pattern: Literal["pay_run", "month_end", "first_business_day", "day_of_month", "window"]
    label: str = Field(description="pay-run day, month end, hiring wave, enrollment window, ...")
    days: list[date]
    months_seen: int = Field(description="Months (pay dates for a pay run) with the spike")
    months_considered: int = Field(description="Months (pay dates) that had a baseline to judge")


class Spikes(Response):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    from_: date = Field(alias="from")
    to: date
    team: str | None
    function: str | None
    people: int
    rule: SpikeRule
    functions: list[SpikeFunction]
    recurring: list[RecurringSpike]


class SuppressedSpikes(Response):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    from_: date = Field(alias="from")
    to: date
    team: str | None
    function: str | None
    suppressed: Literal[True]
    reason: str


class SpikeReport(RootModel[Spikes | SuppressedSpikes]):
    """The spike calendar, or suppressed."""
