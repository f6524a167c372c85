"""The spike calendar report over real HTTP (GET /reports/spikes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.collector.batches import batch, segment


@pytest.fixture(scope="module")
def org(shared_collector):
    """Five people in 'ops' on six Mondays: reporting 1 h each on the first five
    (5 h a Monday), 3 h each on the last (15 h); payroll 30 min each, except on
    the fourth Monday, when only two of them did payroll. Two people in 'tiny'."""
    c = shared_collector
    c.cli("team", "add", "tiny")
    now = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    last_monday = now - timedelta(days=now.weekday() + 7)
    mondays = [last_monday - timedelta(days=7 * k) for k in range(5, -1, -1)]
    for i in range(5):
        token = c.enroll(f"s{i}")
        segs = []
        for w, day in enumerate(mondays):
            report_min = 180 if w == 5 else 60
            segs.append(segment(day, report_min, "reporting"))
            if w != 3 or i < 2:
                segs.append(segment(day + timedelta(hours=4), 30, "payroll"))
        r = c.api("POST", "/summaries", token, json=batch(segs))
        assert r.status_code == 200, r.text
    for name in ("t1", "t2"):
        token = c.enroll(name, "tiny")
        r = c.api("POST", "/summaries", token, json=batch([segment(mondays[-1], 60, "payroll")]))
        assert r.status_code == 200, r.text
    return {
        "from": mondays[0].date().isoformat(),
        "to": mondays[-1].date().isoformat(),
        "mondays": [d.date().isoformat() for d in mondays],
    }


def _get(c, **params):
    r = c.api("GET", "/reports/spikes", c.admin_key, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_day_against_its_weekday_median(shared_collector, org):
    body = _get(shared_collector, team="ops", **{"from": org["from"], "to": org["to"]})
    assert body["people"] == 5 and body["rule"]["baseline"] == "median"
    rows = {f["function"]: f for f in body["functions"]}
    assert set(rows) == {"reporting", "payroll"}
    days = {d["day"]: d for d in rows["reporting"]["days"]}
    assert list(days) == org["mondays"]  # only days someone was tracked
    first, last = days[org["mondays"][0]], days[org["mondays"][-1]]
    assert first["hours"] == pytest.approx(5.0) and first["baseline"] is None
    assert first["level"] == "no_baseline"
    # Five Mondays of 5 h before it: median 5; 15 h is 3 x and 10 h more.
    assert last["hours"] == pytest.approx(15.0) and last["baseline"] == pytest.approx(5.0)
    assert last["ratio"] == pytest.approx(3.0) and last["spike"] and last["level"] == "very_high"
    assert rows["reporting"]["spikes"] == 1
    # Payroll on the fourth Monday: two people, fewer than five, so nothing shows,
    # and the last Monday's baseline is the four other Mondays' 2.5 h.
    pay = {d["day"]: d for d in rows["payroll"]["days"]}
    hidden = pay[org["mondays"][3]]
    assert hidden["suppressed"] and hidden["level"] == "hidden" and hidden["hours"] is None
    assert pay[org["mondays"][-1]]["baseline"] == pytest.approx(2.5)
    assert pay[org["mondays"][-1]]["level"] == "usual"


def test_one_function_and_small_teams(shared_collector, org):
    c = shared_collector
    rng = {"from": org["from"], "to": org["to"]}
    body = _get(c, team="ops", function="payroll", **rng)
    assert [f["function"] for f in body["functions"]] == ["payroll"]
    assert body["function"] == "payroll"
    tiny = _get(c, team="tiny", **rng)
    assert tiny["suppressed"] is True and "functions" not in tiny


def test_bad_queries_name_the_field(shared_collector, org):
    c = shared_collector
    r = c.api("GET", "/reports/spikes", c.admin_key, params={"function": "coffee"})
    assert r.status_code == 400 and "function" in r.text
    r = c.api(
        "GET", "/reports/spikes", c.admin_key, params={"from": "2026-05-02", "to": "2026-05-01"}
    )
    assert r.status_code == 400 and "from" in r.text
    assert c.api("GET", "/reports/spikes").status_code == 401


def test_declared_in_the_openapi_document(shared_collector):
    doc = shared_collector.api("GET", "/openapi.json").json()
    op = doc["paths"]["/api/v1/reports/spikes"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"from", "to", "team", "function"}
