"""What every report body starts with, and the answer for a group too small
to show (docs/design.md §3): `Suppressed` stands in place of the figures,
never zeros."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from collector.api.models import Response


class Dated(Response):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    from_: date = Field(alias="from")
    to: date
    team: str | None


class Suppressed(Dated):
    """Too few people in this group to show its figures."""

    suppressed: Literal[True]
    reason: str
