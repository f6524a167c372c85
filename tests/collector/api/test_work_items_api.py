"""Work types, work items and the backlog report through the real collector
process (docs/design.md §3 and §4 "Deferred work"), with figures worked by
hand: as of the end of Wednesday 2026-11-25, UTC, no holidays."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from tests.collector.batches import batch, plan

TYPES = {
    "types": [
        {"key": "queries", "name": "Pay queries", "function": "payroll", "sla_business_days": 2},
        {"key": "invoices", "name": "Invoices", "function": "invoicing", "sla_hours": 24},
    ]
}


def q(ref, received, completed=None, **more):
    item = {"id": ref, "type": "queries", "team": "ops", "received_at": received, **more}
    if completed:
        item["completed_at"] = completed
    return item


QUERIES = [
    q("Q-1", "2026-11-20T10:00:00+00:00"),  # Fri, due end of Mon: breached
    q("Q-2", "2026-11-23T09:00:00+00:00", "2026-11-23T15:00:00+00:00", quality_passed=True),
    q("Q-3", "2026-11-23T11:00:00+00:00", quality_passed=False),  # completed by a later post
    q("Q-4", "2026-11-24T08:00:00+00:00"),  # due at the end of Wed: breached then
    q("Q-5", "2026-11-25T14:00:00+01:00"),  # due end of Thu
]
INVOICES = [
    {**q("I-1", "2026-11-23T09:00:00+00:00", "2026-11-23T12:00:00+00:00"), "type": "invoices"},
    {**q("I-2", "2026-11-24T09:00:00+00:00", "2026-11-25T10:00:00+00:00"), "type": "invoices"},
    {**q("I-3", "2026-11-25T09:00:00+00:00", "2026-11-25T11:00:00+00:00"), "type": "invoices"},
    {**q("I-4", "2026-11-25T20:00:00+00:00"), "type": "invoices"},
]


def _report(c, key, **params):
    r = c.api("GET", "/reports/backlog", key, params={"date": "2026-11-25", **params})
    assert r.status_code == 200, r.text
    return {t["type"]: t for t in r.json()["types"]}


def test_work_types_are_admin_only_and_checked(collector):
    c = collector
    manager = c.cli("apikey", "create", "--role", "manager", "--team", "ops").strip()
    assert c.api("PUT", "/work-types", manager, json=TYPES).status_code == 403
    assert c.api("GET", "/work-types", manager).status_code == 403
    both = {"types": [{**TYPES["types"][0], "sla_hours": 4}]}
    r = c.api("PUT", "/work-types", c.admin_key, json=both)
    assert r.status_code == 400 and "sla_business_days" in r.json()["fields"][0]["field"]
    twice = {"types": [TYPES["types"][0], TYPES["types"][0]]}
    assert c.api("PUT", "/work-types", c.admin_key, json=twice).status_code == 400
    r = c.api("PUT", "/work-types", c.admin_key, json=TYPES)
    assert r.status_code == 200, r.text
    assert [t["key"] for t in c.api("GET", "/work-types", c.admin_key).json()["types"]] == [
        "queries",
        "invoices",
    ]
    assert c.api("POST", "/work-items", c.admin_key, json={"items": [QUERIES[0]]}).ok
    r = c.api("PUT", "/work-types", c.admin_key, json={"types": TYPES["types"][1:]})
    assert r.status_code == 409
    assert len(c.api("GET", "/work-types", c.admin_key).json()["types"]) == 2


def test_a_bad_post_is_refused_whole_and_names_each_row(collector):
    c = collector
    assert c.api("PUT", "/work-types", c.admin_key, json=TYPES).ok
    assert c.api("POST", "/work-items", c.admin_key, json={"items": QUERIES[:1]}).ok
    bad = [
        {**QUERIES[1], "type": "claims"},  # unknown type
        q("X-1", "2026-11-23T09:00:00+00:00", "2026-11-22T09:00:00+00:00"),  # done before in
        q("X-2", "2026-11-23T09:00:00"),  # no offset
        q("X-3", "2026-11-23T09:00:00+00:00"),
        q("X-3", "2026-11-24T09:00:00+00:00"),  # the same id twice
        {**q("X-4", "2026-11-23T09:00:00+00:00"), "team": "nobody"},
        QUERIES[2],  # fine alone
    ]
    r = c.api("POST", "/work-items", c.admin_key, json={"items": bad})
    assert r.status_code == 400, r.text
    assert [f["field"] for f in r.json()["fields"]] == [
        "items.2.received_at",
        "items.0.type",
        "items.1.completed_at",
        "items.4.id",
        "items.5.team",
    ]
    assert "nothing was stored" in r.json()["message"]
    with sqlite3.connect(c.db) as db:
        assert db.execute("SELECT COUNT(*) FROM work_items").fetchone()[0] == 1
    # Receipt after the completion already stored is refused too.
    assert c.api("POST", "/work-items", c.admin_key, json={"items": [QUERIES[1]]}).ok
    late = {**QUERIES[1], "received_at": "2026-11-23T16:00:00+00:00"}
    del late["completed_at"]
    r = c.api("POST", "/work-items", c.admin_key, json={"items": [late]})
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "items.0.received_at"


def test_a_manager_posts_and_reads_only_their_teams(collector):
    c = collector
    c.cli("team", "add", "other")
    assert c.api("PUT", "/work-types", c.admin_key, json=TYPES).ok
    other = c.cli("apikey", "create", "--role", "manager", "--team", "other").strip()
    mine = c.cli("apikey", "create", "--role", "manager", "--team", "ops").strip()
    assert c.api("POST", "/work-items", other, json={"items": QUERIES[:1]}).status_code == 403
    assert c.api("GET", "/reports/backlog", other, params={"team": "ops"}).status_code == 403
    r = c.api("POST", "/work-items", mine, json={"items": QUERIES[:1]})
    assert r.status_code == 200 and r.json() == {"added": 1, "updated": 0}
    assert _report(c, other)["queries"]["open"] == 0
    assert _report(c, mine)["queries"]["open"] == 1
    r = c.api("GET", "/reports/backlog", mine, params={"type": "nope"})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "type"


def test_the_backlog_report_worked_by_hand(collector):
    c = collector
    assert c.api("PUT", "/work-types", c.admin_key, json=TYPES).ok
    r = c.api("POST", "/work-items", c.admin_key, json={"items": QUERIES + INVOICES})
    assert r.json() == {"added": 9, "updated": 0}
    done = {**QUERIES[2], "completed_at": "2026-11-25T10:00:00+00:00"}
    r = c.api("POST", "/work-items", c.admin_key, json={"items": [done]})
    assert r.json() == {"added": 0, "updated": 1}  # a later post completes it
    assert b"Q-3" not in c.db.read_bytes() and b"I-1" not in c.db.read_bytes()

    queries = _report(c, c.admin_key)["queries"]
    assert (queries["arrivals"], queries["completions"], queries["open"]) == (1, 1, 3)
    assert queries["breached"] == 2  # Q-1 (due Mon) and Q-4 (due at the end of Wed)
    assert queries["backlog_health_index"] == pytest.approx(1 / 3)
    assert queries["aging"] == [
        {"age_days": 0, "count": 1, "breached": 0},
        {"age_days": 1, "count": 1, "breached": 1},
        {"age_days": 5, "count": 1, "breached": 1},
    ]
    # Wednesday's arrival + Q-1, Q-3 and Q-4, open at its start and due by its end.
    assert queries["required_completions"] == 4
    # Day 1 of the horizon must clear Q-1 and Q-4 (overdue) and Q-5 (due Thu).
    assert queries["required_no_breach"] == pytest.approx(3.0)
    assert queries["sla_compliance_rate"] == pytest.approx(0.5)  # Q-2 on time, Q-3 late
    assert queries["cycle_time_median_hours"] == pytest.approx(26.5)  # 6 h and 47 h
    assert queries["cycle_time_p90_hours"] == pytest.approx(47.0)
    assert queries["first_time_quality"] == pytest.approx(0.5)
    # 2 completions over the window's 20 business days (Oct 29 - Nov 25).
    assert queries["completion_rate"] == pytest.approx(0.1)
    day = {d["date"]: d for d in queries["days"]}
    assert [day[d]["backlog"] for d in ("2026-11-20", "2026-11-23", "2026-11-24")] == [1, 2, 3]
    for before, after in zip(queries["days"], queries["days"][1:], strict=False):
        assert after["backlog"] == before["backlog"] + after["arrivals"] - after["completions"]
    first = queries["projection"][0]
    assert first["date"] == "2026-11-26" and first["breach"] is True
    assert first["backlog"] == pytest.approx(2.9)
    assert len(queries["projection"]) == 10
    assert queries["handle_hours"] is None and queries["handle_source"] is None

    invoices = _report(c, c.admin_key, type="invoices")
    assert list(invoices) == ["invoices"]
    inv = invoices["invoices"]
    assert (inv["arrivals"], inv["completions"], inv["open"], inv["breached"]) == (2, 2, 1, 0)
    assert inv["backlog_health_index"] == 1.0
    assert inv["required_completions"] == 3  # I-3, I-4 and I-2 (due Wed 10:00)
    assert inv["sla_compliance_rate"] == pytest.approx(2 / 3)  # I-2 took 25 h


def _hours_on_invoicing(c, user):
    device = c.enroll(user)
    start = datetime.fromisoformat("2026-11-25T09:00:00+01:00")
    r = c.api("POST", "/summaries", device, json=batch(plan(start, [("invoicing", 90)])))
    assert r.status_code == 200, r.text


def test_handle_time_iph_and_fte_from_desktop_time_and_hidden_below_the_group(collector):
    c = collector
    assert c.api("PUT", "/work-types", c.admin_key, json=TYPES).ok
    assert c.api("POST", "/work-items", c.admin_key, json={"items": INVOICES}).ok
    _hours_on_invoicing(c, "ann")
    _hours_on_invoicing(c, "bob")
    hidden = _report(c, c.admin_key)["invoices"]
    assert hidden["people_figures"]["suppressed"] is True  # 2 people, group of 5
    assert hidden["handle_hours"] is None and hidden["fte_required"] is None
    assert hidden["iph"] is None and hidden["fte_put_in"] is None
    assert hidden["open"] == 1  # work figures stay
    r = c.api("PUT", "/settings", c.admin_key, json={"settings": {"privacy.min_group_size": 2}})
    assert r.status_code == 200, r.text
    inv = _report(c, c.admin_key)["invoices"]
    assert inv["people_figures"] is None
    # 3 h on invoicing / 3 invoices completed in the window.
    assert (inv["handle_hours"], inv["handle_source"]) == (pytest.approx(1.0), "desktop")
    assert inv["iph"] == pytest.approx(1.0)
    # 3 required x 1 h / (8 h x 0.75).
    assert inv["fte_required"] == pytest.approx(0.5)
    # 3 h / (8 h x 20 business days).
    assert inv["fte_put_in"] == pytest.approx(3 / 160)
