"""A person who joined today moves no figure by a full person (issue 13, docs/design.md §4).

The issue's numbers, on a real collector: 27 people tracked all month and
one who joined today. Before the fix the overview's target went from
4,320 to 4,480 h (a full 160-hour month for the newcomer) and workload's
lowest week read 0.0 h.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.collector.batches import batch, plan
from tests.fixtures.collector_server import now_iso

PEOPLE = 27
DAY_MINUTES = 7 * 60


def _enroll(c, token: str, user: str) -> str:
    """Enroll and consent over the API with one shared token (one CLI call in all)."""
    body = {"enrollment_token": token, "hostname": f"{user}-pc", "os": "linux"}
    r = c.api("POST", "/enroll", json={**body, "agent_version": "test", "user": user})
    assert r.status_code == 201, r.text
    device, version = r.json()["device_token"], r.json()["policy"]["consent"]["version"]
    consent = {"decision": "granted", "consent_version": version, "at": now_iso()}
    assert c.api("POST", "/consent", device, json=consent).status_code == 200
    return device


def _utc_batch(segments: list[dict]) -> dict:
    body = batch(segments)
    body["timezone"] = "UTC"  # rollup days are the UTC dates used below
    return body


@pytest.fixture(scope="module")
def month(shared_collector):
    c = shared_collector
    now = datetime.now(UTC).replace(microsecond=0)
    joined = now - timedelta(minutes=30)
    today = joined.date()
    start = today - timedelta(days=27)
    weekdays = [
        start + timedelta(days=n) for n in range(27) if (start + timedelta(days=n)).weekday() < 5
    ]
    enrollment = c.cli("token", "create", "--team", "ops").strip()
    for i in range(PEOPLE):
        token = _enroll(c, enrollment, f"staff{i}")
        # One day well before the range: they were here before it began.
        before = datetime.combine(start - timedelta(days=14), datetime.min.time(), UTC)
        segs = plan(before.replace(hour=8), [("payroll", 60)])
        for day in weekdays:
            segs += plan(
                datetime.combine(day, datetime.min.time(), UTC).replace(hour=8),
                [("payroll", DAY_MINUTES)],
            )
        r = c.api("POST", "/summaries", token, json=_utc_batch(segs))
        assert r.status_code == 200, r.text
    newcomer = _enroll(c, enrollment, "newcomer")
    r = c.api("POST", "/summaries", newcomer, json=_utc_batch(plan(joined, [("payroll", 20)])))
    assert r.status_code == 200, r.text
    return {"from": start.isoformat(), "to": today.isoformat(), "weekdays": len(weekdays)}


def _report(c, name: str, span: dict) -> dict:
    r = c.api("GET", f"/reports/{name}", c.admin_key, params=span)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_newcomer_adds_one_day_to_the_target_not_a_month(shared_collector, month):
    span = {"from": month["from"], "to": month["to"]}
    body = _report(shared_collector, "overview", span)
    assert body["people"] == PEOPLE + 1
    month_target = PEOPLE * 40 * 28 / 7
    assert month_target == 4320
    # 4,320 h for the 27 and a day (40 / 7 h) for the newcomer; it was 4,480 h.
    assert body["target_hours"] == pytest.approx(month_target + 40 / 7)
    tracked = PEOPLE * month["weekdays"] * 7 + 20 / 60
    assert body["tracked_hours"] == pytest.approx(tracked)
    # The ratio moves by the newcomer's day only (4,320 -> 4,480 took 5 points off).
    assert tracked / body["target_hours"] == pytest.approx(tracked / month_target, abs=0.002)
    weeks = {w["week"]: w["target_hours"] for w in body["week_targets"]}
    assert sum(weeks.values()) == pytest.approx(body["target_hours"])


def test_the_newcomer_is_not_a_lowest_week_of_zero(shared_collector, month):
    span = {"from": month["from"], "to": month["to"]}
    body = _report(shared_collector, "workload", span)
    assert body["people"] == PEOPLE + 1
    # Joined today: no whole day yet, so not rated rather than "unused capacity".
    assert body["not_rated"] == 1 and body["unused_capacity"] == 0
    # The distribution holds whole weeks only: the 27 worked 5 x 7 h in each.
    assert body["distribution_people"] == PEOPLE
    assert body["whole_weeks"] >= 3
    assert body["distribution"]["min"] == pytest.approx(35.0)
    assert body["median_weekly_hours"] == pytest.approx(35.0)
