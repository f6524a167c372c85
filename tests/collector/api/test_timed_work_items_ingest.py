"""Timed work items in a batch (docs/design.md §3, `work_items`): stored with
the batch in one transaction, a retry harmless, a changed body refused, a bad
item refusing the whole batch; the backlog report's handle time then comes
from the tray once 20 are timed. Through the real collector process."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from tests.collector.batches import batch, plan

SALT = "unused"  # refs are opaque to the collector: any 64 hex characters


def ref(n: int) -> str:
    return hmac.new(SALT.encode(), f"Q-{n}".encode(), hashlib.sha256).hexdigest()


def timed(n: int, started: datetime, minutes: float, outcome: str = "completed") -> dict:
    return {
        "type": "queries",
        "ref": ref(n),
        "started": started.isoformat(),
        "ended": (started + timedelta(minutes=minutes)).isoformat(),
        "active_seconds": int(minutes * 60),
        "outcome": outcome,
    }


def _count(c, table: str) -> int:
    with sqlite3.connect(c.db) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _post(c, device, body):
    return c.api("POST", "/summaries", device, json=body)


def test_timed_items_ride_with_their_batch_once_and_whole(collector):
    c = collector
    device = c.enroll("ann")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    body = batch(plan(start, [("payroll", 30), ("invoicing", 20)]))
    body["work_items"] = [timed(1, start, 12), timed(2, start + timedelta(minutes=15), 10)]
    r = _post(c, device, body)
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 2 and r.json()["duplicate"] is False
    with sqlite3.connect(c.db) as db:
        rows = db.execute(
            "SELECT type, ref, active_s, outcome, ended - started FROM work_item_timings"
            " ORDER BY started"
        ).fetchall()
    assert rows == [
        ("queries", ref(1), 720.0, "completed", 720.0),
        ("queries", ref(2), 600.0, "completed", 600.0),
    ]
    # A retry (new sent_at) stores nothing twice.
    retry = {**body, "sent_at": datetime.now(UTC).isoformat()}
    r = _post(c, device, retry)
    assert r.status_code == 200 and r.json()["duplicate"] is True
    assert _count(c, "work_item_timings") == 2
    # The same batch_id with another timed item is another batch: 409, nothing stored.
    changed = {**body, "work_items": [timed(1, start, 11), body["work_items"][1]]}
    r = _post(c, device, changed)
    assert r.status_code == 409 and r.json()["error"] == "batch_id_reused"
    dropped = {**body, "work_items": body["work_items"][:1]}
    assert _post(c, device, dropped).status_code == 409
    assert _count(c, "work_item_timings") == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"active_seconds": 3600}, "work_items.0"),  # more than its span
        ({"ref": "Q-1"}, "work_items.0.ref"),  # a reference in clear is refused
        ({"outcome": "done"}, "work_items.0.outcome"),
        ({"started": "2026-11-23T09:00:00"}, "work_items.0.started"),  # no offset
    ],
)
def test_a_bad_timed_item_refuses_the_whole_batch(collector, change, field):
    c = collector
    device = c.enroll("bob")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    body = batch(plan(start, [("payroll", 30)]))
    body["work_items"] = [{**timed(1, start, 12), **change}]
    r = _post(c, device, body)
    assert r.status_code == 400, r.text
    assert r.json()["fields"][0]["field"].startswith(field), r.json()
    assert _count(c, "work_item_timings") == 0 and _count(c, "segments") == 0


def test_a_timed_item_ending_in_the_future_is_refused(collector):
    c = collector
    device = c.enroll("cid")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    body = batch(plan(start, [("payroll", 30)]))
    body["work_items"] = [timed(1, start, 12), timed(2, start + timedelta(minutes=20), 120)]
    r = _post(c, device, body)
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "work_items.1.ended"
    assert _count(c, "segments") == 0


def test_handle_time_comes_from_the_tray_once_twenty_are_timed(collector):
    c = collector
    types = {
        "types": [
            {"key": "queries", "name": "Queries", "function": "payroll", "sla_business_days": 2}
        ]
    }
    assert c.api("PUT", "/work-types", c.admin_key, json=types).ok
    r = c.api("PUT", "/settings", c.admin_key, json={"settings": {"privacy.min_group_size": 1}})
    assert r.status_code == 200, r.text
    device = c.enroll("dee")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
    # 19 completed items of 6, 7, ..., 24 minutes, and one not completed (ignored).
    first = [timed(n, start + timedelta(minutes=15 * n), 6 + n) for n in range(19)]
    first.append(timed(99, start, 1, outcome="not_completed"))
    body = batch(plan(start, [("payroll", 300)]))
    body["work_items"] = first
    assert _post(c, device, body).status_code == 200
    report = c.api("GET", "/reports/backlog", c.admin_key).json()["types"][0]
    assert report["handle_source"] in ("desktop", None)  # 19 timed: not enough
    later = start + timedelta(minutes=300)
    body = batch(plan(later, [("payroll", 10)]))
    body["work_items"] = [timed(19, later, 25)]
    assert _post(c, device, body).status_code == 200
    report = c.api("GET", "/reports/backlog", c.admin_key).json()["types"][0]
    # Median of 6..25 minutes: (15 + 16) / 2 = 15.5 min.
    assert report["handle_source"] == "timed"
    assert report["handle_hours"] == pytest.approx(15.5 / 60)
