"""Reports over real HTTP, checked against the seed's worked examples."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.collector.batches import batch, plan, segment

UTC = UTC


def last_month() -> tuple[str, datetime]:
    first = date.today().replace(day=1) - timedelta(days=1)
    month = first.strftime("%Y-%m")
    return month, datetime(first.year, first.month, 1, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def org(shared_collector):
    """Five people in 'ops' and two in 'tiny'; a known fortnight of work."""
    c = shared_collector
    c.cli("team", "add", "tiny")
    # A Monday at least ten days back, so the range holds one whole week
    # whatever weekday the suite runs on (workload rates whole weeks only).
    start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(
        days=10
    )
    start -= timedelta(days=start.weekday())
    people = [c.enroll(f"p{i}") for i in range(5)]
    # 14 hours of scheduling in all (seed 001: 2 schedules -> 7 h per schedule)
    # and 40 hours of QA (80 evaluations -> 30 minutes each), spread over the five.
    for i, token in enumerate(people):
        day = start + timedelta(days=i)
        steps = [("scheduling", 14 * 60 / 5), ("qa_evaluation", 40 * 60 / 5)]
        r = c.api("POST", "/summaries", token, json=batch(plan(day, steps)))
        assert r.status_code == 200, r.text
        # One clean interruption each: 30 min payroll, 5 min chat, back to payroll.
        later = day + timedelta(hours=12)
        steps = [("payroll", 30), ("communication", 5), ("payroll", 30)]
        assert c.api("POST", "/summaries", token, json=batch(plan(later, steps))).status_code == 200
    for token in (c.enroll("t1", "tiny"), c.enroll("t2", "tiny")):
        assert (
            c.api(
                "POST", "/summaries", token, json=batch(plan(start, [("payroll", 60)]))
            ).status_code
            == 200
        )
    day = (start + timedelta(days=2)).date().isoformat()
    units = {
        "items": [
            {"date": day, "function": "scheduling", "units": 2, "corrections": 0, "team": "ops"},
            {
                "date": day,
                "function": "qa_evaluation",
                "units": 80,
                "corrections": 4,
                "team": "ops",
            },
        ]
    }
    r = c.api("POST", "/output-units", c.admin_key, json=units)
    assert r.status_code == 200 and r.json() == {"stored": 2}
    return {
        "from": (start - timedelta(days=1)).date().isoformat(),
        "to": (start + timedelta(days=6)).date().isoformat(),
    }


def _get(c, path, key=None, **params):
    r = c.api("GET", path, key or c.admin_key, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_time_per_unit_reproduces_the_seed_examples(shared_collector, org):
    body = _get(shared_collector, "/reports/time-per-unit", team="ops", **org)
    rows = {f["function"]: f for f in body["functions"]}
    assert body["people"] == 5
    assert rows["scheduling"]["hours"] == pytest.approx(14)
    assert rows["scheduling"]["hours_per_unit"] == pytest.approx(7)
    assert rows["scheduling"]["band"] == "slow"
    assert rows["qa_evaluation"]["hours_per_unit"] == pytest.approx(0.5)
    assert rows["qa_evaluation"]["band"] == "reasonable"
    assert rows["qa_evaluation"]["correction_rate"] == pytest.approx(0.05)
    assert rows["qa_evaluation"]["quality_adjusted_units"] == pytest.approx(76)
    assert rows["payroll"]["hours_per_unit"] is None
    assert rows["payroll"]["status"] == "no_output_recorded"


def test_interruptions_count_the_switches_and_cost_them(shared_collector, org):
    body = _get(shared_collector, "/reports/interruptions", team="ops", **org)
    assert body["count"] == 5
    assert body["away_minutes"] == pytest.approx(25)
    assert body["recovery_minutes_low"] == pytest.approx(50)
    assert body["recovery_minutes_high"] == pytest.approx(75)
    assert body["lost_minutes_low"] == pytest.approx(75)
    assert body["cost_low"] == pytest.approx(75 / 60 * 25)
    assert body["task_switches"] >= 5  # scheduling -> qa each day


def test_days_with_too_few_people_carry_no_figures(shared_collector, org):
    """Each ops person worked a different day: every day is a group of one."""
    body = _get(shared_collector, "/reports/interruptions", team="ops", **org)
    assert body["days"] and all(d["suppressed"] for d in body["days"])
    assert all("count" not in d or d["count"] is None for d in body["days"])
    # Together those days are five people, so the totals may count them.
    assert body["suppressed_days"] == len(body["days"])
    assert body["suppressed_days_in_totals"] is True
    assert body["count"] == 5


def test_hidden_days_stay_out_of_totals_when_few_people_share_them(shared_collector):
    """Totals minus the shown days must not give back one person's day."""
    c = shared_collector
    c.cli("team", "add", "mixed")
    people = [c.enroll(f"m{i}", "mixed") for i in range(5)]
    busy = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=20)
    lonely = busy + timedelta(days=1)
    once = [("payroll", 30), ("communication", 5), ("payroll", 30)]
    for token in people:
        assert c.api("POST", "/summaries", token, json=batch(plan(busy, once))).status_code == 200
    twice = once + [("meetings", 5), ("payroll", 30)]
    r = c.api("POST", "/summaries", people[0], json=batch(plan(lonely, twice)))
    assert r.status_code == 200
    span = {"from": busy.date().isoformat(), "to": lonely.date().isoformat()}
    body = _get(c, "/reports/interruptions", team="mixed", **span)
    shown, hidden = body["days"]
    assert (shown["day"], shown["count"], shown["suppressed"]) == (span["from"], 5, False)
    assert (hidden["day"], hidden["people"], hidden["suppressed"]) == (span["to"], 1, True)
    assert hidden.get("count") is None
    assert body["suppressed_days_in_totals"] is False
    assert body["count"] == 5  # not 7: the lonely day's two stay out
    # Focus follows the same days. The 5-minute chat is more than 4 minutes
    # away, so each 30-minute payroll stretch is a session of its own: two a
    # busy day; the lonely day's three (90 min) stay out.
    assert shown["focus_hours"] == pytest.approx(5 * 60 / 60)
    assert shown["focus_sessions"] == 10 and hidden.get("focus_hours") is None
    assert body["focus"]["hours"] == pytest.approx(5.0)
    assert body["focus"]["hours_per_person_day"] == pytest.approx(1.0)
    assert body["focus"]["sessions_per_person_day"] == pytest.approx(2)
    # The person's own summary has both days.
    me = c.api("GET", "/me/summary", people[0], params=span).json()
    assert me["focus"] == {"hours": pytest.approx((60 + 90) / 60), "sessions": 5}


def test_a_group_below_the_minimum_is_suppressed_not_zero(shared_collector, org):
    body = _get(shared_collector, "/reports/time-per-unit", team="tiny", **org)
    assert body["suppressed"] is True
    assert "5" in body["reason"]
    assert "functions" not in body
    body = _get(shared_collector, "/reports/workload", team="tiny", **org)
    assert body["suppressed"] is True


def test_a_manager_sees_only_their_teams(shared_collector, org):
    key = shared_collector.cli("apikey", "create", "--role", "manager", "--team", "tiny").strip()
    own = shared_collector.api("GET", "/reports/time-per-unit", key, params={"team": "tiny", **org})
    assert own.status_code == 200
    other = shared_collector.api(
        "GET", "/reports/time-per-unit", key, params={"team": "ops", **org}
    )
    assert other.status_code == 403
    ghost = shared_collector.api("GET", "/reports/time-per-unit", key, params={"team": "ghost"})
    assert ghost.status_code == 403
    assert shared_collector.api("GET", "/rules", key).status_code == 403


def test_bad_report_parameters_name_the_field(shared_collector, org):
    r = shared_collector.api(
        "GET", "/reports/time-per-unit", shared_collector.admin_key, params={"from": "2026-13-01"}
    )
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "from"
    r = shared_collector.api(
        "GET",
        "/reports/time-per-unit",
        shared_collector.admin_key,
        params={"from": "2026-02-01", "to": "2026-01-01"},
    )
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "from"
    r = shared_collector.api(
        "GET", "/reports/clients", shared_collector.admin_key, params={"month": "2026-1"}
    )
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "month"


def test_workload_shows_people_only_when_individual_reports_are_on(shared_collector, org):
    body = _get(shared_collector, "/reports/workload", team="ops", **org)
    assert body["people"] == 5 and body["persons"] is None
    assert body["distribution"]["max"] > 0


def test_the_clients_report_reproduces_the_seed_margin_table(collector):
    """Seed 001: A 26%, B 20%, C 20% at $25/h with 80, 200 and 160 back-office hours."""
    c = collector
    c.cli("settings", "set", "privacy.min_group_size=1")
    month, start = last_month()
    for key, name, revenue, cost, hours in [
        ("client-a", "Client A", 50000, 35000, 80),
        ("client-b", "Client B", 50000, 35000, 200),
        ("client-c", "Client C", 30000, 20000, 160),
    ]:
        assert (
            c.api("POST", "/clients", c.admin_key, json={"key": key, "name": name}).status_code
            == 201
        )
        r = c.api(
            "PUT",
            f"/clients/{key}/financials",
            c.admin_key,
            json={"month": month, "revenue": revenue, "agent_cost": cost},
        )
        assert r.status_code == 200, r.text
        token = c.enroll(f"worker-{key}")
        segs = [
            segment(start + timedelta(days=d), 8 * 60, "invoicing", client=key)
            for d in range(hours // 8)
        ]
        assert c.api("POST", "/summaries", token, json=batch(segs)).status_code == 200
    body = _get(c, "/reports/clients", month=month)
    rows = {r["client"]: r for r in body["clients"]}
    assert rows["client-a"]["back_office_cost"] == pytest.approx(2000)
    assert rows["client-a"]["gross_margin"] == pytest.approx(13000)
    assert rows["client-a"]["margin_share"] == pytest.approx(0.26)
    assert rows["client-b"]["margin_share"] == pytest.approx(0.20)
    assert rows["client-c"]["margin_share"] == pytest.approx(0.20)
    assert rows["client-b"]["back_office_hours"] == pytest.approx(
        2.5 * rows["client-a"]["back_office_hours"]
    )


def test_output_units_csv_with_a_bad_row_stores_nothing(shared_collector, org):
    c = shared_collector
    before = c.api(
        "GET", "/output-units", c.admin_key, params={"from": "2000-01-01", "to": "2100-01-01"}
    ).text
    csv = "date,function,units,team\n2026-11-02,payroll,3,ops\n2026-11-02,payroll,-1,ops\n"
    r = c.api("POST", "/output-units", c.admin_key, data=csv, headers={"Content-Type": "text/csv"})
    assert r.status_code == 400
    assert r.json()["fields"][0]["field"] == "rows.3.units"
    after = c.api(
        "GET", "/output-units", c.admin_key, params={"from": "2000-01-01", "to": "2100-01-01"}
    ).text
    assert after == before
