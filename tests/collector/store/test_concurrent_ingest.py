"""Writers side by side, as several server threads or collector processes are:
one store (connection) each, on both backends.

On PostgreSQL the writers really run at once (row locks, an advisory lock on
the batch id); on SQLite they queue for the write lock. Either way the same
batch posted twice at once is stored once and answered "duplicate" the second
time, and rollups after many concurrent batches equal a recount from the raw
segments.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest

from collector.jobs import open_counting_store
from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan

WRITERS = 4


def _devices(store, people: int) -> list:
    team = store.add_team("ops")
    devices = []
    for n in range(people):
        token = store.create_enrollment_token(team, 1, None)
        device_id, device_token = store.enroll(token, f"pc{n}", "linux", "test", f"user{n}")
        store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
        devices.append(store.device_by_token(device_token))
    return devices


def _at_once(store_url: str, jobs: list) -> list:
    """Run each job(store) in its own thread with its own store, all released together."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i: int) -> None:
        own = open_counting_store(store_url, migrate=False)
        try:
            start.wait(timeout=30)
            results[i] = jobs[i](own)
        except BaseException as exc:  # reported by the assertion below
            results[i] = exc
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_the_same_batch_posted_twice_at_once_is_stored_once(store, store_url):
    (device,) = _devices(store, 1)
    steps = plan(day_at(1, 9), [("payroll", 10), ("meetings", 5), ("payroll", 10)])
    body = SummaryBatch.model_validate_json(json.dumps(batch(steps, "batch-twice")))
    results = _at_once(store_url, [lambda s: s.ingest(device, body)] * WRITERS)
    assert sorted(results) == [(0, True)] * (WRITERS - 1) + [(3, False)]
    assert store.row_count("batches") == 1
    assert store.row_count("segments") == 3


def test_rollups_after_concurrent_batches_equal_a_recount_of_the_segments(store, store_url):
    devices = _devices(store, WRITERS)
    categories = ["payroll", "meetings", "communication", "invoicing"]

    def post_many(device, shift: int):
        def job(s) -> int:
            stored = 0
            for b in range(6):
                # Every writer touches the same team-days and categories, in
                # another order each: the rows concurrent upserts fight over.
                mix = categories[shift:] + categories[:shift]
                steps = plan(day_at(b % 3 + 1, 8, 5 * b), [(c, 4) for c in mix])
                body = SummaryBatch.model_validate_json(json.dumps(batch(steps)))
                stored += s.ingest(device, body)[0]
            return stored

        return job

    results = _at_once(store_url, [post_many(d, i) for i, d in enumerate(devices)])
    assert results == [6 * len(categories)] * WRITERS
    assert store.row_count("segments") == WRITERS * 6 * len(categories)
    recount = {
        (r[0], r[1]): r[2]
        for r in store.all(
            "SELECT day, category, SUM(end - start) FROM segments GROUP BY day, category"
        )
    }
    team = {
        (r[0], r[1]): r[2] for r in store.all("SELECT day, category, active_s FROM team_rollups")
    }
    daily = {
        (r[0], r[1]): r[2]
        for r in store.all(
            "SELECT day, category, SUM(active_s) FROM rollups GROUP BY day, category"
        )
    }
    assert team.keys() == recount.keys() == daily.keys()
    for key, seconds in recount.items():
        assert team[key] == pytest.approx(seconds) and daily[key] == pytest.approx(seconds)
    people = store.all("SELECT day, people FROM team_days ORDER BY day")
    assert [r[1] for r in people] == [WRITERS] * 3  # each person counted once per day


def test_one_persons_batches_of_one_day_at_once_count_the_person_once(store, store_url):
    """Batches of the same person-day in several processes at once (a retry
    racing the next upload): the team's day counts the person once."""
    (device,) = _devices(store, 1)
    for day in range(1, 6):
        bodies = [
            SummaryBatch.model_validate_json(
                json.dumps(batch(plan(day_at(day, 8 + n), [("payroll", 10), ("meetings", 5)])))
            )
            for n in range(WRITERS)
        ]
        results = _at_once(store_url, [lambda s, b=b: s.ingest(device, b) for b in bodies])
        assert results == [(2, False)] * WRITERS
    assert [r[0] for r in store.all("SELECT people FROM team_days")] == [1] * 5
