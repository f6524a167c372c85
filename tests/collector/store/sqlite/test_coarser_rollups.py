"""The monthly and per-team levels that long reports read agree with the
daily rollups they are derived from, whether kept up at ingest or rebuilt."""

from __future__ import annotations

import pytest

from collector import demo
from collector.jobs import open_counting_store
from collector.store.sqlite.rollups import month_split, rebuild, week_split

DERIVED = {
    "rollups_monthly": "person_id, month, category, client",
    "person_weeks": "person_id, week",
    "team_rollups": "day, team_id, category",
    "team_days": "day, team_id",
}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = open_counting_store(str(tmp_path_factory.mktemp("agg") / "demo.db"))
    demo.fill(store, people=9, days=40, seed=3)
    yield store
    store.close()


def _snapshot(store, table: str) -> list[tuple]:
    rows = store.all(f"SELECT * FROM {table} ORDER BY {DERIVED[table]}")
    return [tuple(round(v, 3) if isinstance(v, float) else v for v in r) for r in rows]


@pytest.mark.parametrize("table", sorted(DERIVED))
def test_levels_kept_at_ingest_equal_a_rebuild_from_daily_rows(demo_store, table):
    kept = _snapshot(demo_store, table)
    assert kept, f"{table} is empty after the demo"
    with demo_store.write() as c:
        rebuild(c)
    assert _snapshot(demo_store, table) == kept


def test_reports_over_months_equal_sums_of_daily_rows(demo_store):
    first, last = demo_store.one("SELECT MIN(day), MAX(day) FROM rollups")
    by_category = demo_store.hours_by_category(None, first, last)
    daily = {
        r[0]: r[1]
        for r in demo_store.all(
            "SELECT category, SUM(active_s) / 3600.0 FROM rollups GROUP BY category"
        )
    }
    assert by_category == pytest.approx(daily)
    people = demo_store.one("SELECT COUNT(DISTINCT person_id) FROM rollups")[0]
    assert demo_store.people_tracked(None, first, last) == people
    per_person = {r["person"]: r["hours"] for r in demo_store.hours_by_person(None, first, last)}
    assert sum(per_person.values()) == pytest.approx(
        demo_store.one("SELECT SUM(active_s) / 3600.0 FROM rollups WHERE category != 'non_work'")[0]
    )


def test_purge_keeps_the_levels_consistent(sqlite_store):
    from datetime import datetime, time, timedelta

    store = sqlite_store
    demo.fill(store, people=6, days=30, seed=5)
    first, last = store.one("SELECT MIN(day), MAX(day) FROM rollups")
    cutoff_day = (datetime.fromisoformat(first) + timedelta(days=12)).date()
    store.purge_before(datetime.combine(cutoff_day, time()).astimezone())
    kept = {t: _snapshot(store, t) for t in DERIVED}
    with store.write() as c:
        rebuild(c)
    assert {t: _snapshot(store, t) for t in DERIVED} == kept
    assert store.one("SELECT MIN(day) FROM team_days")[0] >= cutoff_day.isoformat()


@pytest.mark.parametrize(
    ("start", "end", "months", "edges"),
    [
        ("2026-03-01", "2026-03-31", ("2026-03", "2026-03"), []),
        ("2026-03-02", "2026-03-31", None, [("2026-03-02", "2026-03-31")]),
        (
            "2025-11-24",
            "2026-02-05",
            ("2025-12", "2026-01"),
            [("2025-11-24", "2025-11-30"), ("2026-02-01", "2026-02-05")],
        ),
        ("2026-02-01", "2026-02-28", ("2026-02", "2026-02"), []),
        ("2024-02-01", "2024-02-28", None, [("2024-02-01", "2024-02-28")]),
        ("2026-05-10", "2026-05-01", None, []),
    ],
)
def test_a_range_splits_into_whole_months_and_edge_days(start, end, months, edges):
    assert month_split(start, end) == (months, edges)


@pytest.mark.parametrize(
    ("start", "end", "weeks", "edges"),
    [
        ("2026-11-02", "2026-11-29", ("2026-11-02", "2026-11-23"), []),
        (
            "2026-11-04",
            "2026-11-24",
            ("2026-11-09", "2026-11-16"),
            [("2026-11-04", "2026-11-08"), ("2026-11-23", "2026-11-24")],
        ),
        ("2026-11-03", "2026-11-08", None, [("2026-11-03", "2026-11-08")]),
        ("2026-12-28", "2027-01-10", ("2026-12-28", "2027-01-04"), []),
        ("2026-11-10", "2026-11-01", None, []),
    ],
)
def test_a_range_splits_into_whole_weeks_and_edge_days(start, end, weeks, edges):
    assert week_split(start, end) == (weeks, edges)
