"""Export and erase one person from the admin's Devices page, through a real
collector process (`backlight-collector serve`) and real HTTP sessions signed
in through the sign-in form.

Pinned here: only an admin may do either (a manager gets 403, no session is
sent to sign in), both need the session's CSRF token, the export is a zip of
that person only and is audited naming them, erasure shows a confirmation
first and no GET ever erases, and after the erasure the person's devices get
401, their rows are gone, the team figures drop by exactly their time, the
other person is untouched, and the audit log says an erasure happened and who
ran it, never whose.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import time
import zipfile
from collections.abc import Iterator

import pytest
import requests

from tests.collector.batches import batch, day_at, plan
from tests.collector.test_person_rights import _db_bytes, _person_active, _state, _team_active
from tests.fixtures.collector_server import CollectorServer, run_cli, web_sign_in

PASSWORD = "person rights on the admin pages"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
GONE = (0, 0, 0, 0, 0)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[CollectorServer]:
    tmp = tmp_path_factory.mktemp("admin-person-rights")
    srv = CollectorServer(tmp / "collector.db", tmp / "collector.log")
    run_cli(srv.db, "team", "add", "ops")
    run_cli(srv.db, "user", "add", "alex", "--role", "admin", stdin=PASSWORD + "\n")
    run_cli(
        srv.db, "user", "add", "maria", "--role", "manager", "--team", "ops", stdin=PASSWORD + "\n"
    )
    srv.start()
    yield srv
    srv.stop()


def _signed_in(server: CollectorServer, name: str) -> requests.Session:
    s, r = web_sign_in(server.url, name, PASSWORD)
    assert r.status_code == 302, r.text
    return s


@pytest.fixture(scope="module")
def alex(server) -> requests.Session:
    return _signed_in(server, "alex")


@pytest.fixture(scope="module")
def maria(server) -> requests.Session:
    return _signed_in(server, "maria")


def csrf_of(session: requests.Session, url: str) -> str:
    """The session's token, read from a page as the browser gets it."""
    return CSRF.search(session.get(url, timeout=10).text).group(1)


def seed(server: CollectorServer, name: str, minutes: int = 60) -> tuple[str, str]:
    """Enroll `name` with consent, upload two days of time; (device token, device id)."""
    token = server.enroll(name)
    for days_ago in (1, 2):
        segs = plan(day_at(days_ago, 9), [("payroll", minutes), ("invoicing", 20)])
        r = server.api("POST", "/summaries", token, json=batch(segs))
        assert r.status_code == 200, r.text
    store = server.store()
    try:
        device = next(d for d in store.devices() if d["hostname"] == f"{name}-pc")
    finally:
        store.close()
    return token, device["id"]


def audit_rows(server: CollectorServer) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(server.db) as conn:
        return conn.execute(
            "SELECT actor, action, target, detail FROM audit_log ORDER BY id"
        ).fetchall()


def urls(server: CollectorServer, device_id: str) -> dict[str, str]:
    base = f"{server.url}/admin/devices/{device_id}/person"
    return {"export": f"{base}/export", "confirm": f"{base}/erase", "erase": f"{base}/erase"}


def test_only_an_admin_may_export_or_erase(server, maria):
    _, device = seed(server, "Odalysmarmot")
    whole = _state(server.db, "Odalysmarmot")
    before = audit_rows(server)
    u = urls(server, device)

    # No session: the page sends you to sign in, even carrying a valid anonymous CSRF token.
    anon = requests.Session()
    token = csrf_of(anon, f"{server.url}/login")
    r = anon.get(u["confirm"], allow_redirects=False, timeout=10)
    assert r.status_code == 302 and "/login?next=" in r.headers["Location"]
    for url in (u["export"], u["erase"]):
        r = anon.post(
            url, data={"csrf_token": token, "confirm": "yes"}, allow_redirects=False, timeout=10
        )
        assert r.status_code == 302 and "/login" in r.headers["Location"], url
        assert r.headers["Content-Type"].startswith("text/html")

    # A manager of that very team: 403 on all three, with their own valid token.
    token = csrf_of(maria, f"{server.url}/overview")
    assert maria.get(u["confirm"], timeout=10).status_code == 403
    for url in (u["export"], u["erase"]):
        r = maria.post(url, data={"csrf_token": token, "confirm": "yes"}, timeout=10)
        assert r.status_code == 403, url
        assert "admins" in r.text
        assert b"PK\x03\x04" not in r.content and "Odalysmarmot-pc" not in r.text

    assert _state(server.db, "Odalysmarmot") == whole
    new = audit_rows(server)[len(before) :]
    assert [a for a in new if a[1].startswith("person.")] == []


def test_both_actions_need_the_sessions_csrf_token(server, alex):
    token, device = seed(server, "Ptolemyquokka")
    whole = _state(server.db, "Ptolemyquokka")
    u = urls(server, device)
    for data in ({"confirm": "yes"}, {"confirm": "yes", "csrf_token": "forged" * 6}):
        for url in (u["export"], u["erase"]):
            r = alex.post(url, data=data, allow_redirects=False, timeout=10)
            assert r.status_code == 403, (url, data)
            assert "did not come from this site" in r.text
            assert b"PK\x03\x04" not in r.content
    assert _state(server.db, "Ptolemyquokka") == whole
    assert server.api("GET", "/policy", token).status_code == 200
    assert not [a for a in audit_rows(server) if a[1].startswith("person.")]


def test_export_is_a_zip_of_that_person_only_and_audited(server, alex):
    _, device = seed(server, "Quirinusnarwhal", minutes=45)
    seed(server, "Rosalindtapir")
    r = alex.post(
        urls(server, device)["export"],
        data={"csrf_token": csrf_of(alex, f"{server.url}/admin/devices")},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/zip"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Quirinusnarwhal" in disposition
    assert r.headers["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert zf.testzip() is None
        doc = json.loads(zf.read("export.json"))
        everything = b"".join(zf.read(n) for n in zf.namelist())
        names = set(zf.namelist())
    tables = doc["tables"]
    assert [p["name"] for p in tables["person"]] == ["Quirinusnarwhal"]
    person_id = tables["person"][0]["id"]
    assert [d["hostname"] for d in tables["devices"]] == ["Quirinusnarwhal-pc"]
    assert all("token_hash" not in d for d in tables["devices"])
    assert {s["person_id"] for s in tables["segments"]} == {person_id}
    assert (
        sum(s["active_s"] for s in tables["rollups"] if s["category"] == "payroll") == 2 * 45 * 60
    )
    assert {"export.json", "segments.csv", "rollups.csv", "devices.csv"} <= names
    assert b"Rosalindtapir" not in everything

    actor, action, target, detail = audit_rows(server)[-1]
    assert (actor, action, target) == ("user:alex", "person.export", "Quirinusnarwhal")
    assert json.loads(detail)["team"] == "ops"


def test_erasure_asks_first_and_a_get_never_erases(server, alex):
    token, device = seed(server, "Sigismundokapi")
    whole = _state(server.db, "Sigismundokapi")
    u = urls(server, device)
    for query in ("", "?confirm=yes", "?confirm=yes&csrf_token=x"):
        page = alex.get(u["confirm"] + query, timeout=10)
        assert page.status_code == 200
        assert "Erase Sigismundokapi (ops)?" in page.text
        assert "Sigismundokapi-pc" in page.text
        assert 'name="confirm" value="yes"' in page.text
    assert alex.head(u["confirm"] + "?confirm=yes", timeout=10).status_code == 200
    # A POST without the confirmation field goes back to the question.
    token_csrf = csrf_of(alex, u["confirm"])
    r = alex.post(u["erase"], data={"csrf_token": token_csrf}, allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/devices/{device}/person/erase"
    )
    r = alex.post(
        u["erase"], data={"csrf_token": token_csrf, "confirm": "no"}, allow_redirects=False
    )
    assert r.status_code == 302
    assert _state(server.db, "Sigismundokapi") == whole
    assert server.api("GET", "/policy", token).status_code == 200
    assert not [a for a in audit_rows(server) if a[1] == "person.erase"]


def _settled_export(server: CollectorServer, token: str) -> dict:
    """The person's export once the settle job (every 5 s) has recounted their
    interruption days: before, the days sit in `interruption_backlog`, after,
    in `interruption_days`, and an export taken in between differs from a later
    one for that reason alone."""
    for _ in range(60):
        tables = server.api("GET", "/me/export", token).json()["tables"]
        if not tables["interruption_backlog"]:
            return tables
        time.sleep(0.5)
    raise AssertionError(f"interruption days never settled: {tables['interruption_backlog']}")


def test_erasure_removes_the_person_and_audits_only_who_ran_it(server, alex):
    token, device = seed(server, "Theodoricaxolotl", minutes=70)
    kept_token, _ = seed(server, "Ursulinepangolin", minutes=50)
    # Two devices: both must go.
    second = server.enroll("Theodoricaxolotl")
    r = server.api("POST", "/summaries", second, json=batch(plan(day_at(3, 9), [("payroll", 15)])))
    assert r.status_code == 200, r.text
    alex.post(
        urls(server, device)["export"],
        data={"csrf_token": csrf_of(alex, f"{server.url}/admin/devices")},
        timeout=30,
    ).raise_for_status()
    assert server.api("GET", "/policy", second).status_code == 200
    assert _state(server.db, "Theodoricaxolotl")[1] == 2  # two devices
    team_before = _team_active(server.db)
    erased_time = _person_active(server.db, "Theodoricaxolotl")
    kept_before = _person_active(server.db, "Ursulinepangolin")
    kept_export = _settled_export(server, kept_token)
    assert "Theodoricaxolotl" in alex.get(f"{server.url}/admin/devices", timeout=10).text

    u = urls(server, device)
    page = alex.get(u["confirm"], timeout=10)
    token_csrf = CSRF.search(page.text).group(1)
    r = alex.post(u["erase"], data={"csrf_token": token_csrf, "confirm": "yes"}, timeout=60)
    assert r.status_code == 200 and r.url.endswith("/admin/devices")
    assert "Theodoricaxolotl (ops) is erased" in r.text
    assert "Theodoricaxolotl-pc" not in r.text
    assert "Ursulinepangolin-pc" in r.text

    for t in (token, second):
        assert server.api("GET", "/policy", t).status_code == 401
        assert server.api("GET", "/me/export", t).status_code == 401
    assert _state(server.db, "Theodoricaxolotl") == GONE
    team_after = _team_active(server.db)
    for key, seconds in team_before.items():
        assert team_after.get(key, 0) == pytest.approx(seconds - erased_time.get(key, 0)), key
    assert _person_active(server.db, "Ursulinepangolin") == kept_before
    assert server.api("GET", "/me/export", kept_token).json()["tables"] == kept_export

    log = audit_rows(server)
    erasures = [a for a in log if a[1] == "person.erase"]
    assert erasures == [("user:alex", "person.erase", "", "{}")]
    exports = [a for a in log if a[1] == "person.export"]
    assert ("user:alex", "person.export", "(erased)", "{}") in exports
    data = _db_bytes(server.db)
    assert b"Theodoricaxolotl" not in data
    assert b"Ursulinepangolin" in data

    # The same click again (a stale page): the device is gone, a clear 404.
    again = alex.post(u["erase"], data={"csrf_token": token_csrf, "confirm": "yes"}, timeout=10)
    assert again.status_code == 404 and "no such device" in again.text


@pytest.mark.parametrize("device_id", ["no-such-device", "x" * 5000, "%00", "..%2F..%2Fetc"])
def test_an_unknown_device_is_a_clear_404(server, alex, device_id):
    token = csrf_of(alex, f"{server.url}/admin/devices")
    base = f"{server.url}/admin/devices/{device_id}/person"
    assert alex.get(f"{base}/erase", timeout=10).status_code == 404
    for action in ("export", "erase"):
        r = alex.post(f"{base}/{action}", data={"csrf_token": token, "confirm": "yes"}, timeout=10)
        assert r.status_code == 404, (action, r.status_code)
