"""Coarser rollups derived from the daily ones, and how reports read them.

Daily per-person rollups stay the source of truth. Three derived levels make
long ranges cheap: per person and month (`rollups_monthly`), per person and
ISO week of working time (`person_weeks`, for workload's whole weeks), and per
team and day without people (`team_rollups`, `team_days`). Ingest keeps all levels up
to date in the batch's transaction; `rebuild` recomputes the derived ones
from the daily rows, for the migration, the retention purge and bulk loads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, timedelta

from collector.store.sqlite.sql import in_list

#: Time that counts as working time: everything active except non-work.
WORKING = "category != 'non_work'"


def rebuild(conn: sqlite3.Connection, since_day: str = "", *, weeks: bool = True) -> None:
    """Recompute the derived levels from daily rollups on or after `since_day`.

    Monthly rows are rebuilt for whole months, from the month of `since_day`,
    and weekly ones for whole weeks, from its Monday. `weeks=False` is for
    m003, which ran before the weekly level existed (m013 makes it).
    """
    month = since_day[:7]
    if weeks:
        monday = week_monday(since_day) if since_day else ""
        conn.execute("DELETE FROM person_weeks WHERE week >= ?", (monday,))
        conn.execute(
            f"""INSERT INTO person_weeks
                SELECT person_id, date(day, 'weekday 0', '-6 days') AS week, SUM(active_s)
                FROM rollups WHERE day >= ? AND {WORKING} GROUP BY person_id, week""",
            (monday,),
        )
    conn.execute("DELETE FROM rollups_monthly WHERE month >= ?", (month,))
    conn.execute(
        """INSERT INTO rollups_monthly
           SELECT person_id, MIN(team_id), substr(day, 1, 7), category, client,
                  SUM(active_s), SUM(idle_s)
           FROM rollups WHERE day >= ? GROUP BY person_id, substr(day, 1, 7), category, client""",
        (month,),
    )
    conn.execute("DELETE FROM team_rollups WHERE day >= ?", (since_day,))
    conn.execute(
        """INSERT INTO team_rollups SELECT team_id, day, category, SUM(active_s)
           FROM rollups WHERE day >= ? GROUP BY day, team_id, category""",
        (since_day,),
    )
    conn.execute("DELETE FROM team_days WHERE day >= ?", (since_day,))
    conn.execute(
        f"""INSERT INTO team_days
            SELECT r.team_id, r.day, r.people, r.working_s, COALESCE(i.count, 0),
                   COALESCE(i.away_s, 0), COALESCE(i.task_switches, 0)
            FROM (SELECT team_id, day, COUNT(DISTINCT person_id) AS people,
                         TOTAL(CASE WHEN {WORKING} THEN active_s END) AS working_s
                  FROM rollups WHERE day >= ? GROUP BY day, team_id) r
            LEFT JOIN (SELECT team_id, day, SUM(count) AS count, SUM(away_s) AS away_s,
                              SUM(task_switches) AS task_switches
                       FROM interruption_days WHERE day >= ? GROUP BY day, team_id) i
              ON i.team_id = r.team_id AND i.day = r.day""",
        (since_day, since_day),
    )


def week_monday(day: str) -> str:
    """The Monday of `day`'s ISO week, as SQL's `date(day, 'weekday 0', '-6 days')`."""
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


def week_split(start: str, end: str) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """Split [start, end] into whole ISO weeks (first and last Monday) and the
    days at either edge, as `month_split` does for months.

    >>> week_split("2026-11-04", "2026-11-24")
    (('2026-11-09', '2026-11-16'), [('2026-11-04', '2026-11-08'), ('2026-11-23', '2026-11-24')])
    """
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if first > last:
        return None, []
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    after = last + timedelta(days=1)
    stop = after - timedelta(days=after.weekday())  # first day not in whole weeks
    if monday >= stop:
        return None, [(start, end)]
    edges = []
    if first < monday:
        edges.append((start, (monday - timedelta(days=1)).isoformat()))
    if stop <= last:
        edges.append((stop.isoformat(), end))
    return (monday.isoformat(), (stop - timedelta(days=7)).isoformat()), edges


def month_split(start: str, end: str) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """Split [start, end] into whole months and the days at either edge.

    >>> month_split("2025-11-24", "2026-01-05")
    (('2025-12', '2025-12'), [('2025-11-24', '2025-11-30'), ('2026-01-01', '2026-01-05')])
    """
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if first > last:
        return None, []
    month_start = first if first.day == 1 else _next_month(first)
    after = last + timedelta(days=1)
    month_end = after.replace(day=1)  # first day not covered by whole months
    if month_start >= month_end:
        return None, [(start, end)]
    edges = []
    if first < month_start:
        edges.append((start, (month_start - timedelta(days=1)).isoformat()))
    if month_end <= last:
        edges.append((month_end.isoformat(), end))
    last_month = month_end - timedelta(days=1)
    return (month_start.isoformat()[:7], last_month.isoformat()[:7]), edges


def _next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def person_row_parts(
    start: str,
    end: str,
    team_ids: list[int] | None,
    where: str = "",
    where_params: Sequence = (),
) -> list[tuple[str, list]]:
    """SELECTs of per-person rows (person_id, team_id, category, client,
    active_s) that together cover [start, end]: whole months from
    `rollups_monthly`, edge days from `rollups`; each with its parameters.
    `where` (with `where_params`) is an extra condition on those columns."""
    teams, team_params = in_list("team_id", team_ids)
    extra_params: list = [*where_params, *team_params]
    extra = f" AND ({where})" if where else ""
    cols = "person_id, team_id, category, client, active_s"
    months, edges = month_split(start, end)
    parts = []
    if months:
        parts.append(
            (
                f"SELECT {cols} FROM rollups_monthly WHERE month BETWEEN ? AND ?{extra}{teams}",
                [*months, *extra_params],
            )
        )
    for lo, hi in edges:
        parts.append(
            (
                f"SELECT {cols} FROM rollups WHERE day BETWEEN ? AND ?{extra}{teams}",
                [lo, hi, *extra_params],
            )
        )
    return parts or [(f"SELECT {cols} FROM rollups WHERE 0", [])]


def person_rows(
    start: str,
    end: str,
    team_ids: list[int] | None,
    where: str = "",
    where_params: Sequence = (),
) -> tuple[str, list]:
    """`person_row_parts` as one UNION ALL."""
    parts = person_row_parts(start, end, team_ids, where, where_params)
    return " UNION ALL ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]


def purge_derived(conn: sqlite3.Connection, day: str) -> None:
    """After daily rows before `day` are gone: drop derived rows before it,
    and recompute the month that `day` falls in from what remains."""
    month = day[:7]
    conn.execute("DELETE FROM team_rollups WHERE day < ?", (day,))
    conn.execute("DELETE FROM team_days WHERE day < ?", (day,))
    monday = week_monday(day)
    conn.execute("DELETE FROM person_weeks WHERE week <= ?", (monday,))
    conn.execute(
        f"""INSERT INTO person_weeks
            SELECT person_id, ?, SUM(active_s) FROM rollups
            WHERE day BETWEEN ? AND ? AND {WORKING} GROUP BY person_id""",
        (monday, monday, (date.fromisoformat(monday) + timedelta(days=6)).isoformat()),
    )
    conn.execute("DELETE FROM rollups_monthly WHERE month <= ?", (month,))
    conn.execute(
        """INSERT INTO rollups_monthly
           SELECT person_id, MIN(team_id), substr(day, 1, 7), category, client,
                  SUM(active_s), SUM(idle_s)
           FROM rollups WHERE day BETWEEN ? AND ?
           GROUP BY person_id, substr(day, 1, 7), category, client""",
        (f"{month}-01", f"{month}-31"),
    )
