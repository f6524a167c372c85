"""``person_range`` and the ``/me/summary`` body built on it, on both backends:
one person's rows only, read in one transaction (the service nests the store's
reads in a snapshot, which must join rather than fail on PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from collector.service.my_summary import my_summary
from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan


def _device(store, team, user):
    token = store.create_enrollment_token(team, 1, None)
    device_id, device_token = store.enroll(token, f"{user}-pc", "linux", "test", user)
    store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
    return store.device_by_token(device_token)


def _unit(day, person_id, team, units):
    return {
        "date": day,
        "function": "payroll",
        "team_id": team,
        "person_id": person_id,
        "client_key": None,
        "units": units,
        "corrections": 0,
    }


def test_a_persons_range_holds_their_rows_only(store):
    team = store.add_team("ops")
    ann, bo = _device(store, team, "ann"), _device(store, team, "bo")
    steps = [("payroll", 30), ("communication", 5), ("payroll", 45)]
    for device, segments in ((ann, steps), (bo, [("payroll", 240)])):
        body = SummaryBatch.model_validate_json(json.dumps(batch(plan(day_at(3, 9), segments))))
        store.ingest(device, body)
    day = day_at(3, 9).date().isoformat()
    rows = [_unit(day, ann.person_id, team, 3), _unit(day, bo.person_id, team, 50)]
    store.add_output_units([*rows, _unit(day, None, team, 100)], "api", "test")

    got = store.person_range(ann.person_id, day, day)
    assert got["days"] == [{"day": day, "hours": pytest.approx(80 / 60)}]
    assert got["units"] == {"payroll": 3}
    assert [s[3] for s in got["spans"]] == ["payroll", "communication", "payroll"]
    assert all(isinstance(s[0], float) and s[2] == 60 for s in got["spans"])

    body = my_summary(store, ann.person_id, day, day)
    assert body["functions"] == [
        {
            "function": "payroll",
            "hours": pytest.approx(1.25),  # 30 + 45 min
            "units": 3,
            "hours_per_unit": pytest.approx(1.25 / 3),
        }
    ]
    assert body["focus"] == {"hours": pytest.approx(75 / 60), "sessions": 2}
    assert body["longest_focus"]["minutes"] == pytest.approx(45)
    assert body["interruptions"]["count"] == 1
