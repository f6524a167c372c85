"""A database made by an older release is brought forward, its data kept."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from collector.store import open_store
from collector.store.sqlite import SqliteStore
from collector.store.sqlite.schema import migrations


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
    store = SqliteStore(path)
    before = store.one("SELECT COUNT(*) FROM _sqlite_migrations")[0]
    store.migrate()
    assert store.one("SELECT COUNT(*) FROM _sqlite_migrations")[0] == before
    store.close()


def test_m008_rounds_fractional_units_and_reports_the_count(tmp_path, capfd):
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m008_integer_units")
    db.execute("INSERT INTO teams (name, created_at) VALUES ('ops', '2026-01-01')")
    rows = [
        ("scheduling", 2.0, 0.0),  # whole already: untouched
        ("scheduling", 75.2, 0.0),
        ("qa_evaluation", 10.5, 0.4),
        ("reporting", 2.4, 2.4),  # corrections would stay 2, units 2: fine
        ("onboarding", 1.4, 1.6),  # corrections 2 > units 1: capped at units
        ("payroll", 1.0, 3.6),  # paychecks may exceed cycles
    ]
    for function, units, corrections in rows:
        db.execute(
            """INSERT INTO output_units (date, function, team_id, units, corrections, source,
               created_at, created_by) VALUES ('2026-11-02', ?, 1, ?, ?, 'api', 'x', 'x')""",
            (function, units, corrections),
        )
    db.conn.commit()
    db.conn.close()
    capfd.readouterr()

    store = open_store(path)
    assert "rounded 5 output-unit row(s)" in capfd.readouterr().err
    got = [tuple(r) for r in store.all("SELECT units, corrections FROM output_units ORDER BY id")]
    assert got == [(2, 0), (75, 0), (11, 0), (2, 2), (1, 1), (1, 4)]
    assert all(type(u) is int and type(c) is int for u, c in got)
    audit = store.one("SELECT detail FROM audit_log WHERE action = 'migration.integer_units'")
    assert '"rounded": 5' in audit["detail"]
    assert store.one("SELECT COUNT(*) FROM sqlite_master WHERE name = 'output_units_date'")[0] == 1
    store.close()
