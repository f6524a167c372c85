"""The single-entry units form: a client that does not exist yet can be
created from the error and the units recorded in the same step (CSRF
required, audited); a future date is refused on the date field."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from tests.collector.dashboard.test_pages import sign_in, token


def _form(http, **values) -> dict:
    return {
        "csrf_token": token(http, "/units"),
        "date": (date.today() - timedelta(days=1)).isoformat(),
        "function": "payroll",
        "units": "4",
        "team": "Payroll & HR",
        **values,
    }


def test_create_the_missing_client_and_record(client, db):
    sign_in(client, "maria")
    r = client.post("/units", data=_form(client, client="fabrikam-new"))
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "no client &#39;fabrikam-new&#39;; create it first" in page
    assert 'id="create-form-client"' in page

    data = _form(client, client="fabrikam-new", client_key="fabrikam-new")
    data["client_name_0"] = "Fabrikam"
    r = client.post("/units/clients", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT name FROM clients WHERE key = 'fabrikam-new'").fetchall() == [
            ("Fabrikam",)
        ]
        assert c.execute(
            "SELECT units FROM output_units WHERE client_key = 'fabrikam-new'"
        ).fetchall() == [(4,)]
        assert c.execute(
            "SELECT actor FROM audit_log WHERE action = 'client.create' AND target = 'fabrikam-new'"
        ).fetchall() == [("user:maria",)]


def test_the_form_refuses_a_future_date_and_a_post_without_csrf(client, db):
    sign_in(client, "maria")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    r = client.post("/units", data=_form(client, date=tomorrow))
    assert r.status_code == 400
    assert "in the future: the collector&#39;s date is" in r.get_data(as_text=True)
    data = _form(client, client="nope-co", client_key="nope-co")
    del data["csrf_token"]
    assert client.post("/units/clients", data=data).status_code == 403
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM clients WHERE key = 'nope-co'").fetchone()[0] == 0
