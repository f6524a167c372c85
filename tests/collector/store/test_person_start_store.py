"""The day a person counts from: the admin-set start day, else the first
tracked day (both backends)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan


def test_start_day_wins_over_first_tracked_day_and_clears(store):
    team = store.add_team("ops")
    token = store.create_enrollment_token(team, 1, None)
    device_id, device_token = store.enroll(token, "pc", "linux", "test", "ann")
    store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
    device = store.device_by_token(device_token)
    body = batch(plan(day_at(5, 9), [("payroll", 30)]))
    store.ingest(device, SummaryBatch.model_validate_json(json.dumps(body)))
    person = device.person_id
    first = day_at(5, 9).date()
    assert store.counted_from_days([person]) == {person: first}
    assert store.set_start_day(person, (first + timedelta(days=2)).isoformat())
    assert store.counted_from_days([person]) == {person: first + timedelta(days=2)}
    assert store.people()[0]["start_day"] == (first + timedelta(days=2)).isoformat()
    assert store.set_start_day(person, None)
    assert store.counted_from_days([person]) == {person: first}
    assert not store.set_start_day(person + 999, "2026-01-01")
    assert store.counted_from_days([]) == {}
