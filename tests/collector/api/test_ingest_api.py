"""POST /summaries over real HTTP: stored once, whole, or refused with the field named."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest

from collector.jobs import SETTLE_EVERY_S
from tests.collector.batches import batch, day_at, plan, segment


def count(db, table: str = "segments") -> int:
    with sqlite3.connect(db) as c:
        return c.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def device(shared_collector):
    return shared_collector.enroll("ana")


def test_a_batch_is_stored_once_and_a_retry_says_duplicate(shared_collector, device):
    body = batch(plan(day_at(1, 9), [("payroll", 30), ("communication", 5), ("payroll", 20)]))
    before = count(shared_collector.db)
    first = shared_collector.api("POST", "/summaries", device, json=body)
    assert first.status_code == 200, first.text
    assert first.json() == {"batch_id": body["batch_id"], "accepted": 3, "duplicate": False}
    again = shared_collector.api("POST", "/summaries", device, json=body)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert count(shared_collector.db) == before + 3


def test_rollups_hold_the_active_time_per_category(shared_collector, device):
    body = batch(plan(day_at(2, 10), [("invoicing", 45), ("invoicing", 15)], client="acme"))
    assert shared_collector.api("POST", "/summaries", device, json=body).status_code == 200
    with sqlite3.connect(shared_collector.db) as c:
        secs = c.execute(
            "SELECT active_s FROM rollups WHERE category='invoicing' AND client='acme'"
        ).fetchone()[0]
    assert secs == pytest.approx(3600)


def test_a_segment_across_midnight_is_split_between_the_two_days(shared_collector, device):
    start = day_at(3, 23, 30)
    body = batch([segment(start, 60, "reporting", app="powerbi")])
    assert shared_collector.api("POST", "/summaries", device, json=body).status_code == 200
    with sqlite3.connect(shared_collector.db) as c:
        rows = dict(c.execute("SELECT day, active_s FROM rollups WHERE category='reporting'"))
    assert rows == {
        start.date().isoformat(): pytest.approx(1800),
        (start + timedelta(hours=1)).date().isoformat(): pytest.approx(1800),
    }


def _bad(**changes):
    seg = segment(day_at(1, 14), 10, "payroll")
    seg.update(changes.pop("segment", {}))
    body = batch([seg])
    body.update(changes)
    return body


BAD_BATCHES = {
    "unknown category": (_bad(segment={"category": "gaming"}), "segments.0.category"),
    "window title smuggled in": (_bad(segment={"title": "Secret doc"}), "segments.0.title"),
    "unknown top-level field": (_bad(hostname="x"), "hostname"),
    "time without offset": (_bad(segment={"start": "2026-11-20T09:00:00"}), "segments.0.start"),
    "not a time": (_bad(segment={"end": "tomorrow"}), "segments.0.end"),
    "keys as a string": (_bad(segment={"keys": "12"}), "segments.0.keys"),
    "negative clicks": (_bad(segment={"clicks": -1}), "segments.0.clicks"),
    "bad state": (_bad(segment={"state": "away"}), "segments.0.state"),
    "bad timezone": (_bad(timezone="Mars/Olympus"), "timezone"),
    "missing batch_id": ({k: v for k, v in _bad().items() if k != "batch_id"}, "batch_id"),
    "empty segments": (_bad(segments=[]), "segments"),
    "bad client key": (_bad(segment={"client": "Acme Corp!"}), "segments.0.client"),
}


@pytest.mark.parametrize("name", list(BAD_BATCHES))
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    shared_collector, device, name
):
    body, field = BAD_BATCHES[name]
    before = count(shared_collector.db), count(shared_collector.db, "batches")
    r = shared_collector.api("POST", "/summaries", device, json=body)
    assert r.status_code == 400, r.text
    assert field in [f["field"] for f in r.json()["fields"]], r.json()
    assert (count(shared_collector.db), count(shared_collector.db, "batches")) == before


def test_overlapping_or_reversed_segments_are_refused(shared_collector, device):
    t = day_at(1, 8)
    overlapping = batch(
        [segment(t, 10, "payroll"), segment(t + timedelta(minutes=5), 10, "payroll")]
    )
    r = shared_collector.api("POST", "/summaries", device, json=overlapping)
    assert r.status_code == 400
    assert r.json()["fields"][0]["field"] == "segments.1.start"
    reversed_ = batch([segment(t, -5, "payroll")])
    r = shared_collector.api("POST", "/summaries", device, json=reversed_)
    assert r.status_code == 400
    assert r.json()["fields"][0]["field"] == "segments.0.end"


def test_segments_from_the_future_are_refused(shared_collector, device):
    start = datetime.now(UTC) + timedelta(minutes=10)
    r = shared_collector.api(
        "POST", "/summaries", device, json=batch([segment(start, 5, "payroll")])
    )
    assert r.status_code == 400
    assert r.json()["fields"][0]["field"] == "segments.0.end"


def test_oversize_and_non_json_bodies_get_413_and_415(shared_collector, device):
    big = shared_collector.api(
        "POST",
        "/summaries",
        device,
        data=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert big.status_code == 413 and big.json()["error"] == "too_large"
    text = shared_collector.api(
        "POST", "/summaries", device, data=b"hello", headers={"Content-Type": "text/plain"}
    )
    assert text.status_code == 415
    garbage = shared_collector.api(
        "POST",
        "/summaries",
        device,
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert garbage.status_code == 400


def test_more_than_500_segments_in_a_batch_are_refused(shared_collector, device):
    t = day_at(20, 0)
    segs = [segment(t + timedelta(minutes=i), 1, "payroll") for i in range(501)]
    r = shared_collector.api("POST", "/summaries", device, json=batch(segs))
    assert r.status_code == 400
    assert r.json()["fields"][0]["field"] == "segments"


def test_a_wrong_token_gets_401_and_no_consent_gets_403(shared_collector):
    body = batch([segment(day_at(1, 9), 5, "payroll")])
    assert shared_collector.api("POST", "/summaries", "bld_wrong", json=body).status_code == 401
    assert shared_collector.api("POST", "/summaries", None, json=body).status_code == 401
    no_consent = shared_collector.enroll("bo", consent=False)
    r = shared_collector.api("POST", "/summaries", no_consent, json=body)
    assert r.status_code == 403 and r.json()["error"] == "consent_required"


def test_withdrawn_consent_stops_ingest(shared_collector):
    token = shared_collector.enroll("cy")
    r = shared_collector.api(
        "POST",
        "/consent",
        token,
        json={
            "decision": "withdrawn",
            "consent_version": 1,
            "at": datetime.now(UTC).isoformat(),
        },
    )
    assert r.status_code == 200
    body = batch([segment(day_at(1, 9), 5, "payroll")])
    assert shared_collector.api("POST", "/summaries", token, json=body).status_code == 403


def test_the_server_recounts_interruptions_in_the_background(shared_collector, device):
    """Without any report asking, the backlog empties within a few settle rounds."""
    steps = plan(day_at(17, 10), [("payroll", 10), ("communication", 4), ("payroll", 10)])
    assert shared_collector.api("POST", "/summaries", device, json=batch(steps)).status_code == 200
    day = day_at(17, 10).date().isoformat()
    deadline = time.monotonic() + 4 * SETTLE_EVERY_S
    while time.monotonic() < deadline:
        with sqlite3.connect(shared_collector.db) as c:
            pending = c.execute("SELECT COUNT(*) FROM interruption_backlog").fetchone()[0]
            counted = c.execute(
                "SELECT SUM(count) FROM interruption_days WHERE day = ?", (day,)
            ).fetchone()[0]
        if pending == 0:
            break
        time.sleep(0.2)
    assert pending == 0
    assert counted == 1
