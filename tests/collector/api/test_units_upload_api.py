"""Output-units uploads through a real collector (API JSON and CSV, `units
import`): every problem in one pass, format and references together, each
naming its row and field; dates after the collector's date refused; a
function by its id or by the name the form shows, in any case."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest

from tests.fixtures.collector_server import CLI

EVERYTHING = {"from": "2000-01-01", "to": "2100-01-01"}
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _export(c) -> str:
    r = c.api("GET", "/output-units", c.admin_key, params=EVERYTHING)
    assert r.status_code == 200
    return r.text


def _fields(r) -> dict[str, str]:
    assert r.status_code == 400, r.text
    return {f["field"]: f["message"] for f in r.json()["fields"]}


def test_json_names_format_and_reference_problems_together(shared_collector):
    c = shared_collector
    before = _export(c)
    items = [
        {"date": YESTERDAY, "function": "payroll", "units": 1, "team": "ops"},
        {"date": YESTERDAY, "function": "payroll", "units": "two", "client": "nobody-yet"},
        {"date": TOMORROW, "function": "Payroll processing", "units": 1, "team": "no such"},
        {"date": YESTERDAY, "function": "cooking", "units": 1, "employee": "nobody"},
        "not an object",
    ]
    fields = _fields(c.api("POST", "/output-units", c.admin_key, json={"items": items}))
    assert set(fields) == {
        "items.1.units",
        "items.1.client",
        "items.2.date",
        "items.2.team",
        "items.3.function",
        "items.3.employee",
        "items.4",
    }, fields
    assert fields["items.1.client"] == "no client 'nobody-yet'; create it first"
    assert fields["items.2.date"].startswith(
        f"in the future: the collector's date is {date.today().isoformat()}"
    )
    assert "give its id" in fields["items.3.function"]
    assert _export(c) == before  # nothing stored


def test_csv_names_every_problem_by_file_row(shared_collector):
    c = shared_collector
    before = _export(c)
    csv = (
        "date,function,units,corrections,team,client\n"
        f"{YESTERDAY},payroll,2,0,ops,\n"
        f"{YESTERDAY},payroll,2.5,0,ops,ghost\n"
        f"{TOMORROW},payroll,1,0,nowhere,\n"
    )
    r = c.api("POST", "/output-units", c.admin_key, data=csv, headers={"Content-Type": "text/csv"})
    fields = _fields(r)
    assert set(fields) == {"rows.3.units", "rows.3.client", "rows.4.date", "rows.4.team"}, fields
    assert _export(c) == before


@pytest.mark.parametrize("function", ["payroll", "Payroll processing", "PAYROLL  processing"])
def test_a_function_by_id_or_by_the_name_the_form_shows(shared_collector, function):
    c = shared_collector
    item = {"date": YESTERDAY, "function": function, "units": 7, "team": "ops"}
    r = c.api("POST", "/output-units", c.admin_key, json={"items": [item]})
    assert r.status_code == 200, r.text
    assert f"{YESTERDAY},payroll,7,0,ops" in _export(c)


def test_today_is_accepted_and_tomorrow_refused_in_every_path(shared_collector, tmp_path):
    c = shared_collector
    today = date.today().isoformat()
    ok = {"date": today, "function": "reporting", "units": 1, "team": "ops"}
    assert c.api("POST", "/output-units", c.admin_key, json={"items": [ok]}).status_code == 200
    device = c.enroll("uma")
    mine = {"date": TOMORROW, "function": "reporting", "units": 1}
    r = c.api("POST", "/me/output-units", device, json={"items": [mine]})
    assert "items.0.date" in _fields(r)

    f = tmp_path / "units.csv"
    f.write_text(
        "date,function,units,team,client\n"
        f"{TOMORROW},Reporting,x,ops,\n"
        f"{YESTERDAY},reporting,1,ops,ghost\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [*CLI, "units", "import", str(f), "--db", str(c.db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    lines = out.stderr
    assert "row 2.units: not a whole number" in lines, lines
    assert "row 2.date: in the future: the collector's date is" in lines, lines
    assert "row 3.client: no client 'ghost'; create it first" in lines, lines
    assert "3 problem(s); nothing was stored" in lines, lines
