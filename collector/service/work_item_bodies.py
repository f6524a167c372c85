"""The bodies of work types and work items (docs/design.md §3), as the API
declares them and the CSV import validates them; `api/models` re-exports them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StringConstraints,
    model_validator,
)

from collector.service.unit_bodies import Function, Name, Request
from shared.payload import ClientKey, whole_number

#: A moment more than this ahead of the collector's clock is a typo, not work.
CLOCK_SKEW = timedelta(minutes=5)

WorkTypeKey = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,39}$"),
    Field(description="lower-case letters, digits, '-' and '_', starting with a letter"),
]
Reference = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]*[^\s\x00-\x1f][^\x00-\x1f]*$"
    ),
    Field(description="the workflow system's reference; stored only as its HMAC"),
]


def not_ahead(moment: datetime) -> datetime:
    if moment > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError("in the future: later than the collector's clock plus five minutes")
    return moment


Moment = Annotated[
    AwareDatetime,
    AfterValidator(not_ahead),
    Field(description="ISO 8601 with its offset (2026-11-23T09:00:00+01:00)"),
]


class WorkType(Request):
    key: WorkTypeKey
    name: Name
    function: Function
    sla_business_days: Annotated[int, Field(ge=1, le=365), BeforeValidator(whole_number)] | None = (
        None
    )
    sla_hours: Annotated[float, Field(gt=0, le=8760, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _one_sla(self) -> WorkType:
        if (self.sla_business_days is None) == (self.sla_hours is None):
            raise ValueError("sla_business_days: give exactly one of sla_business_days, sla_hours")
        return self


class WorkTypes(Request):
    types: Annotated[list[WorkType], Field(max_length=100)]

    @model_validator(mode="after")
    def _unique(self) -> WorkTypes:
        seen: set[str] = set()
        for t in self.types:
            if t.key in seen:
                raise ValueError(f"types: key {t.key!r} is given twice")
            seen.add(t.key)
        return self


class WorkItem(Request):
    id: Reference
    type: WorkTypeKey
    team: Name
    received_at: Moment
    completed_at: Moment | None = None
    quality_passed: bool | None = None
    employee: Name | None = None
    client: ClientKey | None = None
