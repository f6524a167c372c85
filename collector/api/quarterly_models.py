"""The quarterly review's body (docs/design.md §3 and §4 "Quarterly review")."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, RootModel

from collector.api.models import Response


class QuarterCoverage(Response):
    quarter: str
    hidden: bool = Field(
        description="Fewer people than the minimum group were tracked in it: no figures"
    )
    working_hours: float | None
    workdays: int = Field(description="Monday-to-Friday days of the quarter up to yesterday")
    tracked_workdays: int = Field(description="Of those, from the group's first tracked day on")
    under_way: bool
    complete: bool = Field(description="Over, and tracked on every one of its working days")


class TrendQuarter(QuarterCoverage):
    hours_per_operation_member: float | None = Field(
        description="None for a quarter nobody was tracked in: unmeasured is not zero"
    )


class QuarterFunction(Response):
    function: str
    name: str
    hours: float
    previous_hours: float
    band: str | None
    error_rate: float | None
    previous_error_rate: float | None
    error_rate_change: float | None = Field(description="In points (0.01 = one point)")
    quality_limit: float | None
    added: bool = Field(description="Hours this quarter and none the last")


class Evidence(Response):
    function: str
    name: str
    band: str
    hours_per_unit: float | None
    error_rate: float | None
    quality_limit: float | None


class QuarterDecision(Response):
    kind: Literal["process_improvement", "capacity_adjustment", "no_change"] = Field(
        description="Process improvement where functions are slow or below quality; capacity "
        "where more than overloaded_threshold of people are overloaded and no function is"
    )
    functions: list[Evidence]
    overloaded: int
    people: int
    overloaded_share: float
    overloaded_threshold: float


class QuarterlyReview(Response):
    quarter: str
    previous_quarter: str
    team: str | None
    operation_size: int
    people: int
    hours_per_operation_member: float | None
    previous_hours_per_operation_member: float | None
    change: float | None = Field(
        description="Hours per operation member against the previous quarter; per tracked "
        "working day when either quarter is under way or not wholly tracked (change_basis)"
    )
    change_basis: Literal["quarter", "tracked_day"]
    comparable: bool
    coverage: list[QuarterCoverage]
    trend: list[TrendQuarter]
    functions: list[QuarterFunction]
    added: list[str]
    decision: QuarterDecision


class SuppressedQuarter(Response):
    """Too few people in this group to show its figures."""

    quarter: str
    previous_quarter: str
    team: str | None
    suppressed: Literal[True]
    reason: str


class QuarterlyReviewReport(RootModel[QuarterlyReview | SuppressedQuarter]):
    """The quarterly review, or suppressed."""
