"""The bodies of an output-unit row, as the API declares them and the CSV
import and the employee's own log validate them.

Here, not in `api/models`, because the import logic (`output_units`) checks
rows with them and the logic must not import the HTTP layer; `api/models`
re-exports them, so the OpenAPI document names them as before.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from shared.catalogue import FUNCTION_IDS, functions
from shared.payload import ClientKey, whole_number

FunctionId = Literal[FUNCTION_IDS]  # type: ignore[valid-type]

#: A function by its id or by the name the form shows, in any case.
_FUNCTIONS_BY_WORD = {
    **{fn.name.casefold(): fid for fid, fn in functions().items()},
    **{fid.casefold(): fid for fid in FUNCTION_IDS},
}


def function_id(value: Any) -> Any:
    """`payroll`, `Payroll processing` and `PAYROLL PROCESSING` are one function:
    people type what the form shows, spreadsheets keep what people type."""
    if not isinstance(value, str):
        return value
    found = _FUNCTIONS_BY_WORD.get(" ".join(value.split()).casefold())
    if found is None:
        raise ValueError(
            f"no function {value[:60]!r}; give its id ({', '.join(FUNCTION_IDS)}) "
            "or its name as the form shows it"
        )
    return found


def not_in_future(day: date) -> date:
    """Units count work that is done; a later date is a typo (2062 for 2026) or a
    plan, and would show as output of days no hours are tracked for yet."""
    today = date.today()
    if day > today:
        raise ValueError(
            f"in the future: the collector's date is {today.isoformat()}; "
            "units are recorded for days that have happened"
        )
    return day


Function = Annotated[
    FunctionId,
    BeforeValidator(function_id),
    Field(description="The function's id, or its name as the form shows it (any case)."),
]
UnitDate = Annotated[
    date,
    AfterValidator(not_in_future),
    Field(description="The day the units were counted for; not after the collector's date."),
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]

#: Output units and corrections are counts (docs/design.md §4): whole numbers, never 2.5.
Count = Annotated[
    int,
    Field(ge=0, le=1_000_000_000, description="a whole number >= 0"),
    BeforeValidator(whole_number),  # 12.0 is a whole number, as JSON Schema reads it
]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class MyUnit(Request):
    date: UnitDate
    function: Function
    units: Count
    corrections: Count = 0
    client: ClientKey | None = None


class OutputUnit(Request):
    date: UnitDate
    function: Function
    units: Count
    corrections: Count = 0
    team: Name | None = None
    employee: Name | None = None
    client: ClientKey | None = None
