"""Focus sessions are counted per person-day when the day is settled, read
before settling too, and per person for /me/summary (both backends).

The day, worked by hand (shared/focus.py): payroll 10 min, a 3-minute chat,
payroll 10 min, then reporting 20 min. Payroll 0-23 is one session (20 of
23 min, 87%); reporting 23-43 is another: 43 min in 2 sessions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan

DAY = [("payroll", 10), ("communication", 3), ("payroll", 10), ("reporting", 20)]
ALL = ("2000-01-01", "2100-01-01")


@pytest.fixture
def ann(store):
    team = store.add_team("ops")
    token = store.create_enrollment_token(team, 1, None)
    device_id, device_token = store.enroll(token, "pc", "linux", "test", "ann")
    store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
    return store.device_by_token(device_token)


def ingest(store, device, days_ago: int) -> None:
    body = batch(plan(day_at(days_ago, 9), DAY))
    store.ingest(device, SummaryBatch.model_validate_json(json.dumps(body)))


def focus(store) -> tuple[float, int]:
    days = store.interruption_days(None, *ALL)
    return sum(d["focus_s"] for d in days), sum(d["focus_sessions"] for d in days)


def test_a_settled_day_has_its_focus_sessions(store, ann):
    ingest(store, ann, 2)
    ingest(store, ann, 1)
    store.settle_interruptions()
    assert focus(store) == (2 * 43 * 60, 4)
    stored = store.all("SELECT focus_s, focus_sessions FROM interruption_days ORDER BY day")
    assert [tuple(r) for r in stored] == [(43 * 60, 2), (43 * 60, 2)]


def test_a_day_not_settled_yet_is_counted_in_memory(store, ann):
    ingest(store, ann, 1)
    assert focus(store) == (43 * 60, 2)  # nothing settled, nothing stale
    summary = store.person_summary(ann.person_id, *ALL)
    assert summary["focus"] == {"hours": pytest.approx(43 / 60), "sessions": 2}
    store.settle_interruptions()
    assert focus(store) == (43 * 60, 2)


def test_a_later_batch_of_the_same_day_recounts_its_focus(store, ann):
    ingest(store, ann, 1)
    store.settle_interruptions()
    late = batch(plan(day_at(1, 14), [("payroll", 16)]))
    store.ingest(ann, SummaryBatch.model_validate_json(json.dumps(late)))
    store.settle_interruptions()
    assert focus(store) == ((43 + 16) * 60, 3)
