"""PostgreSQL's ingest sends a batch's statements in two pipelines
(store/postgres/ingest.py): a failure anywhere in them must still leave
nothing of the batch, a retry and a reused id must answer as on SQLite, and
a caller's own transaction must keep the batch inside it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from collector.jobs import open_counting_store
from collector.store import BatchIdReused, Conflict
from collector.store.postgres import ingest as pg_ingest
from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan

TABLES = ("batches", "segments", "rollups", "rollups_monthly", "team_days", "interruption_backlog")


@pytest.fixture
def pg_device(postgres_url: str):
    store = open_counting_store(postgres_url)
    team = store.add_team("ops")
    token = store.create_enrollment_token(team, 1, None)
    device_id, device_token = store.enroll(token, "pc", "linux", "test", "ann")
    store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
    yield store, store.device_by_token(device_token)
    store.close()


def _batch(batch_id: str, minutes: int = 30) -> SummaryBatch:
    segs = plan(day_at(1, 9), [("payroll", minutes), ("communication", 15)])
    return SummaryBatch.model_validate_json(json.dumps(batch(segs, f"batch-{batch_id}")))


def _counts(store) -> dict[str, int]:
    return {t: store.row_count(t) for t in TABLES}


def test_a_write_failing_inside_the_pipeline_stores_nothing_of_the_batch(pg_device, monkeypatch):
    store, device = pg_device

    real = pg_ingest.batch_parameters

    def one_start_too_many(*args):  # a segment row of NULLs: NOT NULL breaks mid-statement
        params = real(*args)
        rows = json.loads(params["segments"])
        params["segments"] = json.dumps([*rows, [1.0, *[None] * 9]])
        return params

    monkeypatch.setattr(pg_ingest, "batch_parameters", one_start_too_many)
    with pytest.raises(Conflict):
        store.ingest(device, _batch("b1"))
    assert _counts(store) == dict.fromkeys(TABLES, 0)
    monkeypatch.undo()
    assert store.ingest(device, _batch("b1")) == (2, False)  # the connection is clean again
    assert _counts(store) == {
        "batches": 1,
        "segments": 2,
        "rollups": 2,
        "rollups_monthly": 2,
        "team_days": 1,
        "interruption_backlog": 1,
    }
    assert store.one("SELECT people, working_s FROM team_days")[:] == (1, 45 * 60)


def test_a_retry_and_a_reused_id_answer_as_on_sqlite(pg_device):
    store, device = pg_device
    assert store.ingest(device, _batch("b1")) == (2, False)
    before = _counts(store)
    assert store.ingest(device, _batch("b1")) == (0, True)
    with pytest.raises(BatchIdReused):
        store.ingest(device, _batch("b1", minutes=31))
    assert _counts(store) == before
    assert store.one("SELECT SUM(active_s) FROM rollups")[0] == 45 * 60
    assert store.device_row(device.id) is not None  # and the store still answers
    assert store.ingest(device, _batch("b2")) == (2, False)
    assert store.one("SELECT people FROM team_days")[0] == 1  # the same person-day


def test_a_batch_inside_a_callers_transaction_commits_with_it(pg_device):
    store, device = pg_device
    with pytest.raises(RuntimeError), store.write():
        store.ingest(device, _batch("b1"))
        raise RuntimeError("the caller fails after the batch")
    assert _counts(store) == dict.fromkeys(TABLES, 0)
    with store.write() as c:
        store.ingest(device, _batch("b1"))
        c.execute("UPDATE teams SET name = 'ops2'")
    assert store.row_count("batches") == 1
    assert [t["name"] for t in store.teams()] == ["ops2"]


def test_a_transaction_that_ran_nothing_sends_nothing(pg_device, monkeypatch):
    store, _device = pg_device
    sent: list[str] = []
    conn = store.conn._pool.getconn()
    store.conn._pool.putconn(conn)
    real = type(conn).execute

    def spy(self, query, *args, **kwargs):
        sent.append(str(query))
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(type(conn), "execute", spy)
    with store.write():
        pass
    assert sent == []
    with store.write() as c:
        c.execute("SELECT 1")
    assert sent == ["BEGIN", "COMMIT"]


def test_the_devices_queue_health_is_kept_as_sent(pg_device):
    store, device = pg_device

    def health():
        sql = "SELECT queue_segments, quarantined_batches, last_seen_at FROM devices"
        return tuple(store.one(sql))

    store.ingest(device, _batch("b1"), queue=(7, 1))
    assert health()[:2] == (7, 1) and health()[2] is not None
    seen = health()[2]
    store.ingest(device, _batch("b2"))  # no header: the last figures stay
    assert health()[:2] == (7, 1) and health()[2] >= seen
    store.ingest(device, _batch("b2"), queue=(0, 0))  # a retry notes them too
    assert health()[:2] == (0, 0)
