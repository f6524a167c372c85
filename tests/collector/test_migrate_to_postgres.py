"""`backlight-collector migrate --to postgresql://...` (issue 11): a SQLite
database with history arrives whole in an empty PostgreSQL one, verified; a
target with data, or a copy that does not check out, leaves the target as
it was. Run as an operator runs it, on the test run's PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from collector.jobs import open_counting_store
from collector.store import StoreError, copy_to_postgresql
from collector.store import copy_to_postgres as copying
from tests.fixtures.collector_server import run_cli

CLI = [sys.executable, "-m", "collector.cli"]
#: Tables a demo fills; each must arrive with every row.
FILLED = ("teams", "people", "devices", "batches", "segments", "rollups", "team_days", "settings")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("migrate") / "demo.db"
    run_cli(db, "demo", "--people", "6", "--days", "4")
    return db


def _tables(store) -> list[str]:
    rows = store.all(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    return sorted(r[0] for r in rows if r[0] != "backlight_migrations")


def _migrate(db: Path, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, "migrate", "--db", str(db), "--to", url],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_demo_database_arrives_whole_and_verified(demo_db, postgres_url):
    done = _migrate(demo_db, postgres_url)
    assert done.returncode == 0, done.stderr
    assert "counts and totals verified" in done.stderr
    lite, pg = open_counting_store(demo_db, migrate=False), open_counting_store(postgres_url)
    try:
        tables = _tables(pg)
        for table in tables:
            assert pg.row_count(table) == lite.row_count(table), table
        for table in FILLED:
            assert pg.row_count(table) > 0, table
        for sql in (
            "SELECT SUM(active_s), SUM(idle_s), SUM(keys) FROM rollups",
            "SELECT SUM(working_s), SUM(people) FROM team_days",
            "SELECT COUNT(DISTINCT device_id), MAX(start) FROM segments",
        ):
            assert tuple(pg.one(sql)) == pytest.approx(tuple(lite.one(sql))), sql
        assert dict(pg.all("SELECT key, value FROM settings")) == dict(
            lite.all("SELECT key, value FROM settings")
        )  # the salt and the session secret carry over
        first = lite.one("SELECT MAX(id) FROM teams")[0]
        assert pg.add_team("after the move") == first + 1  # ids go on after the copied ones
    finally:
        lite.close()
        pg.close()


def test_a_target_holding_data_is_refused_and_left_as_it_was(demo_db, postgres_url):
    pg = open_counting_store(postgres_url)
    try:
        pg.add_team("already here")
        done = _migrate(demo_db, postgres_url)
        assert done.returncode != 0
        assert "not empty" in done.stderr and "teams" in done.stderr
        assert [t["name"] for t in pg.teams()] == ["already here"]
        assert pg.row_count("segments") == 0
    finally:
        pg.close()


def test_a_copy_that_does_not_check_out_keeps_nothing(demo_db, postgres_url, monkeypatch):
    monkeypatch.setattr(copying, "_same", lambda a, b: False)
    with pytest.raises(StoreError, match="totals"):
        copy_to_postgresql(demo_db, postgres_url)
    pg = open_counting_store(postgres_url)
    try:
        assert all(pg.row_count(t) == 0 for t in FILLED if t != "settings")
    finally:
        pg.close()


def test_only_sqlite_into_postgresql(demo_db, postgres_url, tmp_path):
    with pytest.raises(StoreError, match="postgresql://"):
        copy_to_postgresql(demo_db, f"sqlite:///{tmp_path / 'other.db'}")
    with pytest.raises(StoreError, match="SQLite"):
        copy_to_postgresql(postgres_url, postgres_url)
    done = _migrate(tmp_path / "missing.db", postgres_url)
    assert done.returncode != 0
