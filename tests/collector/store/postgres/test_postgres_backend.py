"""The PostgreSQL backend's own parts: picking it by URL, its failures as
the store's errors, the health probe, the wipe after an erasure, and the
SQLite-only commands refusing by name. Shared behaviour is tested on both
backends by the tests one folder up."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from collector.jobs import open_counting_store
from collector.store import StoreError, StoreUnavailable, backup, open_store, restore
from collector.store.postgres import PostgresStore
from collector.store.postgres.dialect import translate
from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import free_port


@pytest.fixture
def pg(postgres_url: str):
    store = open_counting_store(postgres_url)
    yield store
    store.close()


def test_both_schemes_open_the_postgresql_backend(postgres_url):
    for url in (postgres_url, postgres_url.replace("postgresql://", "postgres://", 1)):
        store = open_store(url)
        try:
            assert isinstance(store, PostgresStore)
            assert store.pending_migrations() == []
        finally:
            store.close()


def test_a_server_that_does_not_answer_is_unavailable_at_once():
    url = f"postgresql://backlight@127.0.0.1:{free_port()}/nothing"
    with pytest.raises(StoreUnavailable, match="cannot connect to PostgreSQL"):
        open_store(url)


def test_backup_and_restore_refuse_and_name_pg_dump(postgres_url, tmp_path: Path):
    with pytest.raises(StoreError, match="pg_dump"):
        backup(postgres_url, tmp_path / "copy.db")
    with pytest.raises(StoreError, match="pg_restore"):
        restore(tmp_path / "copy.db", postgres_url)
    assert not list(tmp_path.iterdir())


def test_the_health_probe_writes_nothing_and_names_a_held_lock(pg, postgres_url):
    assert pg.write_problem() is None
    assert pg.one("SELECT value FROM settings WHERE key = '_health_probe'") is None
    holder = psycopg.connect(postgres_url)
    try:
        holder.execute("LOCK TABLE settings IN ACCESS EXCLUSIVE MODE")
        problem = pg.write_problem()
    finally:
        holder.close()
    assert problem is not None and "lock" in problem
    assert pg.write_problem() is None


def test_a_unique_key_broken_inside_a_write_rolls_back_all_of_it(pg):
    from collector.store import Conflict

    with pytest.raises(Conflict), pg.write() as c:
        c.execute("INSERT INTO teams (name, created_at) VALUES ('a', 'now')")
        c.execute("INSERT INTO teams (name, created_at) VALUES ('a', 'now')")
    assert pg.teams() == []
    assert pg.add_team("b") > 0  # the store is usable after it


def test_after_an_erasure_no_byte_of_the_person_is_left_in_the_tables(pg, postgres_server):
    name = "Zelda-Quokka-7781"
    team = pg.add_team("ops")
    token = pg.create_enrollment_token(team, 1, None)
    _device_id, device_token = pg.enroll(token, f"{name}-pc", "linux", "test", name)
    device = pg.device_by_token(device_token)
    pg.record_consent(device.id, "granted", 1, datetime.now(UTC).isoformat())
    steps = plan(day_at(1, 9), [("payroll", 10), ("meetings", 5)], app=f"{name}.exe")
    pg.ingest(device, SummaryBatch.model_validate_json(json.dumps(batch(steps))))
    files = (
        postgres_server.data
        / "base"
        / str(pg.one("SELECT oid FROM pg_database WHERE datname = current_database()")[0])
    )

    def found() -> bool:
        pg.conn.execute("CHECKPOINT")  # pages in the server's memory go to the files
        return any(name.encode() in f.read_bytes() for f in files.iterdir() if f.is_file())

    assert found()  # else the check below proves nothing
    pg.person_erase(device.person_id, "test")
    pg.wipe_free_space()
    assert not found()
    assert pg.row_count("segments") == 0


def test_statements_are_made_postgresql_s():
    text, identity = translate("INSERT OR IGNORE INTO teams (name) VALUES (?)")
    assert (text, identity) == (
        "INSERT INTO teams (name) VALUES (%s) ON CONFLICT DO NOTHING",
        "teams",
    )
    assert translate("SELECT start, end FROM segments WHERE x IS NOT ?")[0] == (
        'SELECT start, "end" FROM segments WHERE x IS DISTINCT FROM %s'
    )
    assert translate("SELECT CASE WHEN a THEN 1 END, '?%' FROM [t] WHERE 0")[0] == (
        "SELECT CASE WHEN a THEN 1 END, '?%%' FROM \"t\" WHERE FALSE"
    )
    assert translate("SELECT SUM(x) FROM (SELECT x FROM t) GROUP BY y")[0] == (
        "SELECT SUM(x) FROM (SELECT x FROM t) AS _q1 GROUP BY y"
    )
    upsert = translate(
        "INSERT INTO r (k, n) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET n = n + excluded.n"
    )[0]
    assert upsert.endswith("DO UPDATE SET n = r.n + excluded.n")


def test_threads_share_a_few_connections(postgres_url, monkeypatch):
    monkeypatch.setenv("BACKLIGHT_PG_POOL", "2")
    stores = [open_store(postgres_url, migrate=False) for _ in range(6)]
    try:
        errors: list = []

        def read(s) -> None:
            try:
                for _ in range(20):
                    s.teams()
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=read, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        count = stores[0].one(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
        )[0]
        assert count <= 2
    finally:
        for s in stores:
            s.close()
