"""Read-only queries behind the reports. They read rollups, never raw segments,
so their cost grows with people x days, not with events (docs/design.md §7); long
ranges read the monthly and per-team levels (rollups.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from collector.store.sqlite.rollups import WORKING, person_rows, week_split
from collector.store.sqlite.sql import in_list
from shared.catalogue import FUNCTION_IDS

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store


class QueriesMixin:
    def people_tracked(self: Store, team_ids: list[int] | None, start: str, end: str) -> int:
        """People with any rollup in the range: one index probe per person."""
        found, params = person_rows(start, end, None, "person_id = p.id")
        where, team_params = in_list("p.team_id", team_ids)
        row = self.one(
            f"SELECT COUNT(*) FROM people p WHERE EXISTS ({found}){where}",
            [*params, *team_params],
        )
        return int(row[0])

    def people_on_days(self: Store, team_ids: list[int] | None, days: list[str]) -> int:
        """Distinct people tracked on any of these days."""
        if not days:
            return 0
        where, params = in_list("team_id", team_ids)
        row = self.one(
            f"""SELECT COUNT(DISTINCT person_id) FROM rollups
                WHERE day IN ({",".join("?" * len(days))}){where}""",
            [*days, *params],
        )
        return int(row[0])

    def hours_by_category(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> dict[str, float]:
        where, params = in_list("team_id", team_ids)
        rows = self.all(
            f"""SELECT category, SUM(active_s) / 3600.0 FROM team_rollups
                WHERE day BETWEEN ? AND ?{where} GROUP BY category""",
            [start, end, *params],
        )
        return {r[0]: r[1] for r in rows}

    def units_by_function(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> dict[str, tuple[float, float]]:
        """(units, corrections) per function. With a team filter, only units
        recorded for those teams count; unattributed units count organisation-wide."""
        where, params = in_list("team_id", team_ids)
        rows = self.all(
            f"""SELECT function, SUM(units), SUM(corrections) FROM output_units
                WHERE date BETWEEN ? AND ?{where} GROUP BY function""",
            [start, end, *params],
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def weekly_hours_by_function(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Hours per ISO week (its Monday) and category, for the overview chart."""
        where, params = in_list("team_id", team_ids)
        rows = self.all(
            f"""SELECT date(day, 'weekday 0', '-6 days') AS week, category,
                       SUM(seconds) / 3600.0 AS hours
                FROM (SELECT day, category, SUM(active_s) AS seconds FROM team_rollups
                      WHERE day BETWEEN ? AND ?{where} GROUP BY day, category)
                GROUP BY week, category ORDER BY week""",
            [start, end, *params],
        )
        return [dict(r) for r in rows]

    def interruption_days(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Per day: interruptions, away seconds, task switches, working seconds,
        people, and focus (seconds, sessions, and the person-days it counts).

        Reads only: person-days not settled yet are recounted in memory."""
        where, params = in_list("team_id", team_ids)
        with self.snapshot():
            rows = [
                dict(r)
                for r in self.all(
                    f"""SELECT day, SUM(interruptions) AS count, SUM(away_s) AS away_s,
                           SUM(task_switches) AS task_switches, SUM(working_s) AS working_s,
                           SUM(people) AS people
                    FROM team_days WHERE day BETWEEN ? AND ?{where} AND working_s > 0
                    GROUP BY day ORDER BY day""",
                    [start, end, *params],
                )
            ]
            focus = {
                f["day"]: f
                for f in self.all(
                    f"""SELECT day, COALESCE(SUM(focus_s), 0) AS focus_s,
                           COALESCE(SUM(focus_sessions), 0) AS focus_sessions
                    FROM interruption_days WHERE day BETWEEN ? AND ?{where}
                    GROUP BY day""",
                    [start, end, *params],
                )
            }
            changes = self.unsettled_changes(team_ids, start, end)
        for r in rows:
            count, away_s, switches, focus_s, sessions = changes.get(r["day"], (0, 0.0, 0, 0.0, 0))
            r["count"] += count
            r["away_s"] += away_s
            r["task_switches"] += switches
            f = focus.get(r["day"])
            r["focus_s"] = (f["focus_s"] if f else 0.0) + focus_s
            r["focus_sessions"] = (f["focus_sessions"] if f else 0) + sessions
        return rows

    def client_hours(self: Store, start: str, end: str) -> dict[str, tuple[float, int]]:
        """Back-office (work-function) hours and the people behind them, per client."""
        functions = ",".join("?" * len(FUNCTION_IDS))
        rows, params = person_rows(
            start, end, None, f"client != '' AND category IN ({functions})", FUNCTION_IDS
        )
        found = self.all(
            f"""SELECT client, SUM(active_s) / 3600.0, COUNT(DISTINCT person_id)
                FROM ({rows}) GROUP BY client""",
            params,
        )
        return {r[0]: (r[1], r[2]) for r in found}

    def client_function_hours(self: Store, start: str, end: str) -> list[dict]:
        """Hours per client, function and person (no names): the clients report
        counts the people behind each function so it can hide small groups."""
        functions = ",".join("?" * len(FUNCTION_IDS))
        rows, params = person_rows(
            start, end, None, f"client != '' AND category IN ({functions})", FUNCTION_IDS
        )
        found = self.all(
            f"""SELECT client, category, person_id, SUM(active_s) / 3600.0 AS hours
                FROM ({rows}) GROUP BY client, category, person_id
                ORDER BY client, category, person_id""",
            params,
        )
        return [{"client": r[0], "function": r[1], "person": r[2], "hours": r[3]} for r in found]

    def client_units(self: Store, start: str, end: str) -> dict[tuple[str, str], int]:
        """Output units recorded for a client, per (client, function)."""
        rows = self.all(
            """SELECT client_key, function, SUM(units) FROM output_units
               WHERE date BETWEEN ? AND ? AND client_key IS NOT NULL AND client_key != ''
               GROUP BY client_key, function""",
            [start, end],
        )
        return {(r[0], r[1]): int(r[2]) for r in rows}

    def hours_by_person(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]:
        """Working hours per person who was tracked in the range. Summed per
        person through the primary keys rather than grouped over all rows:
        whole weeks from `person_weeks`, the edge days from daily rows."""
        weeks, edges = week_split(start, end)
        terms = ["0"]
        params: list = []
        if weeks:
            terms.append(
                "(SELECT TOTAL(working_s) FROM person_weeks"
                " WHERE person_id = p.id AND week BETWEEN ? AND ?)"
            )
            params += weeks
        for lo, hi in edges:
            terms.append(
                "(SELECT TOTAL(active_s) FROM rollups"
                f" WHERE person_id = p.id AND day BETWEEN ? AND ? AND {WORKING})"
            )
            params += [lo, hi]
        summed = " + ".join(terms)
        where, team_params = in_list("p.team_id", team_ids)
        rows = self.all(
            f"""SELECT * FROM (
                    SELECT p.id AS person_id, p.name AS person, t.name AS team,
                           ({summed}) / 3600.0 AS hours
                    FROM people p JOIN teams t ON t.id = p.team_id WHERE 1{where}
                    ORDER BY t.name, p.name)
                WHERE hours > 0""",
            [*params, *team_params],
        )
        return [dict(r) for r in rows]

    def weekly_hours_by_person(
        self: Store, team_ids: list[int] | None, first_monday: str, last_monday: str
    ) -> list[dict]:
        """Working hours per person and ISO week (its Monday) in the range, from
        the weekly level kept at ingest; people of `team_ids` by their team now,
        as `hours_by_person` counts them."""
        where, team_params = in_list("p.team_id", team_ids)
        rows = self.all(
            f"""SELECT w.person_id, w.week, w.working_s / 3600.0 AS hours
                FROM person_weeks w JOIN people p ON p.id = w.person_id
                WHERE w.week BETWEEN ? AND ? AND w.working_s > 0{where}""",
            [first_monday, last_monday, *team_params],
        )
        return [dict(r) for r in rows]

    def uncategorised_apps(self: Store, start: str, end: str, limit: int = 50) -> list[dict]:
        rows = self.all(
            """SELECT app, SUM(seconds) / 3600.0 AS hours FROM uncategorised_apps
               WHERE day BETWEEN ? AND ? GROUP BY app ORDER BY hours DESC LIMIT ?""",
            (start, end, limit),
        )
        return [dict(r) for r in rows]

    def person_summary(self: Store, person_id: int, start: str, end: str) -> dict:
        """Reads only: person-days not settled yet are recounted in memory."""
        with self.snapshot():
            cats = self.all(
                """SELECT category, SUM(active_s) / 3600.0 AS hours FROM rollups
                   WHERE person_id = ? AND day BETWEEN ? AND ? GROUP BY category
                   ORDER BY hours DESC""",
                (person_id, start, end),
            )
            intr = self.one(
                """SELECT COALESCE(SUM(count), 0), COALESCE(SUM(away_s), 0),
                          COALESCE(SUM(task_switches), 0), COALESCE(SUM(focus_s), 0),
                          COALESCE(SUM(focus_sessions), 0)
                   FROM interruption_days WHERE person_id = ? AND day BETWEEN ? AND ?""",
                (person_id, start, end),
            )
            change = self.unsettled_person_counts(person_id, start, end)
        count, away_s, switches, focus_s, sessions = (
            a + b for a, b in zip(intr, change, strict=True)
        )
        return {
            "categories": [dict(r) for r in cats],
            "interruptions": {
                "count": int(count),
                "away_minutes": away_s / 60,
                "task_switches": int(switches),
            },
            "focus": {"hours": focus_s / 3600, "sessions": int(sessions)},
        }

    def weekly_people(
        self: Store,
        team_ids: list[int] | None,
        start: str,
        end: str,
        at_least: int | None = None,
    ) -> dict[str, int]:
        """People tracked per ISO week (its Monday): a week is a group of its own,
        so a week with too few people is suppressed on a chart like any group.

        An exact count reads every rollup row of the week (a year for 1,000 people
        is two million rows), and a page only needs to know whether a week reaches
        `at_least` people. So with `at_least`, a week where one team alone had that
        many people on one day (`team_days`, one row per team and day) answers with
        that number, a lower bound; only the other weeks are counted exactly.
        """
        where, params = in_list("team_id", team_ids)
        weeks: dict[str, int] = {}
        for r in self.all(
            f"""SELECT date(day, 'weekday 0', '-6 days') AS week, MAX(people) AS people
                FROM team_days WHERE day BETWEEN ? AND ?{where} GROUP BY week""",
            [start, end, *params],
        ):
            weeks[r["week"]] = int(r["people"])
        exact = [w for w, n in weeks.items() if at_least is None or n < at_least]
        for week in exact:
            monday = date.fromisoformat(week)
            first = max(week, start)
            last = min((monday + timedelta(days=6)).isoformat(), end)
            row = self.one(
                f"""SELECT COUNT(DISTINCT person_id) FROM rollups
                    WHERE day BETWEEN ? AND ?{where}""",
                [first, last, *params],
            )
            weeks[week] = int(row[0])
        return weeks
