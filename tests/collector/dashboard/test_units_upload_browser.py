"""The units upload in a real browser: a file that names a client that does
not exist yet offers to create it, and one click creates it (CSRF-protected,
audited) and imports the same file again."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, timedelta

import pytest

from tests.collector.dashboard.test_browser import Session
from tests.fixtures.collector_server import CollectorServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_server(demo_db, tmp_path_factory):
    """A collector of its own: these tests store units and clients, which the
    shared demo server's other tests must not see."""
    tmp = tmp_path_factory.mktemp("units-upload")
    shutil.copy(demo_db, tmp / "demo.db")
    server = CollectorServer(tmp / "demo.db", tmp / "collector.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def manager(browser, own_server):
    demo_server = own_server
    s = Session(browser, demo_server.url, "maria")  # manager of "Payroll & HR"
    yield s
    s.close()


def _upload(session: Session, csv: str) -> None:
    session.open("/units")
    session.page.set_input_files(
        "#f-file", {"name": "units.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    session.page.click("form[enctype] button[type=submit]")


def test_every_problem_in_one_pass_then_create_the_missing_client_and_retry(manager, own_server):
    demo_server = own_server
    day = (date.today() - timedelta(days=1)).isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    _upload(
        manager,
        "date,function,units,corrections,team,client\n"
        f"{day},Payroll processing,2,0,Payroll & HR,northwind-new\n"
        f"{day},payroll,two,0,Payroll & HR,northwind-new\n"
        f"{tomorrow},payroll,1,0,Payroll & HR,\n",
    )
    errors = manager.page.inner_text("#upload-errors")
    # format (row 3 units, row 4 date) and references (rows 2 and 3 client) together
    assert "3 problems" not in errors and "4 problems" in errors, errors
    assert "no client 'northwind-new'; create it first" in errors
    assert "not a whole number" in errors
    assert "in the future: the collector's date is" in errors
    assert manager.page.locator("#create-clients").count() == 1

    # A file whose only problem is the client: create it from the error, import again.
    _upload(
        manager,
        "date,function,units,corrections,team,client\n"
        f"{day},Payroll processing,2,0,Payroll & HR,northwind-new\n"
        f"{day},PAYROLL,3,0,Payroll & HR,northwind-new\n",
    )
    assert "1 problem" not in manager.page.inner_text("#upload-errors")  # one per row: 2
    form = manager.page.locator("#create-clients")
    assert "northwind-new" in form.inner_text()
    manager.page.fill("#f-client-name-0", "Northwind Traders (new)")
    manager.errors.clear()  # the error pages answered 400, as they should
    with manager.page.expect_navigation() as nav:
        form.locator("button[type=submit]").click()
    assert nav.value.status == 200
    main = manager.page.inner_text("main")
    assert "Created client northwind-new." in main
    assert "Imported 2 rows from units.csv." in main
    assert manager.errors == [], manager.errors

    with sqlite3.connect(demo_server.db) as c:
        assert c.execute("SELECT name FROM clients WHERE key = 'northwind-new'").fetchall() == [
            ("Northwind Traders (new)",)
        ]
        units = c.execute(
            "SELECT function, units FROM output_units WHERE client_key = 'northwind-new' "
            "ORDER BY units"
        ).fetchall()
        assert units == [("payroll", 2), ("payroll", 3)]
        audited = c.execute(
            "SELECT actor FROM audit_log "
            "WHERE action = 'client.create' AND target = 'northwind-new'"
        ).fetchall()
        assert audited == [("user:maria",)], audited


def test_creating_clients_needs_the_csrf_token(manager, own_server):
    demo_server = own_server
    import requests

    cookies = {c["name"]: c["value"] for c in manager.context.cookies()}
    r = requests.post(
        f"{demo_server.url}/units/clients",
        data={"client_key": "sneaky", "upload_text": "date,function,units\n"},
        cookies=cookies,
        timeout=10,
        allow_redirects=False,
    )
    assert r.status_code == 403
    with sqlite3.connect(demo_server.db) as c:
        assert c.execute("SELECT COUNT(*) FROM clients WHERE key = 'sneaky'").fetchone()[0] == 0
