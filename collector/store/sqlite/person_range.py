"""One person's own figures over a range, for ``GET /me/summary`` (the tray's
My week and My month): their hours per day, the units that name them and their
active spans (focus is a figure over spans, so it needs them; a month of one
person is a few thousand rows). Nothing here reads anyone else's rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store


class PersonRangeMixin:
    def person_range(self: Store, person_id: int, start: str, end: str) -> dict:
        """{days: [{day, hours}], units: {function: units}, spans: [(start, end,
        utc_offset_min, category)]}, in one read transaction."""
        with self.snapshot():
            days = self.all(
                """SELECT day, SUM(active_s) / 3600.0 AS hours FROM rollups
                   WHERE person_id = ? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day""",
                (person_id, start, end),
            )
            units = self.all(
                """SELECT function, SUM(units) AS units FROM output_units
                   WHERE person_id = ? AND date BETWEEN ? AND ? GROUP BY function""",
                (person_id, start, end),
            )
            spans = self.all(
                """SELECT start, end, utc_offset_min, category FROM segments
                   WHERE person_id = ? AND day BETWEEN ? AND ? AND state = 'active'
                   ORDER BY start""",
                (person_id, start, end),
            )
        return {
            "days": [{"day": r["day"], "hours": float(r["hours"])} for r in days],
            "units": {r["function"]: int(r["units"]) for r in units},
            "spans": [
                (float(r["start"]), float(r["end"]), int(r["utc_offset_min"]), r["category"])
                for r in spans
            ],
        }
