"""An admin answers an employee's mailed request in a real browser (Debian's
Chromium driven by Playwright) against a real collector process: signs in,
opens Devices, downloads the person's export, goes through the erasure's
confirmation page and sees the person gone. No page may log a console error.
Screenshots: admin-person-erase-confirm.png and admin-devices-after-erase.png
(tests/fixtures/screenshots.py says where they go).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.collector.admin.test_admin_browser import PASSWORD, Tab
from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CollectorServer, run_cli

pytestmark = pytest.mark.browser

ERASED = "Wilhelminaibex"
KEPT = "Xaveriusmanatee"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[CollectorServer]:
    tmp = tmp_path_factory.mktemp("admin-person-browser")
    srv = CollectorServer(tmp / "collector.db", tmp / "collector.log")
    run_cli(srv.db, "team", "add", "ops")
    run_cli(srv.db, "user", "add", "alex", "--role", "admin", stdin=PASSWORD + "\n")
    srv.start()
    srv.tokens = {}
    for name, minutes in ((ERASED, 80), (KEPT, 55)):
        token = srv.enroll(name)
        srv.tokens[name] = token
        segs = plan(day_at(1, 9), [("payroll", minutes), ("communication", 10)])
        r = srv.api("POST", "/summaries", token, json=batch(segs))
        assert r.status_code == 200, r.text
    yield srv
    srv.stop()


def test_admin_exports_then_erases_a_person(browser, server, tmp_path: Path):
    tab = Tab(browser, server.url)
    try:
        tab.sign_in("alex")
        page = tab.page
        tab.open("/admin/devices")
        row = page.locator("tbody tr", has=page.locator("th", has_text=ERASED))
        assert row.count() == 1
        # Revoke, Export and Erase all fit: nothing hidden past the table's edge.
        edge = page.locator("#devices-h ~ .table-wrap").bounding_box()
        for control in row.locator(".actions .btn").all():
            box = control.bounding_box()
            assert box and box["x"] + box["width"] <= edge["x"] + edge["width"], box
        tab.shot("devices-person-actions")

        with page.expect_download() as info:
            row.get_by_role("button", name=f"Export the data of {ERASED}").click()
        download = info.value
        assert download.suggested_filename.startswith(f"backlight-data-{ERASED}-")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        with zipfile.ZipFile(saved) as zf:
            assert zf.testzip() is None
            doc = json.loads(zf.read("export.json"))
            everything = b"".join(zf.read(n) for n in zf.namelist())
        assert [p["name"] for p in doc["tables"]["person"]] == [ERASED]
        assert [d["hostname"] for d in doc["tables"]["devices"]] == [f"{ERASED}-pc"]
        assert doc["tables"]["segments"] and KEPT.encode() not in everything

        row.get_by_role("link", name=f"Erase {ERASED}").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == f"Erase {ERASED} (ops)?"
        assert f"{ERASED}-pc" in page.locator("#erase-effects").inner_text()
        tab.shot("person-erase-confirm")
        # Nothing happened yet: the device still works.
        assert server.api("GET", "/policy", server.tokens[ERASED]).status_code == 200

        page.get_by_role("button", name=f"Erase {ERASED}").click()
        page.wait_for_load_state()
        assert page.url.endswith("/admin/devices")
        assert f"{ERASED} (ops) is erased" in page.locator(".flashes").inner_text()
        table = page.locator("#devices-h ~ .table-wrap").inner_text()
        assert ERASED not in table and KEPT in table
        tab.shot("devices-after-erase")
        assert server.api("GET", "/policy", server.tokens[ERASED]).status_code == 401
        assert server.api("GET", "/policy", server.tokens[KEPT]).status_code == 200

        tab.open("/admin/audit")
        audit = page.locator("#audit-h ~ .table-wrap").inner_text()
        assert "person.erase" in audit and "person.export" in audit
        assert ERASED not in audit
        assert tab.errors == [], tab.errors
    finally:
        tab.close()
