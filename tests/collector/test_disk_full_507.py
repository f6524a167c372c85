"""A full disk on a real collector: 507 `storage_full`, nothing half, nothing lost, recovery.

The database lives on a 24 MB tmpfs. Batches acknowledged before the disk
fills stay; while it is full a batch (500 segments) and an enrollment answer
507 with the API's JSON error and Retry-After, `/health` answers 503 naming
the full disk, and not a row of the refused batch is stored. Once the
ballast is deleted the same batch is accepted, once, without a restart.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from collector.store.sqlite.integrity import integrity_problems
from tests.collector.batches import batch, day_at, segment
from tests.fixtures.collector_server import CollectorServer, run_cli
from tests.fixtures.small_disk import fill, small_disk  # noqa: F401 - a fixture

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="tmpfs")]


def _big(days_ago: int, n: int = 500) -> dict:
    start = day_at(days_ago, 6)
    return batch([segment(start + timedelta(seconds=30 * i), 0.5, "payroll") for i in range(n)])


def _stored(db: Path) -> tuple[int, int, list[str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        assert integrity_problems(c) == []
        batches = c.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
        segments = c.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        per_batch = c.execute("SELECT SUM(segment_count) FROM batches").fetchone()[0] or 0
        assert per_batch == segments, "every stored batch has all its segments, no more"
        ids = [r[0] for r in c.execute("SELECT batch_id FROM batches ORDER BY batch_id")]
    return batches, segments, ids


def _storage_full(r) -> None:
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["error"] == "storage_full" and body["fields"] == []
    assert "nothing" in body["message"]
    assert int(r.headers["Retry-After"]) > 0


def test_a_full_disk_answers_507_keeps_what_was_acknowledged_and_recovers(
    small_disk: Path,  # noqa: F811 - the fixture imported above
):
    server = CollectorServer(small_disk / "collector.db", small_disk.parent / "collector.log")
    run_cli(server.db, "team", "add", "ops")
    enroll_token = run_cli(server.db, "token", "create", "--team", "ops").strip()
    server.start()
    try:
        device = server.enroll("ana")
        acknowledged = [_big(d, 200) for d in (3, 4)]
        for body in acknowledged:
            assert server.api("POST", "/summaries", device, json=body).status_code == 200
        before = _stored(server.db)
        assert before[:2] == (2, 400)
        assert server.api("GET", "/health").status_code == 200

        ballast = fill(small_disk)
        refused = _big(2)
        _storage_full(server.api("POST", "/summaries", device, json=refused))
        _storage_full(server.api("POST", "/summaries", device, json=refused))  # a retry, still
        enroll = {
            "enrollment_token": enroll_token,
            "hostname": "pc2",
            "os": "linux",
            "agent_version": "test",
            "user": "ben",
        }
        _storage_full(server.api("POST", "/enroll", json=enroll))
        health = server.api("GET", "/health")
        assert health.status_code == 503, health.text
        assert health.json()["error"] == "unavailable"
        assert "disk full" in health.json()["message"]
        assert _stored(server.db) == before, "nothing half-stored, nothing lost"
        # Reads still answer.
        me = server.api(
            "GET", f"/me/summary?from={day_at(3, 6).date()}&to={day_at(3, 6).date()}", device
        )
        assert me.status_code == 200, me.text

        ballast.unlink()
        assert server.api("GET", "/health").status_code == 200
        again = server.api("POST", "/summaries", device, json=refused)
        assert again.status_code == 200 and again.json()["accepted"] == 500, again.text
        retry = server.api("POST", "/summaries", device, json=refused)
        assert retry.json()["duplicate"] is True
        assert server.api("POST", "/enroll", json=enroll).status_code == 201
        batches, segments, ids = _stored(server.db)
        assert (batches, segments) == (3, 900)
        assert sorted([*before[2], refused["batch_id"]]) == ids
        assert server.proc.poll() is None, "the collector never stopped"
    finally:
        server.stop()
