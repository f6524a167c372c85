"""The dashboard through Flask's test client: sign-in, scoping, CSRF, CSV,
empty and suppressed states. Fast; the browser tests cover rendering."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from collector.store import open_store
from collector.store.sqlite.rollups import rebuild
from tests.collector.dashboard.conftest import PASSWORD

PAGES = ["overview", "functions", "interruptions", "clients", "review", "workload", "units"]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(client, path: str = "/login") -> str:
    return TOKEN.search(client.get(path).text).group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    return client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token(client)}
    )


def rows(text: str) -> list[dict]:
    """A downloaded CSV's rows (it starts with a UTF-8 BOM, for Excel)."""
    assert text.startswith("\ufeff"), text[:20]
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("name", PAGES)
def test_pages_and_csv_need_sign_in(client, name):
    for path in (f"/{name}", f"/{name}.csv"):
        r = client.get(path)
        assert r.status_code == 302
        assert "/login?next=" in r.headers["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_admin_page_has_chart_table_and_csv(client, name):
    assert sign_in(client, "admin").status_code == 302
    r = client.get(f"/{name}")
    assert r.status_code == 200
    html = r.text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "<table" in html and f"/{name}.csv" in html
    # The Content-Security-Policy forbids inline script and style: none may be needed.
    assert "<script" not in html and " style=" not in html
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["Cache-Control"] == "no-store"
    c = client.get(f"/{name}.csv")
    assert c.status_code == 200 and c.mimetype == "text/csv"
    assert "attachment" in c.headers["Content-Disposition"]
    assert len(rows(c.text)) >= 1


def test_pages_show_the_api_figures(client):
    """Page, CSV and API come from the same report body: the CSV holds the API's
    figures rounded for display (hours to 2 decimals, units whole)."""
    sign_in(client, "admin")
    end = date.today()
    start = end - timedelta(days=27)
    q = f"from={start}&to={end}&team=Payroll%20%26%20HR"
    api = client.get(f"/api/v1/reports/time-per-unit?{q}").get_json()
    by_name = {r["name"]: r for r in rows(client.get(f"/functions.csv?{q}").text)}
    for f in api["functions"]:
        if f["hours"] > 0:
            assert float(by_name[f["name"]]["hours"]) == round(f["hours"], 2)
            assert by_name[f["name"]]["units"] == str(round(f["units"]))
    api = client.get(f"/api/v1/reports/interruptions?{q}").get_json()
    days = rows(client.get(f"/interruptions.csv?{q}").text)
    assert sum(int(d["count"]) for d in days) == api["count"]
    assert sum(int(d["focus_sessions"]) for d in days) == api["focus"]["sessions"] > 0
    page = client.get(f"/interruptions?{q}").text
    per_day = api["focus"]["hours_per_person_day"]
    assert "Focus time" in page and f"{per_day:,.1f} h" in page


def test_manager_sees_only_own_teams(client):
    sign_in(client, "maria")  # manages "Payroll & HR"
    page = client.get("/functions").text
    assert "Payroll &amp; HR" in page
    assert "Workforce planning" not in page and "Client services" not in page
    for path in (
        "/functions?team=Workforce%20planning",
        "/functions.csv?team=Workforce%20planning",
        "/overview.csv?team=Client%20services",
        "/review?team=Client%20services&month=2026-10",
        "/workload.csv?team=No%20such%20team",
        "/units.csv?team=Workforce%20planning",
    ):
        r = client.get(path)
        assert r.status_code == 403, path
        assert "text/csv" not in r.content_type
        main = r.text.split('<main id="main"', 1)[1]
        assert "<table" not in main and "<svg" not in main and "not one of yours" in main


def test_manager_default_scope_equals_own_team(client):
    sign_in(client, "maria")
    mine = client.get("/workload.csv").text
    explicit = client.get("/workload.csv?team=Payroll%20%26%20HR").text
    assert mine == explicit


def test_admin_unknown_team_is_404(client):
    sign_in(client, "admin")
    assert client.get("/overview?team=Nobody").status_code == 404


def test_form_posts_without_csrf_token_are_refused(client, db):
    sign_in(client, "maria")
    before = open_store(db).one("SELECT COUNT(*) FROM output_units")[0]
    form = {"date": date.today().isoformat(), "function": "payroll", "units": "2"}
    form["team"] = "Payroll & HR"
    assert client.post("/units", data=form).status_code == 403
    assert client.post("/units", data={**form, "csrf_token": "forged"}).status_code == 403
    assert client.post("/logout").status_code == 403
    assert client.post("/account/password", data={"current": PASSWORD}).status_code == 403
    assert open_store(db).one("SELECT COUNT(*) FROM output_units")[0] == before
    # With the session's token the same form is stored.
    r = client.post("/units", data={**form, "csrf_token": token(client, "/units")})
    assert r.status_code == 302
    assert open_store(db).one("SELECT COUNT(*) FROM output_units")[0] == before + 1


def test_sign_in_without_token_refused(client):
    r = client.post("/login", data={"name": "admin", "password": PASSWORD})
    assert r.status_code == 403


def test_lockout_after_repeated_failures(app, db):
    app.config.update(LOGIN_LOCK_AFTER=3, LOGIN_LOCK_SECONDS=600)
    client = app.test_client()
    for _ in range(3):
        r = sign_in(client, "wes", "wrong password!")
        assert r.status_code == 401
        assert "did not work" in r.text
    # Locked: the right password fails too, with the same answer.
    r = sign_in(client, "wes")
    assert r.status_code == 401 and "did not work" in r.text
    store = open_store(db)
    assert store.one("SELECT locked_until FROM users WHERE name = 'wes'")[0] is not None
    assert store.one("SELECT 1 FROM audit_log WHERE action = 'user.locked'") is not None
    # Another account is not affected.
    assert sign_in(app.test_client(), "carla").status_code == 302


def test_unknown_name_answers_like_a_wrong_password(client):
    a = sign_in(client, "nobody-here")
    b = sign_in(client, "admin", "wrong password!")
    assert a.status_code == b.status_code == 401
    message = "That name and password did not work."
    assert message in a.text and message in b.text


def test_session_cookie_flags(app):
    client = app.test_client()
    r = sign_in(client, "admin")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    tls = app.test_client()
    tls.get("/login", base_url="https://localhost")
    page = tls.get("/login", base_url="https://localhost").text
    r = tls.post(
        "/login",
        data={"name": "admin", "password": PASSWORD, "csrf_token": TOKEN.search(page).group(1)},
        base_url="https://localhost",
    )
    assert r.status_code == 302
    assert "Secure" in r.headers["Set-Cookie"]


def test_sign_out_ends_the_session(client):
    sign_in(client, "admin")
    r = client.post("/logout", data={"csrf_token": token(client, "/overview")})
    assert r.status_code == 302
    assert client.get("/overview").status_code == 302


def test_open_redirect_refused(client):
    r = client.post(
        "/login",
        data={
            "name": "admin",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": token(client),
        },
    )
    assert r.headers["Location"] == "/overview"


def test_change_password_signs_out_other_sessions(app):
    first, second = app.test_client(), app.test_client()
    sign_in(first, "carla")
    sign_in(second, "carla")
    form = {"current": "wrong one!", "new": "a new long password", "confirm": "a new long password"}
    r = first.post(
        "/account/password", data={**form, "csrf_token": token(first, "/account/password")}
    )
    assert r.status_code == 400 and "not your current password" in r.text
    form["current"] = PASSWORD
    r = first.post(
        "/account/password", data={**form, "csrf_token": token(first, "/account/password")}
    )
    assert r.status_code == 302
    assert first.get("/overview").status_code == 200
    assert second.get("/overview").status_code == 302  # the other session ended


def test_empty_state_says_what_to_do(client):
    sign_in(client, "tina")  # manager of a team nobody is enrolled in
    for name in ("overview", "functions", "interruptions", "workload", "review", "units"):
        html = client.get(f"/{name}").text
        main = html.split('<main id="main"', 1)[1]
        assert "empty-state" in main, name
        assert 'class="chart' not in main, name
    assert "ask an admin" in client.get("/overview").text


def test_suppressed_groups_say_so_never_zero(app, db):
    store = open_store(db)
    store.set_settings({"privacy.min_group_size": 10})  # each demo team has 9 people
    client = app.test_client()
    sign_in(client, "admin")
    team = "team=Workforce%20planning"
    for name in ("overview", "functions", "interruptions", "workload", "review"):
        html = client.get(f"/{name}?{team}").text
        assert "Suppressed" in html and "Fewer than 10 people" in html, name
        assert "<table" not in html.split('<main id="main"', 1)[1], name
        body = rows(client.get(f"/{name}.csv?{team}").text)
        assert len(body) == 1 and "Fewer than 10 people" in body[0]["suppressed"], name
    # The whole organisation (27 people) is shown.
    html = client.get("/functions").text
    assert "Suppressed" not in html and "<table" in html
    # A manager's team on its own is suppressed too.
    client = app.test_client()
    sign_in(client, "maria")
    assert "Fewer than 10 people" in client.get("/interruptions").text


def test_suppressed_weeks_are_drawn_and_listed_as_suppressed(app, db):
    store = open_store(db)
    store.set_settings({"privacy.min_group_size": 10})
    end = date.today()
    start = end - timedelta(days=55)
    # One week in the range keeps only 7 of the 27 people: that week is a group of 7.
    monday = start + timedelta(days=(7 - start.weekday()) % 7 + 7)
    with store.write() as c:
        c.execute(
            "DELETE FROM rollups WHERE day BETWEEN ? AND ? AND person_id NOT IN "
            "(SELECT id FROM people ORDER BY id LIMIT 7)",
            (monday.isoformat(), (monday + timedelta(days=6)).isoformat()),
        )
        rebuild(c, start.isoformat())  # the per-team daily totals follow the rollups
    client = app.test_client()
    sign_in(client, "admin")
    body = rows(client.get(f"/overview.csv?from={start}&to={end}").text)
    hidden = [r for r in body if r["suppressed"]]
    shown = [r for r in body if not r["suppressed"]]
    assert [r["week"] for r in hidden] == [monday.isoformat()]
    for r in hidden:
        assert r["tracked"] == "" and r["scheduling"] == ""  # blank, never 0
    assert all(float(r["tracked"]) > 0 for r in shown)
    assert "suppressed" in client.get(f"/overview?from={start}&to={end}").text


def test_units_csv_upload_with_errors_stores_nothing(client, db):
    sign_in(client, "maria")
    before = open_store(db).one("SELECT COUNT(*) FROM output_units")[0]
    today = date.today().isoformat()
    text = (
        "date,function,units,corrections,team\n"
        f"{today},payroll,2,0,Payroll & HR\n"
        f"{today},payroll,lots,0,Payroll & HR\n"
        f"not-a-date,payroll,1,0,Payroll & HR\n"
        f"{today},qa_evaluation,1,5,Payroll & HR\n"
        f"{today},payroll,2.5,0,Payroll & HR\n"
    )
    r = client.post(
        "/units/upload",
        data={
            "file": (io.BytesIO(text.encode()), "units.csv"),
            "csrf_token": token(client, "/units"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    # Rows 3 and 4 fail to parse; row 5 (more corrections than units) is checked
    # once every row parses (collector.service.output_units checks in two passes).
    for n in (3, 4, 6):
        assert f"row {n}" in r.text
    assert "not a whole number" in r.text  # row 6: units are counts
    assert "Nothing was imported" in r.text
    assert open_store(db).one("SELECT COUNT(*) FROM output_units")[0] == before
    # A file that parses but names an impossible row: its file row number is given.
    resolve = (
        f"date,function,units,corrections,team\n{today},payroll,2,0,Payroll & HR\n"
        f"{today},qa_evaluation,1,5,Payroll & HR\n"
    )
    r = client.post(
        "/units/upload",
        data={
            "file": (io.BytesIO(resolve.encode()), "u.csv"),
            "csrf_token": token(client, "/units"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "row 3" in r.text and "more corrections than units" in r.text
    # Another team's rows: refused, nothing stored, and no figures of that team shown.
    other = (
        f"date,function,units,team\n{today},payroll,2,Payroll & HR\n"
        f"{today},payroll,2,Client services\n"
    )
    r = client.post(
        "/units/upload",
        data={"file": (io.BytesIO(other.encode()), "u.csv"), "csrf_token": token(client, "/units")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 403 and "row 3" in r.text
    assert open_store(db).one("SELECT COUNT(*) FROM output_units")[0] == before
    # A clean file is stored whole.
    good = (
        f"date,function,units,team\n{today},payroll,2,Payroll & HR\n"
        f"{today},onboarding,3,Payroll & HR\n"
    )
    r = client.post(
        "/units/upload",
        data={"file": (io.BytesIO(good.encode()), "u.csv"), "csrf_token": token(client, "/units")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert open_store(db).one("SELECT COUNT(*) FROM output_units")[0] == before + 2


def test_units_form_shows_field_errors(client):
    sign_in(client, "maria")
    r = client.post(
        "/units",
        data={
            "date": "yesterday",
            "function": "payroll",
            "units": "-1",
            "team": "Payroll & HR",
            "csrf_token": token(client, "/units"),
        },
    )
    assert r.status_code == 400
    assert "The units were not recorded" in r.text and 'aria-invalid="true"' in r.text


def test_the_units_page_warns_of_a_week_that_cannot_fit_the_operation(client, db):
    store = open_store(db)
    size = store.settings()["operation.size"]
    team = store.team_id("Payroll & HR")
    monday = date.today() - timedelta(days=date.today().weekday() + 7)
    store.add_output_units(
        [
            {
                "date": monday.isoformat(),
                "function": "timesheet_review",
                "team_id": team,
                "person_id": None,
                "client_key": None,
                "units": size + 1,
                "corrections": 0,
            }
        ],
        "test",
        "test",
    )
    sign_in(client, "maria")
    r = client.get("/units")
    assert r.status_code == 200
    assert 'id="unit-warnings"' in r.text
    assert f"for an operation of {size:,}" in r.text


def test_the_units_form_refuses_a_fraction_and_stores_nothing(client, db):
    sign_in(client, "maria")
    before = open_store(db).one("SELECT COUNT(*) FROM output_units")[0]
    r = client.post(
        "/units",
        data={
            "date": date.today().isoformat(),
            "function": "scheduling",
            "units": "2.5",
            "team": "Payroll & HR",
            "csrf_token": token(client, "/units"),
        },
    )
    assert r.status_code == 400 and "Enter a whole number" in r.text
    assert open_store(db).one("SELECT COUNT(*) FROM output_units")[0] == before


def test_bad_filter_values_fall_back_with_a_message(client):
    sign_in(client, "admin")
    r = client.get("/overview?from=yesterday&to=2026-13-40")
    assert r.status_code == 200 and "is not a date" in r.text
    r = client.get("/review?month=13-2026")
    assert r.status_code == 200 and "is not a month" in r.text


def test_admin_links_only_for_admins(app):
    admin, manager = app.test_client(), app.test_client()
    sign_in(admin, "admin")
    sign_in(manager, "maria")
    assert 'aria-label="Administration"' not in manager.get("/overview").text
    admin_endpoints = [e for e in app.view_functions if e.startswith("admin.")]
    html = admin.get("/overview").text
    assert ('aria-label="Administration"' in html) == bool(
        {
            "admin.users",
            "admin.access",
            "admin.devices",
            "admin.rules",
            "admin.settings",
            "admin.audit",
        }
        & set(admin_endpoints)
    )


def test_favicon_served_with_the_security_headers(client):
    for path in ("/favicon.ico", "/static/favicon.svg"):
        resp = client.get(path)
        assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
        assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" not in resp.headers.get("Cache-Control", "")


def test_a_manager_records_and_removes_an_absence_on_the_workload_page(client, db):
    store = open_store(db)
    mine = next(p for p in store.people() if p["team"] == "Payroll & HR")
    theirs = next(p for p in store.people() if p["team"] == "Client services")
    before = {r[0] for r in store.all("SELECT id FROM absences")}
    sign_in(client, "maria")
    page = client.get("/workload")
    assert page.status_code == 200 and 'id="workload-assumed"' in page.text
    assert "32 available hours per five working days" in page.text
    day = (date.today() - timedelta(days=3)).isoformat()
    csrf_token = token(client, "/workload")
    r = client.post(
        "/absences", data={"person": theirs["id"], "from": day, "csrf_token": csrf_token}
    )
    assert r.status_code == 302
    assert {r[0] for r in store.all("SELECT id FROM absences")} == before  # not her team
    r = client.post("/absences", data={"person": mine["id"], "from": day, "csrf_token": csrf_token})
    assert r.status_code == 302
    (absence_id,) = {r[0] for r in store.all("SELECT id FROM absences")} - before
    page = client.get("/workload")
    assert f"/absences/{absence_id}/delete" in page.text
    r = client.post(f"/absences/{absence_id}/delete", data={"csrf_token": csrf_token})
    assert r.status_code == 302
    assert {r[0] for r in store.all("SELECT id FROM absences")} == before


def test_overview_lists_a_below_quality_function_first_among_those_to_watch(client):
    sign_in(client, "admin")
    r = client.get("/overview")
    assert r.status_code == 200
    watch = re.search(
        r"Functions to watch</span><span class=\"value\">(\d+)</span>"
        r"<span class=\"note\">([^<]*)</span>",
        r.text,
    )
    assert watch, "the headline figure is missing"
    assert int(watch.group(1)) >= 2
    assert watch.group(2).startswith("Payroll processing")
