"""Group commit on SQLite (store/sqlite/group_commit.py): batches queued for
the writer are stored in one transaction, each still whole or not at all.

The test holds the file's write lock while the writers queue, so that all of
them are in one group when it lets go: what a busy collector does by itself
while a commit waits for the disk.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

from collector.jobs import open_counting_store
from collector.store import BatchIdReused, StoreUnavailable
from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan
from tests.collector.store.test_concurrent_ingest import _devices


def _body(days_ago: int, hour: int, steps, batch_id: str | None = None) -> SummaryBatch:
    return SummaryBatch.model_validate_json(
        json.dumps(batch(plan(day_at(days_ago, hour), steps), batch_id))
    )


def _queued(url: str, jobs: list) -> tuple[list, list[int]]:
    """Run each job(store) in a thread of its own while the write lock is held;
    release it once all are queued. Returns the results and the group sizes."""
    holder = open_counting_store(url, migrate=False)
    queue = holder._write_queue
    results: list = [None] * len(jobs)

    def run(i: int) -> None:
        own = open_counting_store(url, migrate=False)
        try:
            results[i] = jobs[i](own)
        except Exception as exc:
            results[i] = exc
        finally:
            own.close()

    before = len(queue.groups)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    with queue.lock:
        for n, t in enumerate(threads, 1):  # one at a time: the group keeps this order
            t.start()
            deadline = time.monotonic() + 30
            while len(queue._waiting) < n and time.monotonic() < deadline:
                time.sleep(0.005)
            assert len(queue._waiting) == n
    for t in threads:
        t.join(timeout=60)
    holder.close()
    return results, queue.groups[before:]


def test_queued_batches_commit_together_each_whole_or_not_at_all(sqlite_store, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ana, ben = _devices(sqlite_store, 2)
    ana_morning = _body(2, 8, [("payroll", 10), ("meetings", 5)], "ana-morning")
    # Neither is stored yet when both are queued, so only the group can tell
    # that this one reuses the id with other content.
    reused = _body(2, 12, [("payroll", 1)], "ana-morning")
    ana_noon = _body(2, 12, [("payroll", 20)])  # the same person-day, same group
    ben_morning = _body(2, 8, [("invoicing", 30)])
    results, groups = _queued(
        url,
        [
            lambda s: s.ingest(ana, ana_morning),
            lambda s: s.ingest(ana, reused),
            lambda s: s.ingest(ana, ana_noon),
            lambda s: s.ingest(ben, ben_morning),
            lambda s: s.ingest(ben, ben_morning),  # a retry racing the first copy
        ],
    )
    assert groups == [5], "one commit for all five"
    assert results[0] == (2, False) and results[2] == (1, False)
    assert isinstance(results[1], BatchIdReused), results[1]
    assert results[3:] == [(1, False), (0, True)]
    assert sqlite_store.row_count("batches") == 3
    assert sqlite_store.row_count("segments") == 2 + 1 + 1
    day = day_at(2, 8).date().isoformat()
    # Each person counted once on the day, though ana's two batches shared a transaction.
    assert sqlite_store.one("SELECT people FROM team_days WHERE day = ?", (day,))[0] == 2
    payroll = sqlite_store.one(
        "SELECT active_s FROM team_rollups WHERE day = ? AND category = 'payroll'", (day,)
    )[0]
    assert payroll == pytest.approx((10 + 20) * 60)


def test_a_failure_of_the_database_fails_the_whole_group_and_stores_nothing(sqlite_store, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    (ana,) = _devices(sqlite_store, 1)
    body = _body(1, 8, [("payroll", 10)])

    def broken(_s):
        raise sqlite3.OperationalError("disk I/O error")

    results, groups = _queued(
        url, [lambda s: s.ingest(ana, body), lambda s: s.grouped_write(broken)]
    )
    assert groups == [2]
    assert all(isinstance(r, StoreUnavailable) for r in results), results
    assert sqlite_store.row_count("batches") == 0
    assert sqlite_store.row_count("segments") == 0
    assert sqlite_store.row_count("rollups") == 0
    # The agent's retry is stored as a first copy.
    assert sqlite_store.ingest(ana, body) == (1, False)


def test_work_that_fails_half_way_is_rolled_back_alone(sqlite_store, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ana, ben = _devices(sqlite_store, 2)
    doomed = _body(1, 8, [("payroll", 10), ("meetings", 5)])
    kept = _body(1, 8, [("invoicing", 30)])

    def half_way(s):
        s.ingest(ana, doomed)  # inside the group's transaction: part of this work
        raise RuntimeError("after writing")

    results, groups = _queued(
        url, [lambda s: s.grouped_write(half_way), lambda s: s.ingest(ben, kept)]
    )
    assert groups == [2]
    assert isinstance(results[0], RuntimeError) and results[1] == (1, False)
    assert sqlite_store.row_count("batches") == 1
    assert [r[0] for r in sqlite_store.all("SELECT category FROM segments")] == ["invoicing"]
    assert [r[0] for r in sqlite_store.all("SELECT category FROM rollups")] == ["invoicing"]
