"""A reused batch_id: the same batch is a harmless retry, another body is a 409.

Against a real collector process (docs/design.md §3 ingest rules): a retry as the
agent sends it (new `sent_at`, times spelled another way) answers 200
`duplicate`; the same id with other content answers 409 `batch_id_reused`
and stores nothing; another device may use the same id.
"""

from __future__ import annotations

import copy
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from tests.collector.batches import batch, day_at, plan


def _stored(db) -> tuple[int, int]:
    with sqlite3.connect(db) as c:
        return (
            c.execute("SELECT COUNT(*) FROM segments").fetchone()[0],
            c.execute("SELECT COUNT(*) FROM batches").fetchone()[0],
        )


@pytest.fixture(scope="module")
def device(shared_collector):
    return shared_collector.enroll("rita")


def _post(server, token, body):
    return server.api("POST", "/summaries", token, json=body)


def test_a_retry_with_a_new_sent_at_and_other_spelling_is_a_duplicate(shared_collector, device):
    body = batch(plan(day_at(1, 9), [("payroll", 30), ("invoicing", 10)]))
    assert _post(shared_collector, device, body).json()["duplicate"] is False
    retry = copy.deepcopy(body)
    retry["sent_at"] = (datetime.now(UTC) + timedelta(minutes=7)).isoformat()
    for seg in retry["segments"]:  # the same instants, with fractional seconds spelled out
        for k in ("start", "end"):
            seg[k] = datetime.fromisoformat(seg[k]).isoformat(timespec="microseconds")
    r = _post(shared_collector, device, retry)
    assert r.status_code == 200, r.text
    assert r.json() == {"batch_id": body["batch_id"], "accepted": 0, "duplicate": True}


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["segments"].pop(),
        lambda b: b["segments"][0].update(keys=b["segments"][0]["keys"] + 1),
        lambda b: b["segments"][0].update(category="reporting"),
        lambda b: b.update(rules_version=b["rules_version"] + 1),
        lambda b: [  # the same instants at another UTC offset: other local days
            s.update({k: datetime.fromisoformat(s[k]).astimezone(UTC).isoformat()})
            for s in b["segments"]
            for k in ("start", "end")
        ],
    ],
    ids=["a segment fewer", "other keys", "other category", "other rules version", "other offset"],
)
def test_the_same_batch_id_with_another_body_is_refused_and_stores_nothing(
    shared_collector, device, change
):
    body = batch(plan(day_at(2, 9), [("payroll", 20), ("communication", 5), ("payroll", 15)]))
    assert _post(shared_collector, device, body).status_code == 200
    before = _stored(shared_collector.db)
    other = copy.deepcopy(body)
    change(other)
    r = _post(shared_collector, device, other)
    assert r.status_code == 409, r.text
    assert r.json()["error"] == "batch_id_reused"
    assert [f["field"] for f in r.json()["fields"]] == ["batch_id"]
    assert _stored(shared_collector.db) == before
    # The first body is still a harmless retry afterwards.
    assert _post(shared_collector, device, body).json()["duplicate"] is True


def test_another_device_may_use_the_same_batch_id(shared_collector, device):
    body = batch(plan(day_at(3, 9), [("payroll", 20)]))
    assert _post(shared_collector, device, body).status_code == 200
    other_device = shared_collector.enroll("sam")
    other = batch(plan(day_at(3, 11), [("invoicing", 20)]), batch_id=body["batch_id"])
    r = _post(shared_collector, other_device, other)
    assert r.status_code == 200 and r.json()["accepted"] == 1


def test_a_batch_stored_before_digests_were_kept_stays_a_duplicate(shared_collector, device):
    """Its body was not kept, so nothing can tell a retry from another body."""
    body = batch(plan(day_at(4, 9), [("payroll", 20)]))
    assert _post(shared_collector, device, body).status_code == 200
    with sqlite3.connect(shared_collector.db) as c:
        c.execute("UPDATE batches SET body_digest = NULL WHERE batch_id = ?", (body["batch_id"],))
    other = batch(plan(day_at(4, 14), [("invoicing", 5)]), batch_id=body["batch_id"])
    r = _post(shared_collector, device, other)
    assert r.status_code == 200 and r.json()["duplicate"] is True


def test_the_api_document_lists_the_409(shared_collector):
    doc = shared_collector.api("GET", "/openapi.json").json()
    answer = doc["paths"]["/api/v1/summaries"]["post"]["responses"]["409"]
    assert "batch_id_reused" in answer["description"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
