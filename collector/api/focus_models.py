"""Focus figures in report bodies (shared/focus.py: 15 minutes or more, 75% on
one work function, ending after more than 4 minutes away)."""

from __future__ import annotations

from pydantic import Field

from collector.api.models import Response

DEFINITION = (
    "A focus session is at least 15 minutes with at least 75% of it on one work "
    "function; it ends after more than 4 minutes away from that function."
)


class FocusTime(Response):
    """Focus sessions of the people in the report, over the days it shows."""

    hours: float = Field(description="Hours in focus sessions.")
    sessions: int
    hours_per_person_day: float | None = Field(
        description="Focus hours per tracked person-day; None without tracked days."
    )
    sessions_per_person_day: float | None
    definition: str = Field(DEFINITION, description="What counts as a focus session.")
