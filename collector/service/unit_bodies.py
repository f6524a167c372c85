"""The bodies of an output-unit row, as the API declares them and the CSV
import and the employee's own log validate them.

Here, not in `api/models`, because the import logic (`output_units`) checks
rows with them and the logic must not import the HTTP layer; `api/models`
re-exports them, so the OpenAPI document names them as before.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from shared.catalogue import FUNCTION_IDS
from shared.payload import ClientKey, whole_number

FunctionId = Literal[FUNCTION_IDS]  # type: ignore[valid-type]
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
    date: date
    function: FunctionId
    units: Count
    corrections: Count = 0
    client: ClientKey | None = None


class OutputUnit(Request):
    date: date
    function: FunctionId
    units: Count
    corrections: Count = 0
    team: Name | None = None
    employee: Name | None = None
    client: ClientKey | None = None
