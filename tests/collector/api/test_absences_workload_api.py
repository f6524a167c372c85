"""Absences and available hours through the real API (docs/design.md §3, §4 Workload)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.collector.batches import batch, plan


@pytest.fixture(scope="module")
def week(shared_collector):
    """Five people in 'ops', 32 hours each over last Monday-to-Friday (6.4 h a day)."""
    c = shared_collector
    c.cli("settings", "set", "privacy.individual_reports=true")
    c.cli("team", "add", "other")
    today = date.today()
    monday = today - timedelta(days=today.weekday() + 7)
    tokens = [c.enroll(f"w{i}") for i in range(5)]
    for token in tokens:
        for n in range(5):
            start = datetime.combine(monday + timedelta(days=n), time(8), UTC)
            r = c.api("POST", "/summaries", token, json=batch(plan(start, [("payroll", 384)])))
            assert r.status_code == 200, r.text
    return {
        "monday": monday,
        "span": {
            "from": monday.isoformat(),
            "to": (monday + timedelta(days=6)).isoformat(),
            "team": "ops",
        },
    }


def _workload(c, week):
    r = c.api("GET", "/reports/workload", c.admin_key, params=week["span"])
    assert r.status_code == 200, r.text
    return r.json()


def _person(body, name):
    return next(p for p in body["persons"] if p["person"] == f"ops / {name}")


def test_32_tracked_of_32_available_hours_is_balanced(shared_collector, week):
    body = _workload(shared_collector, week)
    assert body["shrinkage"] == 0.20
    assert body["available_weekly_hours"] == pytest.approx(32)
    for p in body["persons"]:
        assert p["tracked_hours"] == pytest.approx(32)
        assert p["available_hours"] == pytest.approx(32)
        assert p["status"] == "balanced"
    assert body["unused_capacity"] == 0 and body["share_of_available"] == pytest.approx(1.0)


def test_an_absence_lowers_available_hours_and_can_be_deleted(shared_collector, week):
    c = shared_collector
    friday = (week["monday"] + timedelta(days=4)).isoformat()
    item = {"employee": "w0", "from": friday, "to": friday}
    r = c.api("POST", "/absences", c.admin_key, json={"items": [item]})
    assert r.status_code == 200, r.text
    (absence_id,) = r.json()["ids"]
    p = _person(_workload(c, week), "w0")
    assert p["available_hours"] == pytest.approx(25.6)
    assert p["status"] == "overload"  # 32 tracked on 4 days: worked while recorded away
    assert _person(_workload(c, week), "w1")["status"] == "balanced"

    r = c.api("DELETE", f"/absences/{absence_id}", c.admin_key)
    assert r.status_code == 200 and r.json() == {"deleted": absence_id}
    assert _person(_workload(c, week), "w0")["available_hours"] == pytest.approx(32)
    assert c.api("DELETE", f"/absences/{absence_id}", c.admin_key).status_code == 404


def test_an_absence_has_no_reason_and_bad_items_store_nothing(shared_collector, week):
    c = shared_collector
    day = week["monday"].isoformat()
    sick = {"employee": "w1", "from": day, "to": day, "reason": "flu"}
    r = c.api("POST", "/absences", c.admin_key, json={"items": [sick]})
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "items.0.reason"
    items = [
        {"employee": "w1", "from": day, "to": day},
        {"employee": "nobody", "from": day, "to": day},
        {"employee": "w2", "from": day, "to": "2000-01-01"},
    ]
    r = c.api("POST", "/absences", c.admin_key, json={"items": items})
    assert r.status_code == 400
    assert {f["field"] for f in r.json()["fields"]} == {"items.1.employee", "items.2.to"}
    assert _person(_workload(c, week), "w1")["available_hours"] == pytest.approx(32)
    store = c.store()
    assert "reason" not in store.db["absences"].columns_dict
    store.close()


def test_a_manager_records_absences_only_for_their_teams(shared_collector, week):
    c = shared_collector
    other = c.cli("apikey", "create", "--role", "manager", "--team", "other").strip()
    mine = c.cli("apikey", "create", "--role", "manager", "--team", "ops").strip()
    day = week["monday"].isoformat()
    item = {"employee": "w3", "from": day, "to": day}
    assert c.api("POST", "/absences", other, json={"items": [item]}).status_code == 403
    r = c.api("POST", "/absences", mine, json={"items": [item]})
    assert r.status_code == 200, r.text
    absence_id = r.json()["ids"][0]
    assert c.api("DELETE", f"/absences/{absence_id}", other).status_code == 404
    assert c.api("DELETE", f"/absences/{absence_id}", mine).status_code == 200
