"""A database made by an older release is brought forward, its data kept."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from collector.store import Store, open_store
from collector.store.schema import migrations


def test_a_database_at_the_first_schema_is_migrated_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m002_device_queue_health")
    db.execute("INSERT INTO teams (name, created_at) VALUES ('ops', '2026-01-01')")
    db.execute("INSERT INTO people (team_id, name, created_at) VALUES (1, 'ana', '2026-01-01')")
    db.execute(
        """INSERT INTO devices (id, person_id, token_hash, hostname, os, agent_version, created_at)
           VALUES ('d1', 1, 'h', 'pc', 'linux', '0.0.1', '2026-01-01')"""
    )
    db.conn.commit()
    assert "queue_segments" not in db["devices"].columns_dict
    db.conn.close()

    store = open_store(path)
    assert store.pending_migrations() == []
    row = store.one("SELECT hostname, queue_segments, quarantined_batches FROM devices")
    assert tuple(row) == ("pc", 0, 0)
    store.close()


def test_migrating_twice_changes_nothing(tmp_path):
    path = tmp_path / "db.db"
    open_store(path).close()
    store = Store(path)
    before = store.one("SELECT COUNT(*) FROM _sqlite_migrations")[0]
    store.migrate()
    assert store.one("SELECT COUNT(*) FROM _sqlite_migrations")[0] == before
    store.close()
