"""Marked changes and the before/after comparison over real HTTP
(POST/GET /changes, GET /reports/before-after), figures worked by hand."""

from __future__ import annotations

import math

import pytest

from tests.collector.batches import batch, day_at, plan

#: Change day D is 8 days ago. Interruptions per person-day (every one of the
#: five people the same each day) and payroll units of team 'ba':
BEFORE_K, BEFORE_UNITS = [2, 3, 2, 3, 2], [5, 5, 5, 5, 5]  # days D-5 .. D-1
AFTER_K, AFTER_UNITS = [1, 0, 1, 0, 1], [4, 2, 4, 2, 4]  # days D .. D+4
D = 8


def _day(k: int) -> list[tuple[str, float]]:
    """k interruptions: k times (30 min payroll, 5 min chat), then 30 min payroll.
    Payroll minutes: 30 (k + 1)."""
    return [s for _ in range(k) for s in (("payroll", 30), ("communication", 5))] + [
        ("payroll", 30)
    ]


@pytest.fixture(scope="module")
def org(shared_collector):
    c = shared_collector
    c.cli("team", "add", "ba")
    c.cli("team", "add", "other")
    days = list(range(D + 5, D - 5, -1))  # days ago of D-5 .. D+4
    ks = BEFORE_K + AFTER_K
    for i in range(5):
        token = c.enroll(f"ba{i}", "ba")
        segs = []
        for ago, k in zip(days, ks, strict=True):
            segs += plan(day_at(ago, 9), _day(k))
        # Twenty days before the change: a heavy day outside the clipped window.
        segs += plan(day_at(D + 20, 9), [("payroll", 480)])
        if i < 2:  # two people only: days D-6 and D+5 count in neither window
            segs += plan(day_at(D + 6, 9), [("payroll", 60)])
            segs += plan(day_at(D - 5, 9), [("payroll", 60)])
        segs.sort(key=lambda s: s["start"])
        r = c.api("POST", "/summaries", token, json=batch(segs))
        assert r.status_code == 200, r.text
    for i in range(5):
        token = c.enroll(f"o{i}", "other")
        r = c.api("POST", "/summaries", token, json=batch(plan(day_at(D, 9), [("payroll", 60)])))
        assert r.status_code == 200, r.text
    units = [
        {"date": day_at(ago, 9).date().isoformat(), "function": "payroll", "units": u, "team": "ba"}
        for ago, u in zip(days, BEFORE_UNITS + AFTER_UNITS, strict=True)
    ]
    r = c.api("POST", "/output-units", c.admin_key, json={"items": units})
    assert r.status_code == 200, r.text
    change_day = day_at(D, 9).date().isoformat()
    r = c.api(
        "POST",
        "/changes",
        c.admin_key,
        json={"day": change_day, "note": "Payroll rule pack 2", "teams": ["ba"]},
    )
    assert r.status_code == 201, r.text
    both = c.api(
        "POST",
        "/changes",
        c.admin_key,
        json={"day": change_day, "note": "Training", "teams": ["ba", "other"]},
    )
    assert both.status_code == 201, both.text
    return {"change": r.json(), "both": both.json(), "day": change_day}


def test_marked_change_is_listed_and_audited(shared_collector, org):
    c = shared_collector
    change = org["change"]
    assert change["day"] == org["day"] and change["teams"] == ["ba"]
    assert change["note"] == "Payroll rule pack 2"
    listed = c.api("GET", "/changes", c.admin_key).json()["changes"]
    assert [x["id"] for x in listed][:2] == [org["both"]["id"], change["id"]]
    audit = c.store().audit_log(limit=5)
    assert any(a["action"] == "changes.add" and a["target"] == str(change["id"]) for a in audit)
    other = c.cli("apikey", "create", "--role", "manager", "--team", "other").strip()
    mine = c.api("GET", "/changes", other).json()["changes"]
    # Only the change that concerns 'other', and only 'other' of its teams.
    assert [(x["id"], x["teams"]) for x in mine] == [(org["both"]["id"], ["other"])]


def test_before_after_by_hand(shared_collector, org):
    c = shared_collector
    r = c.api("GET", "/reports/before-after", c.admin_key, params={"change": org["change"]["id"]})
    assert r.status_code == 200, r.text
    body = r.json()
    # Data from D-20 before but only to D+5 after: both windows clipped to 6 days,
    # D-6 .. D-1 and D .. D+5.
    assert body["days"] == 28 and body["window_days"] == 6
    assert body["before"]["from"] == day_at(D + 6, 9).date().isoformat()
    assert body["before"]["to"] == day_at(D + 1, 9).date().isoformat()
    assert body["after"]["from"] == org["day"]
    assert body["after"]["to"] == day_at(D - 5, 9).date().isoformat()
    # The two-person days (D-6, D+5) count in neither window: five days each.
    assert (body["before"]["days"], body["after"]["days"]) == (5, 5)
    assert body["before"]["people"] == 5 and body["after"]["people"] == 5
    figures = {f["metric"]: f for f in body["figures"]}
    inter = figures["interruptions_per_person_day"]
    # Before 2,3,2,3,2: mean 2.4, s^2 0.3, SE sqrt(0.06); after 1,0,1,0,1: 0.6, same SE.
    half = 1.96 * math.sqrt(0.06 + 0.06)
    assert inter["before"] == pytest.approx(2.4) and inter["after"] == pytest.approx(0.6)
    assert inter["difference"] == pytest.approx(-1.8)
    assert inter["low"] == pytest.approx(-1.8 - half) and inter["high"] == pytest.approx(
        -1.8 + half
    )
    assert inter["verdict"] == "improved"
    pay = figures["hours_per_unit"]
    assert pay["function"] == "payroll"
    # Payroll hours a day 5 x 30 (k + 1) / 60: before 7.5,10,7.5,10,7.5 (42.5 h) over
    # 25 units = 1.7; residuals H - 1.7 U = -1,1.5,-1,1.5,-1, s^2 1.875,
    # SE sqrt(1.875 / 5) / 5. After 5,2.5,5,2.5,5 (20 h) over 16 = 1.25, residuals 0.
    se_b = math.sqrt(1.875 / 5) / 5
    assert pay["before"] == pytest.approx(1.7) and pay["after"] == pytest.approx(1.25)
    assert pay["difference"] == pytest.approx(-0.45)
    assert pay["low"] == pytest.approx(-0.45 - 1.96 * se_b)
    assert pay["high"] == pytest.approx(-0.45 + 1.96 * se_b)
    assert pay["verdict"] == "improved"
    # Focus: each 30-minute payroll run is a session (the 5-minute chats are more than
    # 4 minutes away), so 30 (k + 1) minutes a person-day: before 1.5,2,1.5,2,1.5 h
    # (mean 1.7, s^2 0.075), after 1,0.5,1,0.5,1 (0.8, the same s^2). Higher is better.
    focus = figures["focus_hours_per_person_day"]
    assert body["focus"]["available"] is True
    assert focus["before"] == pytest.approx(1.7) and focus["after"] == pytest.approx(0.8)
    assert focus["high"] == pytest.approx(-0.9 + 1.96 * math.sqrt(0.015 + 0.015))
    assert focus["verdict"] == "worse"
    assert [d["window"] for d in body["daily"]] == ["before"] * 5 + ["after"] * 5


def test_windows_follow_days_and_scope(shared_collector, org):
    c = shared_collector
    cid = org["change"]["id"]
    r = c.api("GET", "/reports/before-after", c.admin_key, params={"change": cid, "days": 3})
    assert r.status_code == 400 and "days" in r.text
    other = c.cli("apikey", "create", "--role", "manager", "--team", "other").strip()
    # Another team's change answers like a missing one.
    r = c.api("GET", "/reports/before-after", other, params={"change": cid})
    assert r.status_code == 404
    r = c.api("GET", "/reports/before-after", c.admin_key, params={"change": cid + 1000})
    assert r.status_code == 404
    # 'other' alone on the shared change: tracked on D only, so nothing to compare.
    r = c.api("GET", "/reports/before-after", other, params={"change": org["both"]["id"]})
    assert r.status_code == 200 and r.json()["window_days"] == 0 and r.json()["figures"] == []
    assert r.json()["change"]["teams"] == ["other"]


def test_a_team_below_the_minimum_group_is_suppressed(shared_collector, org):
    c = shared_collector
    c.cli("team", "add", "pair")
    for name in ("p1", "p2"):
        token = c.enroll(name, "pair")
        segs = plan(day_at(D + 2, 9), [("payroll", 60)]) + plan(day_at(D - 2, 9), [("payroll", 60)])
        assert c.api("POST", "/summaries", token, json=batch(segs)).status_code == 200
    r = c.api(
        "POST", "/changes", c.admin_key, json={"day": org["day"], "note": "x", "teams": ["pair"]}
    )
    body = c.api("GET", "/reports/before-after", c.admin_key, params={"change": r.json()["id"]})
    assert body.status_code == 200
    assert body.json()["suppressed"] is True and "figures" not in body.json()


def test_bad_input_names_the_field_and_stores_nothing(shared_collector, org):
    c = shared_collector
    before = c.api("GET", "/changes", c.admin_key).json()["changes"]
    bad = [
        ({"day": org["day"], "note": "x", "teams": ["ba", "nope"]}, "teams.1"),
        ({"day": org["day"], "note": "   ", "teams": ["ba"]}, "note"),
        ({"day": "2026-13-01", "note": "x", "teams": ["ba"]}, "day"),
        ({"day": org["day"], "note": "x", "teams": []}, "teams"),
        ({"day": "1800-01-01", "note": "x", "teams": ["ba"]}, "day"),
    ]
    for payload, field in bad:
        r = c.api("POST", "/changes", c.admin_key, json=payload)
        assert r.status_code == 400, (payload, r.text)
        assert field in {f["field"] for f in r.json()["fields"]}, r.text
    manager = c.cli("apikey", "create", "--role", "manager", "--team", "ba").strip()
    payload = {"day": org["day"], "note": "x", "teams": ["ba"]}
    assert c.api("POST", "/changes", manager, json=payload).status_code == 403
    assert c.api("GET", "/changes", c.admin_key).json()["changes"] == before
    r = c.api("GET", "/reports/before-after", c.admin_key, params={"change": "x"})
    assert r.status_code == 400 and "change" in r.text


def test_declared_in_the_openapi_document(shared_collector):
    doc = shared_collector.api("GET", "/openapi.json").json()
    assert {"get", "post"} <= set(doc["paths"]["/api/v1/changes"])
    op = doc["paths"]["/api/v1/reports/before-after"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"change", "days"}
