"""The bodies of deferred work (docs/design.md §3): work types, work items in,
and the backlog report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from collector.api.models import Name, Query, QueryDay, Request, Response
from collector.service.work_item_bodies import WorkItem, WorkType, WorkTypeKey, WorkTypes

__all__ = ["WorkItem", "WorkType", "WorkTypes"]


class WorkTypeList(Response):
    types: list[WorkType]


#: Items a post may carry: 1,000 of the longest fit the collector's 1 MB body limit.
MAX_POSTED_ITEMS = 1_000


class WorkItems(Request):
    items: Annotated[list[WorkItem], Field(min_length=1, max_length=MAX_POSTED_ITEMS)]


class WorkItemsRaw(Request):
    """`WorkItems` with its items unread: the service checks each one
    (collector/service/work_items.py), so every row's problems are named together."""

    items: Annotated[list[Any], Field(min_length=1, max_length=MAX_POSTED_ITEMS)]


class WorkItemsStored(Response):
    """New items and items updated (a later post of the same type and id)."""

    added: int
    updated: int


class BacklogQuery(Query):
    date: QueryDay | None = Field(
        default=None, description="As of the end of this day; default: today (org.timezone)"
    )
    team: Name | None = Field(
        default=None, description="Team name; default: every team you may see"
    )
    type: WorkTypeKey | None = Field(default=None, description="One work type; default: all")


class AgeCount(Response):
    age_days: int
    count: int
    breached: int = Field(description="Of these, items past their due time")


class BacklogDay(Response):
    date: date
    arrivals: int
    completions: int
    backlog: int


class BacklogWeek(Response):
    week: date = Field(description="The week's Monday")
    completions: int
    sla_compliance_rate: float | None
    cycle_time_median_hours: float | None
    cycle_time_p90_hours: float | None


class ProjectedDay(Response):
    date: date
    backlog: float
    breaches: float = Field(description="Items projected past their due time at the day's end")
    breach: bool


class PeopleHidden(Response):
    suppressed: bool
    reason: str


class BacklogType(Response):
    type: str
    name: str
    function: str
    sla_business_days: int | None
    sla_hours: float | None
    arrivals: int
    completions: int
    open: int
    breached: int
    backlog_health_index: float | None = Field(
        description="Open items not yet due / open items; null when none is open"
    )
    aging: list[AgeCount]
    required_completions: int = Field(
        description="Seed 003: arrivals of the day + items open at its start due by its end"
    )
    required_no_breach: float = Field(
        description="Smallest daily rate that breaches nothing over the horizon (EDF)"
    )
    completion_rate: float = Field(description="Completions per business day over the window")
    sla_compliance_rate: float | None
    cycle_time_median_hours: float | None
    cycle_time_p90_hours: float | None
    handle_hours: float | None
    handle_source: str | None = Field(description='"timed" (the tray), "desktop", or null')
    iph: float | None
    quality_adjusted_iph: float | None
    first_time_quality: float | None
    fte_required: float | None
    fte_required_no_breach: float | None
    fte_put_in: float | None = Field(
        description="Desktop hours on the function / (planning.day_hours x business days)"
    )
    people_figures: PeopleHidden | None = Field(
        description="Set when handle time, IPH and FTE are hidden (too few people)"
    )
    days: list[BacklogDay]
    weeks: list[BacklogWeek]
    projection: list[ProjectedDay]


class Window(Response):
    from_: date = Field(alias="from")
    to: date


class BacklogReport(Response):
    date: date
    team: str | None
    timezone: str
    window: Window
    horizon_days: int
    types: list[BacklogType]
