"""Report bodies (docs/design.md §3). A group too small to show answers `Suppressed`
in place of its figures, never zeros."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, RootModel

from collector.api.interruption_models import Interruptions
from collector.api.models import Response
from collector.api.report_base import Dated, Suppressed
from collector.api.spike_models import SpikeReading

__all__ = ["Dated", "Interruptions", "Suppressed"]  # re-exported for api/reports.py


class BenchmarkOut(Response):
    efficient_below: float
    reasonable_low: float
    reasonable_high: float
    slow_above: float
    label: str


BandName = Literal["efficient", "reasonable", "watch", "slow", "below_quality"]


class FixOut(Response):
    """Seed 001's symptom -> process problem -> fix row for this function."""

    symptom: str
    problem: str
    fix: str
    source: str


class FunctionRow(Response):
    function: str
    name: str
    output_unit: str
    hours: float
    units: int = Field(description="Output units: a count")
    hours_per_unit: float | None
    status: Literal["ok", "no_output_recorded"]
    band: BandName | None = Field(
        description="`below_quality` when error_rate is above quality_limit, whatever "
        "the hours per unit; otherwise seed 001's benchmark band"
    )
    corrections: int = Field(description="Units that needed a correction; payroll: paychecks")
    correction_rate: float | None = Field(description="corrections / units")
    error_rate: float | None = Field(
        description="corrections / units; payroll per paycheck: corrections / (pay cycles "
        "x operation.size)"
    )
    quality_limit: float = Field(description="quality.limits entry for this function")
    quality_adjusted_units: float = Field(description="units x (1 - error_rate)")
    hours_per_week: float | None = Field(description="hours / days in the period x 7")
    units_per_week: float | None = Field(description="units / days in the period x 7")
    money_at_stake: float | None = Field(
        description="For watch, slow or below_quality: (hours_per_unit - reasonable upper "
        "limit) x units x hourly cost, in the organisation's currency; null otherwise"
    )
    fix: FixOut | None = Field(description="Seed 001's fix, for a function that needs one")
    benchmark: BenchmarkOut | None


class SuppressedWeek(Response):
    week: date
    suppressed: Literal[True]
    reason: str


SUPPRESSED_WEEKS = (
    "Weeks (given by their Monday) with fewer people than the minimum group: their "
    "figures are not listed."
)
WEEKS_IN_TOTALS = (
    "Whether those weeks count in the totals. They do only when, together, they had at "
    "least the minimum group of people; otherwise subtracting the shown weeks from the "
    "totals would reveal them, and the totals leave them out."
)


class TimePerUnit(Dated):
    """Hours per output unit per function, against the seed's benchmarks."""

    people: int
    operation_size: int
    currency: str
    hourly_rate: float
    days: int
    functions: list[FunctionRow]
    suppressed_weeks: list[SuppressedWeek] = Field([], description=SUPPRESSED_WEEKS)
    suppressed_weeks_in_totals: bool = Field(False, description=WEEKS_IN_TOTALS)


class TeamFunctionRow(FunctionRow):
    team: str


class TeamShown(Response):
    team: str
    people: int
    days: int


class TeamHidden(Response):
    team: str
    suppressed: Literal[True]
    reason: str


class TimePerUnitByTeam(Dated):
    """`by=team`: one row per team and function; each team is a group of its own."""

    by: Literal["team"]
    operation_size: int
    currency: str
    hourly_rate: float
    teams: list[TeamShown | TeamHidden] = Field(
        description="Every team asked for; a team below the minimum group is suppressed "
        "and has no rows"
    )
    functions: list[TeamFunctionRow]


class ClientFunction(Response):
    function: str
    name: str
    output_unit: str
    hours: float = Field(description="Back-office hours on the function for the client")
    units: int = Field(description="Output units recorded with this client")
    hours_per_unit: float | None = Field(description="None: no output recorded")
    people: int


class SuppressedClientFunction(Response):
    function: str
    name: str
    suppressed: Literal[True]
    reason: str


class ClientRow(Response):
    client: str
    name: str
    revenue: float | None
    agent_cost: float | None
    back_office_hours: float
    back_office_cost: float
    gross_margin: float | None
    margin_share: float | None
    people: int
    functions: list[ClientFunction | SuppressedClientFunction] = Field(
        description="Per function: the client's hours, units and hours per unit. A function "
        "with fewer people than the minimum group is hidden, and so are the smallest others "
        "until the hidden ones together are a large enough group."
    )


class SuppressedClient(Response):
    client: str
    name: str
    revenue: float | None
    agent_cost: float | None
    suppressed: Literal[True]
    reason: str


class Clients(Response):
    """Back-office hours, cost and margin per client for a month."""

    month: str
    currency: str
    hourly_rate: float
    clients: list[ClientRow | SuppressedClient]


class ReviewRow(Response):
    function: str
    name: str
    hours: float
    previous_hours: float
    hours_change: float | None
    units: int
    previous_units: int
    units_change: float | None
    hours_per_unit: float | None
    previous_hours_per_unit: float | None
    change: float | None = Field(description="Change of hours per unit")
    band: BandName | None
    error_rate: float | None
    cause: Literal[
        "not_comparable", "efficiency_decline", "volume_spike", "improved", "slower", "steady"
    ] = Field(description="First match, in this order (docs/design.md §4)")
    unit_days: int = Field(description="Days of this month with units of the function")
    previous_unit_days: int
    span_from: date | None = Field(
        description="Hours are taken over the days this month's units account for: from the "
        "day after the last unit day before the month to the month's last unit day"
    )
    span_to: date | None
    previous_span_from: date | None
    previous_span_to: date | None
    spike_calendar: SpikeReading | None = Field(
        default=None,
        description="For a volume spike: what GET /reports/spikes saw that month",
    )


class UnitDaysDiffer(Response):
    function: str
    name: str
    unit_days: int
    previous_unit_days: int


class Focus(Response):
    """The one function to improve next: a below_quality one first."""

    function: str
    name: str
    reason: Literal["below_quality", "above_reasonable"]
    band: BandName | None
    hours_per_unit: float | None
    reasonable_high: float | None
    gap: float | None
    gap_ratio: float | None
    error_rate: float | None
    quality_limit: float | None
    money_at_stake: float | None
    fix: FixOut | None


class MonthlyReview(Response):
    """This month against last, per function, and the one to improve next."""

    month: str
    previous_month: str
    team: str | None
    currency: str
    hours: float
    previous_hours: float
    hours_change: float | None
    functions: list[ReviewRow]
    focus: Focus | None
    unit_days_differ: list[UnitDaysDiffer] = Field(
        description="Functions whose units were counted on a different number of days this "
        "month than last (five Fridays against four): compared over their units' spans"
    )


class SuppressedMonth(Response):
    """Too few people in this group to show its figures."""

    month: str
    team: str | None
    suppressed: Literal[True]
    reason: str


class Distribution(Response):
    min: float
    p25: float
    median: float
    p75: float
    max: float


class PersonLoad(Response):
    person: str
    hours: float
    tracked_hours: float
    available_days: int
    available_hours: float
    share_of_available: float | None
    weekly_hours: float | None = Field(
        description="Hours a week over the person's whole weeks in the range; null: none whole"
    )
    vs_median: float | None
    status: Literal["overload", "unused_capacity", "balanced", "not_rated"]


class Workload(Dated):
    """Hours per person against the hours they were available, net of shrinkage."""

    people: int
    weeks: float
    weekly_hours_target: float
    shrinkage: float = Field(description="workload.shrinkage: planned time away from the desk")
    available_weekly_hours: float = Field(description="weekly_hours x (1 - shrinkage)")
    holidays: int = Field(description="Organisation holidays in the period")
    absent_days: int = Field(description="Recorded absence days in the period, all people")
    available_hours: float
    tracked_hours: float
    share_of_available: float | None
    median_weekly_hours: float | None
    overloaded: int
    unused_capacity: int
    balanced: int
    not_rated: int
    distribution: Distribution | None = Field(
        description="Weekly hours across people, over whole weeks only: a first week, the "
        "week a person stopped and weeks the range cuts are left out"
    )
    distribution_people: int = Field(description="People with a whole week in the range")
    whole_weeks: int = Field(description="Monday-to-Sunday weeks wholly inside the range")
    individual_reports: bool
    persons: list[PersonLoad] | None


class AppHours(Response):
    app: str
    hours: float


class Uncategorised(Response):
    """Apps no rule matched, by name only."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    from_: date = Field(alias="from")
    to: date
    apps: list[AppHours]


class WeekHours(Response):
    week: date
    category: str
    hours: float


class WeekTarget(Response):
    week: date
    target_hours: float


class Overview(Dated):
    """Hours by category per week, tracked against target hours."""

    people: int
    weeks: list[WeekHours]
    tracked_hours: float
    target_hours: float = Field(
        description="workload.weekly_hours / 7 per person and day, from each person's first "
        "tracked day: someone who joined today adds a day, not a week"
    )
    week_targets: list[WeekTarget] = Field(
        [], description="The target per shown week; the counted weeks add up to target_hours"
    )
    suppressed_weeks: list[SuppressedWeek] = Field([], description=SUPPRESSED_WEEKS)
    suppressed_weeks_in_totals: bool = Field(False, description=WEEKS_IN_TOTALS)


# Each report answers its figures, or `suppressed` in their place.
class TimePerUnitReport(RootModel[TimePerUnitByTeam | TimePerUnit | Suppressed]):
    """Hours per output unit per function (per team and function with `by=team`), or
    suppressed."""


class InterruptionsReport(RootModel[Interruptions | Suppressed]):
    """Interruptions and their cost, or suppressed."""


class MonthlyReviewReport(RootModel[MonthlyReview | SuppressedMonth]):
    """The monthly review, or suppressed."""


class WorkloadReport(RootModel[Workload | Suppressed]):
    """Workload balance, or suppressed."""


class OverviewReport(RootModel[Overview | Suppressed]):
    """Hours by function per week, or suppressed."""
