"""Clients per function over real HTTP, worked by hand (seed 001, issue 19):
Client A's monthly report takes 12 hours, Client B's 3.

Minimum group 2. Client A: a1 and a2 spend 6 h each on reporting (12 h, one
monthly report: 12 h per report); a3 spends 1 h on compliance and a1 0.5 h on
invoicing: both rows have one person, hidden, and together they are two
people, so reporting may show (13.5 h total - 12 h = 1.5 h of two people).
Client B: b1 and b2 spend 1.5 h each on reporting (3 h, one report: 3 h).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from tests.collector.api.test_reports_api import last_month
from tests.collector.batches import batch, plan
from tests.fixtures.collector_server import web_sign_in

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def report(shared_collector):
    c = shared_collector
    c.cli("settings", "set", "privacy.min_group_size=2")
    month, start = last_month()
    for key, name in [("client-a", "Client A"), ("client-b", "Client B")]:
        r = c.api("POST", "/clients", c.admin_key, json={"key": key, "name": name})
        assert r.status_code == 201, r.text
    work = {
        "a1": [("reporting", 360, "client-a"), ("invoicing", 30, "client-a")],
        "a2": [("reporting", 360, "client-a")],
        "a3": [("compliance", 60, "client-a")],
        "b1": [("reporting", 90, "client-b")],
        "b2": [("reporting", 90, "client-b")],
    }
    for person, steps in work.items():
        token = c.enroll(person)
        t = start + timedelta(days=2)
        segs = []
        for category, minutes, client in steps:
            segs += plan(t, [(category, minutes)], client=client)
            t += timedelta(minutes=minutes)
        r = c.api("POST", "/summaries", token, json=batch(segs))
        assert r.status_code == 200, r.text
    day = (start + timedelta(days=5)).date().isoformat()
    items = [
        {"date": day, "function": "reporting", "units": 1, "client": "client-a"},
        {"date": day, "function": "reporting", "units": 1, "client": "client-b"},
        {"date": day, "function": "reporting", "units": 7},  # no client: not theirs
    ]
    r = c.api("POST", "/output-units", c.admin_key, json={"items": items})
    assert r.status_code == 200, r.text
    r = c.api("GET", "/reports/clients", c.admin_key, params={"month": month})
    assert r.status_code == 200, r.text
    return r.json()


def _functions(report, client):
    row = next(c for c in report["clients"] if c["client"] == client)
    return {f["function"]: f for f in row["functions"]}, row


def test_monthly_report_takes_twelve_hours_for_a_and_three_for_b(report):
    a, a_row = _functions(report, "client-a")
    b, _ = _functions(report, "client-b")
    assert a["reporting"]["hours"] == pytest.approx(12.0)
    assert a["reporting"]["units"] == 1 and a["reporting"]["hours_per_unit"] == pytest.approx(12)
    assert b["reporting"]["hours"] == pytest.approx(3.0)
    assert b["reporting"]["hours_per_unit"] == pytest.approx(3.0)
    assert a["reporting"]["people"] == 2 and a_row["back_office_hours"] == pytest.approx(13.5)


def test_one_person_rows_are_hidden_and_together_a_group(report):
    a, _ = _functions(report, "client-a")
    for fid in ("compliance", "invoicing"):
        assert a[fid]["suppressed"] is True and "hours" not in a[fid]
    assert "suppressed" not in a["reporting"]


def test_hidden_rows_too_small_together_take_the_smallest_shown_row_with_them(
    shared_collector, report
):
    """Min group 3 (for this check only): reporting's 2 people, compliance's 1 and
    invoicing's 1 are each below it; Client B (2 people) hides as a whole."""
    c = shared_collector
    month = report["month"]
    c.cli("settings", "set", "privacy.min_group_size=3")
    try:
        body = c.api("GET", "/reports/clients", c.admin_key, params={"month": month}).json()
    finally:
        c.cli("settings", "set", "privacy.min_group_size=2")
    a = next(x for x in body["clients"] if x["client"] == "client-a")
    assert a["people"] == 3
    assert all(f.get("suppressed") for f in a["functions"])  # 2 + 1 + 1 people: none alone
    b = next(x for x in body["clients"] if x["client"] == "client-b")
    assert b["suppressed"] is True and "functions" not in b


def test_the_page_compares_reporting_across_clients_and_its_csv_says_the_same(
    shared_collector, report
):
    c = shared_collector
    c.cli("user", "add", "lead", "--role", "admin", stdin=PASSWORD + "\n")
    s, r = web_sign_in(c.url, "lead", PASSWORD)
    assert r.status_code == 302, r.text
    args = {"month": report["month"], "function": "reporting"}
    page = s.get(f"{c.url}/clients/functions", params=args, timeout=30)
    assert page.status_code == 200 and "Client A" in page.text and "4.0×" in page.text
    r = s.get(f"{c.url}/clients/functions.csv", params=args, timeout=30)
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    got = {row["client_name"]: float(row["hours_per_unit"]) for row in rows}
    assert got == {"Client A": 12.0, "Client B": 3.0}
    bad = s.get(f"{c.url}/clients/functions", params={**args, "function": "nope"}, timeout=30)
    assert bad.status_code == 200 and "is not a function" in bad.text
