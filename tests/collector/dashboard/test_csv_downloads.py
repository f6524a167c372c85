"""CSV downloads from a real collector process (`backlight-collector serve` on the
demo): UTF-8 with a BOM so Excel reads it as UTF-8, figures rounded as the pages
show them (still numbers), and file names that name the report, the scope
actually exported and its period. One download goes through Chromium's own
download machinery, as a manager's click would.

The formula-injection protection of the same files is in
tests/collector/api/test_csv_formulas.py."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
import requests

from collector.dashboard.formatting import csv_figure
from collector.web.downloads import export_scope, slug
from tests.collector.dashboard.conftest import PASSWORD
from tests.fixtures.collector_server import web_sign_in

END = date.today()
START = END - timedelta(days=27)
SPAN = f"{START.isoformat()}-{END.isoformat()}"
RANGE = f"from={START.isoformat()}&to={END.isoformat()}"
PAYROLL = quote("Payroll & HR")


def _session(url: str, name: str) -> requests.Session:
    s, r = web_sign_in(url, name, PASSWORD)
    assert r.status_code == 302, r.text
    return s


def _file_name(r: requests.Response) -> str:
    found = re.fullmatch(r'attachment; filename="([^"]+)"', r.headers["Content-Disposition"])
    assert found, r.headers["Content-Disposition"]
    return found.group(1)


def _rows(r: requests.Response) -> list[dict]:
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbf"), r.content[:10]  # the BOM, once
    text = r.content.decode("utf-8-sig")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def admin(demo_server) -> requests.Session:
    return _session(demo_server.url, "admin")


@pytest.fixture(scope="module")
def maria(demo_server) -> requests.Session:
    return _session(demo_server.url, "maria")  # manages "Payroll & HR" only


def test_file_names_name_the_report_the_scope_and_the_period(demo_server, admin, maria):
    base = demo_server.url
    cases = [
        (
            admin,
            f"/functions.csv?team={PAYROLL}&{RANGE}",
            f"backlight-time-per-unit-payroll-hr-{SPAN}",
        ),
        (admin, f"/overview.csv?{RANGE}", f"backlight-overview-all-teams-{SPAN}"),
        (maria, f"/overview.csv?{RANGE}", f"backlight-overview-payroll-hr-{SPAN}"),  # not all
        (admin, "/review.csv?month=2026-11", "backlight-monthly-review-all-teams-2026-11"),
        (maria, "/review.csv?month=2026-11", "backlight-monthly-review-payroll-hr-2026-11"),
        (admin, f"/interruptions.csv?{RANGE}", f"backlight-interruptions-all-teams-{SPAN}"),
        (
            maria,
            f"/workload.csv?team={PAYROLL}&{RANGE}",
            f"backlight-workload-payroll-hr-{SPAN}",
        ),
        (admin, "/clients.csv?month=2026-10", "backlight-clients-all-teams-2026-10"),
        (maria, f"/units.csv?{RANGE}", f"backlight-units-payroll-hr-{SPAN}"),
    ]
    for session, path, stem in cases:
        r = session.get(base + path, timeout=30)
        assert _file_name(r) == f"{stem}.csv", path
        _rows(r)
    key = demo_server.cli("apikey", "create", "--role", "admin").strip()
    api = requests.get(
        f"{base}/api/v1/output-units?team={PAYROLL}&{RANGE}",
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert _file_name(api) == f"backlight-units-payroll-hr-{SPAN}.csv"
    assert any(r["team"] == "Payroll & HR" for r in _rows(api))


def test_figures_are_rounded_as_the_page_shows_them_and_stay_numbers(demo_server, admin):
    base = demo_server.url
    functions = _rows(admin.get(f"{base}/functions.csv?{RANGE}", timeout=30))
    api = admin.get(f"{base}/api/v1/reports/time-per-unit?{RANGE}", timeout=30).json()
    by_name = {f["name"]: f for f in api["functions"]}
    page = admin.get(f"{base}/functions?{RANGE}", timeout=30).text
    checked = 0
    for row in functions:
        figures = by_name[row["name"]]
        if not figures["hours"]:
            continue
        assert float(row["hours"]) == round(figures["hours"], 2)
        assert len(row["hours"].split(".")[-1]) <= 2
        assert f"{figures['hours']:,.1f} h" in page
        assert row["units"] == str(round(figures["units"]))
        if figures.get("hours_per_unit") is not None:
            assert float(row["hours_per_unit"]) == round(figures["hours_per_unit"], 4)
            assert len(row["hours_per_unit"].split(".")[-1]) <= 4
        checked += 1
    assert checked >= 5
    overview = _rows(admin.get(f"{base}/overview.csv?{RANGE}", timeout=30))
    for row in overview:
        if not row.get("suppressed"):
            assert re.fullmatch(r"\d+\.\d{1,2}", row["tracked"]), row  # 0.12 h, not 17 digits
            assert re.fullmatch(r"\d+(\.\d{1,4})?", row["of_target"]), row  # 45.12% as 0.4512


def test_rounding_and_names_per_kind():
    assert csv_figure(1234.5678, "hours") == 1234.57
    assert csv_figure(0.456789, "share") == 0.4568 and csv_figure(0.045678, "share1") == 0.0457
    assert csv_figure(12.6, "count") == 13 and isinstance(csv_figure(12.6, "count"), int)
    assert csv_figure(0.051234, "per_unit") == 0.0512 and csv_figure(2.34567, "per_unit") == 2.3457
    assert csv_figure(1234.567, "money") == 1234.57 and csv_figure(12.345, "number") == 12.35
    assert str(csv_figure(-0.001, "hours")) == "0.0"
    assert csv_figure("Payroll", "text") == "Payroll" and csv_figure(None, "hours") is None
    assert slug("Payroll & HR") == "payroll-hr" and slug("Zürich Büro") == "zurich-buro"
    assert slug("日本") == "team"
    teams = [{"id": i, "name": n} for i, n in enumerate(["QA", "Ops", "Pay", "Extra"], 1)]
    assert export_scope(None, [2, 1], teams) == "ops+qa"
    assert export_scope(None, [1, 2, 3, 4], teams) == "4-teams"
    assert export_scope(None, None, teams) == "all-teams"
    assert export_scope("Ops", [2], teams) == "ops"


@pytest.mark.browser
def test_a_manager_downloads_a_csv_in_the_browser(browser, demo_server, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{demo_server.url}/login")
        page.fill("#f-name", "maria")
        page.fill("#f-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/overview"))
        page.goto(f"{demo_server.url}/functions?{RANGE}")
        with page.expect_download() as event:
            page.click("a[href*='functions.csv']")
        download = event.value
        assert download.suggested_filename == f"backlight-time-per-unit-payroll-hr-{SPAN}.csv"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        data = saved.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows and {"name", "hours", "units"} <= rows[0].keys()
        assert all(re.fullmatch(r"\d+\.\d{1,2}", r["hours"]) for r in rows if r["hours"])
    finally:
        context.close()


#: Every page export: the path, and the file name stem an admin gets for it.
EXPORTS = [
    ("overview", f"/overview.csv?{RANGE}", f"backlight-overview-all-teams-{SPAN}"),
    ("functions", f"/functions.csv?{RANGE}", f"backlight-time-per-unit-all-teams-{SPAN}"),
    ("interruptions", f"/interruptions.csv?{RANGE}", f"backlight-interruptions-all-teams-{SPAN}"),
    ("workload", f"/workload.csv?{RANGE}", f"backlight-workload-all-teams-{SPAN}"),
    ("clients", "/clients.csv?month=2026-11", "backlight-clients-all-teams-2026-11"),
    ("review", "/review.csv?month=2026-11", "backlight-monthly-review-all-teams-2026-11"),
    ("units", f"/units.csv?{RANGE}", f"backlight-units-all-teams-{SPAN}"),
]


def _decimals(cell: str) -> int | None:
    """Decimal places of a number cell; None for text."""
    if not re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", cell):
        return None
    assert "e" not in cell, f"{cell}: a figure in exponent form"
    return len(cell.split(".")[1]) if "." in cell else 0


@pytest.mark.parametrize(("name", "path", "stem"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_every_export_is_bom_utf8_named_for_its_scope_and_rounded(
    demo_server, admin, name, path, stem
):
    r = admin.get(demo_server.url + path, timeout=30)
    assert _file_name(r) == f"{stem}.csv"
    rows = _rows(r)  # the BOM, once; UTF-8
    assert rows, f"{name}: an empty export tells nothing"
    numbers = 0
    for row in rows:
        for column, cell in row.items():
            places = _decimals(cell or "")
            if places is None:
                continue
            numbers += 1
            rate = column.endswith(("_change", "per_unit", "share", "rate"))
            limit = 2 if "hours" in column and not rate else 4
            assert places <= limit, f"{name}.{column} = {cell}: more than {limit} decimals"
    assert numbers, f"{name}: no figures in the export"


def test_api_units_csv_and_person_export_are_bom_utf8(demo_server):
    import zipfile

    key = demo_server.cli("apikey", "create", "--role", "admin").strip()
    auth = {"Authorization": f"Bearer {key}"}
    api = requests.get(f"{demo_server.url}/api/v1/output-units?{RANGE}", headers=auth, timeout=30)
    assert _file_name(api) == f"backlight-units-all-teams-{SPAN}.csv"
    assert _rows(api)
    session = _session(demo_server.url, "admin")
    devices = session.get(f"{demo_server.url}/admin/devices", timeout=30).text
    device_id = re.search(r"/admin/devices/([^/\"]+)/person/export", devices).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', devices).group(1)
    r = session.post(
        f"{demo_server.url}/admin/devices/{device_id}/person/export",
        data={"csrf_token": csrf},
        timeout=60,
    )
    assert r.status_code == 200, r.text[:500]
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        csvs = [n for n in zf.namelist() if n.endswith(".csv")]
        assert csvs
        for member in csvs:
            assert zf.read(member).startswith(b"\xef\xbb\xbf"), member
