"""New interruption thresholds recount all of history, not only days that get
new data, and the store says how far the recount is (both backends)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan

#: A 4-minute chat between two 3-minute focus stretches: an interruption with
#: min_focus_s=120 (the default), none with min_focus_s=240.
DAY = [("payroll", 3), ("communication", 4), ("payroll", 3), ("reporting", 10)]


@pytest.fixture
def filled(store):
    team = store.add_team("ops")
    token = store.create_enrollment_token(team, 1, None)
    device_id, device_token = store.enroll(token, "pc", "linux", "test", "ann")
    store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
    device = store.device_by_token(device_token)
    for days_ago in range(1, 8):
        body = batch(plan(day_at(days_ago, 9), DAY))
        store.ingest(device, SummaryBatch.model_validate_json(json.dumps(body)))
    store.settle_interruptions()
    return store


def _total(store) -> int:
    return sum(r["count"] for r in store.interruption_days(None, "2000-01-01", "2100-01-01"))


def test_new_thresholds_recount_every_stored_day(filled):
    store = filled
    assert _total(store) == 7
    assert store.recount_status()["running"] is False

    store.set_settings({"interruptions.min_focus_s": "240"})
    status = store.recount_status()
    assert status["running"] is True
    assert (status["done"], status["total"]) == (0, 7)
    assert (status["previous_min_focus_s"], status["min_focus_s"]) == (120, 240)
    assert _total(store) == 7  # not recounted yet: the old counts, and the stamp says so

    assert store.recount_history_step(limit=3) == 3
    assert store.recount_status()["done"] == 3
    assert _total(store) == 4  # three days are recounted
    while store.recount_history_step(limit=3):
        pass
    status = store.recount_status()
    assert status["running"] is False and status["done"] == status["total"] == 7
    assert status["finished_at"] is not None
    assert _total(store) == 0
    # the per-person counts agree with the team totals
    assert store.one("SELECT SUM(count) FROM interruption_days")[0] == 0


def test_other_settings_queue_nothing_and_a_second_change_requeues(filled):
    store = filled
    store.set_settings({"cost.hourly_rate": "30"})
    assert store.recount_status()["total"] == 0
    store.set_settings({"interruptions.min_focus_s": "240"})
    store.recount_history_step(limit=2)
    store.set_settings({"interruptions.min_focus_s": "60"})
    status = store.recount_status()
    # every day again, and the counts not reached yet still date from 120 s
    assert (status["done"], status["total"], status["previous_min_focus_s"]) == (0, 7, 120)
    while store.recount_history_step():
        pass
    assert _total(store) == 7


def test_a_refused_change_queues_nothing(filled):
    store = filled
    from collector.service.settings_table import SettingError

    with pytest.raises(SettingError):
        store.set_settings({"interruptions.min_focus_s": "240", "privacy.min_group_size": "-1"})
    assert store.recount_status()["total"] == 0
    assert store.row_count("interruption_recount_queue") == 0
