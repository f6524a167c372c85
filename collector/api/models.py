"""Request and response bodies of API v1 beyond the shared wire payload."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from collector.service import settings_table as settings_table
from collector.service.unit_bodies import (
    MyUnit,
    Name,
    OutputUnit,
    Request,
)
from shared.payload import Category, ClientKey, Rule, whole_number

Month = Annotated[str, StringConstraints(pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$")]
Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Amount = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
#: Days the collector can hold: the years the document declares, and no
#: arithmetic on them (a default range before 0001-01-01) can overflow.
DAY_PATTERN = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def _query_day(value: object) -> object:
    """A query day is the text YYYY-MM-DD: never a number read as a Unix time
    (``to=0`` is not 1970-01-01), never outside the declared years."""
    if isinstance(value, str) and not re.fullmatch(DAY_PATTERN, value):
        raise ValueError("expected a day YYYY-MM-DD between 1900 and 2199")
    if not isinstance(value, str | date):
        raise ValueError("expected a day YYYY-MM-DD")
    return value


QueryDay = Annotated[
    date,
    BeforeValidator(_query_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
RANGE_RULE = (
    " `from` must not be after `to`, and a range covers at most 1100 days; "
    "without `to` the range ends today."
)


class Query(BaseModel):
    """Query strings arrive as text, so they are parsed leniently but strictly bounded."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)


class Response(BaseModel):
    model_config = ConfigDict(extra="ignore")


# -- devices ---------------------------------------------------------------


class EnrollRequest(Request):
    enrollment_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    hostname: Name
    os: Name
    agent_version: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    user: Name


class ConsentInfo(Response):
    version: int
    text: str


class PrivacyInfo(Response):
    min_group_size: int
    individual_reports: bool
    retention_days: int


class AgentInfo(Response):
    upload_interval_s: int
    idle_after_s: int


class InterruptionInfo(Response):
    """The organisation's interruption rule, so the tray counts and costs as reports do."""

    min_focus_s: int
    max_away_s: int
    recovery_min_s: int
    recovery_max_s: int


class ClientInfo(Response):
    key: str
    name: str


class WorkTypeInfo(Response):
    """A kind of deferred work the tray's item timer offers."""

    key: str
    name: str
    function: str


class Policy(Response):
    """The policy an agent follows: rules, consent text, intervals."""

    rules_version: int
    rules: list[Rule]
    consent: ConsentInfo
    privacy: PrivacyInfo
    agent: AgentInfo
    clients: list[ClientInfo]
    interruptions: InterruptionInfo
    work_item_salt: str = Field(
        description="HMAC-SHA256 key (hex) the tray hashes work-item references with"
    )
    work_types: list[WorkTypeInfo]


class EnrollResponse(Response):
    """The new device; its token is shown this once."""

    device_id: str
    device_token: str
    policy: Policy
    user: str | None = None  # the person the device was filed under, for the agent to say
    team: str | None = None


class ConsentRequest(Request):
    decision: Literal["granted", "declined", "withdrawn"]
    consent_version: Annotated[int, Field(ge=1, le=1_000_000), BeforeValidator(whole_number)]
    at: AwareDatetime


class ConsentResponse(Response):
    """The decision as recorded."""

    decision: str
    consent_version: int
    recorded: bool


class IngestResponse(Response):
    """The batch is stored (or was already)."""

    batch_id: str
    accepted: int
    duplicate: bool


class DateRange(Query):
    from_: QueryDay | None = Field(
        default=None, alias="from", description="First day (inclusive), YYYY-MM-DD." + RANGE_RULE
    )
    to: QueryDay | None = Field(
        default=None, description="Last day (inclusive), YYYY-MM-DD; default: today."
    )


class TeamRange(DateRange):
    team: Name | None = Field(
        default=None, description="Team name; default: every team you may see"
    )


class TeamRangeBy(TeamRange):
    by: Literal["function", "team"] | None = Field(
        default=None,
        description="`team`: one row per team and function, each team a group of its own",
    )


class MonthQuery(Query):
    month: Month | None = Field(default=None, description="YYYY-MM; default: the current month")


class TeamMonth(MonthQuery):
    team: Name | None = None


Quarter = Annotated[str, StringConstraints(pattern=r"^(19|20|21)\d{2}-Q[1-4]$")]


class TeamQuarter(Query):
    quarter: Quarter | None = Field(
        default=None, description="YYYY-Qn (2026-Q3); default: the last full quarter"
    )
    team: Name | None = None


class CategoryHours(Response):
    category: str
    hours: float


class MyInterruptions(Response):
    count: int
    away_minutes: float
    task_switches: int


class MyFocus(Response):
    """The employee's own focus sessions (15 min or more, 75% on one function)."""

    hours: float
    sessions: int


class MySummary(Response):
    """The employee's own totals, as the collector holds them."""

    from_: date = Field(alias="from")
    to: date
    total_hours: float
    categories: list[CategoryHours]
    interruptions: MyInterruptions
    focus: MyFocus

    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class MyUnits(Request):
    items: Annotated[list[MyUnit], Field(min_length=1, max_length=100)]


class Stored(Response):
    """How many rows were stored."""

    stored: int


# -- organisation ------------------------------------------------------------


class OutputUnits(Request):
    items: Annotated[list[OutputUnit], Field(min_length=1, max_length=10_000)]


class OutputUnitItems(Request):
    """`OutputUnits` with its items unread: the service checks each one
    (collector/service/output_units.py), so format and reference problems
    are reported together."""

    items: Annotated[list[Any], Field(min_length=1, max_length=10_000)]


class Absence(Request):
    """Days a person was away. No reason: it could be health data (docs/design.md §5)."""

    employee: Name
    team: Name | None = Field(default=None, description="Needed when the name is in several teams")
    from_: date = Field(alias="from", description="First day away (inclusive)")
    to: date = Field(description="Last day away (inclusive)")

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)


class Absences(Request):
    items: Annotated[list[Absence], Field(min_length=1, max_length=1000)]


class AbsencesStored(Response):
    """The absences stored, with their ids (for DELETE /absences/{id})."""

    stored: int
    ids: list[int]


class Deleted(Response):
    """The absence is gone."""

    deleted: int


class ClientCreate(Request):
    key: ClientKey
    name: Name


class ClientOut(Response):
    """A client."""

    key: str
    name: str


class ClientList(Response):
    """Every client."""

    clients: list[ClientOut]


class FinancialsRequest(Request):
    month: Month
    revenue: Money
    agent_cost: Money


class FinancialsOut(Response):
    """The client's figures for the month, as stored."""

    client: str
    month: str
    revenue: float
    agent_cost: float


class RulesOut(Response):
    """The ordered rule list and its version."""

    version: int
    rules: list[Rule]


class RulesIn(Request):
    rules: Annotated[list[Rule], Field(max_length=2000)]


class SettingsOut(Response):
    """Organisation settings (docs/design.md §4 keys)."""

    settings: dict[str, Any]


class SettingsIn(Request):
    settings: Annotated[
        dict[str, Any],
        Field(min_length=1, max_length=50),
        WithJsonSchema(settings_table.json_schema()),
    ]


class TeamOut(Response):
    id: int
    name: str
    people: int


class TeamList(Response):
    """Teams you may see."""

    teams: list[TeamOut]


class Health(Response):
    """The collector is up and its database answers."""

    status: str
    #: "writable": a test write and the free space both passed (store/health.py).
    database: str
    version: str
    schema_pending: list[str]


__all__ = ["Category"]
