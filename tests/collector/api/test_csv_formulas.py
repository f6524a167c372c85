"""Every CSV the collector writes neutralises spreadsheet formulas (docs/design.md §6).

Names typed by someone else (teams, employees, clients) that start a formula
come out with a `'` prefix in the units export of the page, of the API and of
the CLI, and in the report CSVs; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date

import pytest
import requests

from collector.spreadsheet_csv import neutralise, write_csv
from tests.fixtures.collector_server import CLI, web_sign_in

EVIL = ['=HYPERLINK("http://x","y")', "+SUM(1)", "-SUM(1)", "@SUM(1)", "\tx", "\rx"]
PASSWORD = "a long enough password"


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _assert_inert(text: str, expected: list[str]) -> None:
    """Every expected name is there, prefixed; no cell anywhere starts a formula."""
    cells = [c for row in _cells(text) for c in row]
    for name in expected:
        assert "'" + name in cells, f"{name!r} not prefixed in {text!r}"
    starting = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not starting, starting


def _add_team(db, name: str) -> None:
    """`--` so a name like "-SUM(1)" is not read as an option."""
    out = subprocess.run(
        [*CLI, "team", "add", "--db", str(db), "--", name], capture_output=True, timeout=60
    )
    assert out.returncode == 0, out.stderr


def _sign_in(base: str) -> requests.Session:
    s, r = web_sign_in(base, "root", PASSWORD)
    assert r.status_code in (302, 303), r.text
    return s


@pytest.mark.slow  # about 30 s: fourteen CLI starts
def test_names_that_start_a_formula_are_prefixed_in_every_export(collector):
    today = date.today().isoformat()
    people = {}
    for i, name in enumerate(EVIL):
        _add_team(collector.db, name)
        person = name if name[0] not in "\t\r" else f"person-{i}"  # the API refuses controls
        collector.enroll(person, team=name)
        people[person] = name
    collector.cli("user", "add", "root", "--role", "admin", stdin=PASSWORD + "\n")
    key = collector.admin_key
    items = [{"date": today, "function": "payroll", "units": 5, "employee": p} for p in people]
    r = collector.api("POST", "/output-units", key, json={"items": items})
    assert r.status_code == 200, r.text
    printable = [n for n in EVIL if n[0] not in "\t\r"]
    for i, name in enumerate(printable):
        r = collector.api("POST", "/clients", key, json={"key": f"c{i}", "name": name})
        assert r.status_code in (200, 201), r.text

    expected_units = EVIL + printable  # every team, and the employees named like them
    api = collector.api("GET", f"/output-units?from={today}&to={today}", key)
    assert api.status_code == 200 and api.headers["Content-Type"].startswith("text/csv")
    _assert_inert(api.text, expected_units)

    out = subprocess.run(  # bytes: text mode would turn the \r inside a cell into \n
        [*CLI, "units", "export", "--db", str(collector.db), "--from", today, "--to", today],
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    cli = out.stdout.decode()
    _assert_inert(cli, expected_units)

    session = _sign_in(collector.url)
    page = session.get(f"{collector.url}/units.csv?from={today}&to={today}", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/csv")
    _assert_inert(page.text, expected_units)

    clients = session.get(f"{collector.url}/clients.csv", timeout=10)
    assert clients.status_code == 200 and clients.headers["Content-Type"].startswith("text/csv")
    _assert_inert(clients.text, printable)

    # The figures stay numbers: the units column is not prefixed.
    for text in (api.text, cli, page.text):
        rows = list(csv.DictReader(io.StringIO(text)))
        # counts are whole numbers
        assert len(rows) == len(EVIL) and {r["units"] for r in rows} == {"5"}


def test_numbers_are_exempt_and_text_is_not():
    """A negative figure stays a number; text that looks like one is still text."""
    assert neutralise(-1.5) == -1.5 and neutralise(-3) == -3 and neutralise(None) == ""
    assert neutralise("-5") == "'-5" and neutralise("plain") == "plain"
    assert _cells(write_csv(["a", "b"], [[-2.5, "-2.5"]])) == [["a", "b"], ["-2.5", "'-2.5"]]
