"""The before/after report over a real store (both backends): units recorded on
a day nobody was tracked still count, with no hours, as in time per unit."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest

from collector.service.before_after import before_after_report
from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan

D = 5  # the change: five days ago


def _person(store, team: int, name: str, days_ago: list[int]) -> None:
    token = store.create_enrollment_token(team, 1, None)
    device_id, device_token = store.enroll(token, f"{name}-pc", "linux", "test", name)
    store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
    segs = [s for ago in days_ago for s in plan(day_at(ago, 9), [("payroll", 60)])]
    body = batch(segs)
    store.ingest(
        store.device_by_token(device_token), SummaryBatch.model_validate_json(json.dumps(body))
    )


def test_units_on_an_untracked_day_count_with_no_hours(store):
    team = store.add_team("ops")
    # Tracked D-3, D-2, D-1 and D, D+2 (not D+1): an hour of payroll each, five people.
    for i in range(5):
        _person(store, team, f"p{i}", [D + 3, D + 2, D + 1, D, D - 2])
    rows = [
        {
            "date": day_at(ago, 9).date().isoformat(),
            "function": "payroll",
            "team_id": team,
            "person_id": None,
            "client_key": None,
            "units": 2,
            "corrections": 0,
        }
        for ago in (D + 3, D + 2, D + 1, D, D - 1, D - 2)
    ]
    store.add_output_units(rows, "api", "test")
    change = store.add_change(day_at(D, 9).date().isoformat(), "Rule pack", [team], "user:root")
    body = before_after_report(store, change, None)
    assert body["window_days"] == 3
    pay = next(f for f in body["figures"] if f["function"] == "payroll")
    # Before: 5 h and 2 units a day, 2.5 h a unit, no variation. After: 5, 0 and 5 h over
    # 2 units a day: 10 / 6 h a unit; residuals 5/3, -10/3, 5/3, s^2 = 25/3,
    # SE = sqrt(25/9) / 2 = 5/6.
    assert pay["before"] == pytest.approx(2.5) and pay["after"] == pytest.approx(10 / 6)
    assert pay["difference"] == pytest.approx(10 / 6 - 2.5)
    half = 1.96 * 5 / 6
    assert pay["low"] == pytest.approx(10 / 6 - 2.5 - half)
    assert pay["high"] == pytest.approx(10 / 6 - 2.5 + half)
    assert (pay["days_before"], pay["days_after"]) == (3, 3)
    assert pay["verdict"] is None  # under five days a window
    # Interruptions count tracked days only: two after the change.
    assert (body["before"]["days"], body["after"]["days"]) == (3, 2)
    assert math.isfinite(pay["low"])
    # An hour of payroll a person-day is one focus session: 1 h a person-day on both sides.
    focus = next(f for f in body["figures"] if f["metric"] == "focus_hours_per_person_day")
    assert focus["before"] == pytest.approx(1.0) and focus["after"] == pytest.approx(1.0)
    assert [d["focus_hours_per_person"] for d in body["daily"]] == pytest.approx([1.0] * 5)
