"""The admin pages in a real browser (Debian's Chromium driven by Playwright)
against a real collector process (`backlight-collector serve`).

The collector gets its data the way production does: teams and users from
the CLI, workstations enrolled with enrollment tokens over HTTP, summaries
posted by those devices (with uncategorised apps and queue health). An admin
signs in through the sign-in page, creates a token and sees its secret once,
tests a window title in the rules box, saves a setting, and finds all of it
in the audit log; no page may log a console error. Screenshots of every
admin page go to docs/screenshots/admin-<page>.png (1280 wide, full page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from collector.dashboard import ADMIN_NAV
from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CollectorServer, run_cli
from tests.fixtures.screenshots import SCREENSHOTS

pytestmark = pytest.mark.browser

PASSWORD = "admin pages in a browser"
SECRET = re.compile(r"\bble_[A-Za-z0-9_-]{40,}")


def _fill(server: CollectorServer) -> None:
    """A small organisation, made through the CLI and the device API."""
    for team in ("Scheduling & payroll", "Client services"):
        server.cli("team", "add", team)
    server.cli("user", "add", "alex", "--role", "admin", stdin=PASSWORD + "\n")
    server.cli("user", "add", "maria", "--role", "manager", "--team", "ops", stdin=PASSWORD + "\n")
    server.cli(
        "user",
        "add",
        "wes",
        "--role",
        "manager",
        "--team",
        "Client services",
        stdin=PASSWORD + "\n",
    )
    server.cli(
        "apikey", "create", "--role", "manager", "--team", "ops", "--label", "payroll export"
    )
    server.cli("token", "create", "--team", "Client services", "--uses", "25", "--expires", "14")
    people = [("ann", "ops"), ("bo", "ops"), ("chen", "Scheduling & payroll")]
    for i, (name, team) in enumerate(people):
        token = server.enroll(name, team=team)
        segments = plan(
            day_at(1, 9),
            [("payroll", 50), ("communication", 8), ("payroll", 40), ("uncategorised", 25)],
        )
        segments[-1]["app"] = ["acmecrm", "keepass", "acmecrm"][i]
        r = server.api(
            "POST",
            "/summaries",
            token,
            json=batch(segments),
            headers={"Backlight-Queue": f"{i * 7},{1 if i == 2 else 0}"},
        )
        assert r.status_code == 200, r.text
    server.enroll("dee", team="Client services", consent=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[CollectorServer]:
    tmp = tmp_path_factory.mktemp("admin-browser")
    srv = CollectorServer(tmp / "collector.db", tmp / "collector.log")
    run_cli(srv.db, "team", "add", "ops")
    srv.start()
    _fill(srv)
    yield srv
    srv.stop()


class Tab:
    """A browser tab that records console errors, page errors and failed requests."""

    def __init__(self, browser, base: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def open(self, path: str):
        resp = self.page.goto(self.base + path)
        assert resp is not None
        return resp

    def sign_in(self, name: str) -> None:
        self.open("/login?next=/admin/users")
        self.page.fill("#f-name", name)
        self.page.fill("#f-password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def admin_tab(browser, server) -> Iterator[Tab]:
    tab = Tab(browser, server.url)
    tab.sign_in("alex")
    assert tab.page.url.endswith("/admin/users"), tab.page.url
    yield tab
    tab.close()


@pytest.fixture(autouse=True)
def _no_console_errors(request):
    yield
    if "admin_tab" in request.fixturenames:
        tab = request.getfixturevalue("admin_tab")
        errors, tab.errors[:] = list(tab.errors), []
        assert errors == [], errors


def test_users_page(admin_tab: Tab):
    page = admin_tab.page
    admin_tab.open("/admin/users")
    assert page.locator("h1").inner_text() == "Users & teams"
    rows = page.locator("#users-h ~ .table-wrap tbody tr")
    names = [rows.nth(i).locator("th").inner_text() for i in range(rows.count())]
    assert names[0].startswith("alex") and "maria" in names and "wes" in names
    # the admin header links every admin page
    links = page.locator(".admin-nav a")
    shown = [links.nth(i).inner_text() for i in range(links.count())]
    assert shown == [label for _endpoint, label in ADMIN_NAV]
    admin_tab.shot("users")


def test_create_token_shows_the_secret_once(admin_tab: Tab, server):
    page = admin_tab.page
    admin_tab.open("/admin/access")
    page.select_option("#new-token #f-team", label="Client services")
    page.fill("#new-token #f-uses", "10")
    page.fill("#new-token #f-expires_days", "7")
    page.click("#new-token button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator("#new-secret").inner_text().strip()
    assert SECRET.fullmatch(shown), shown
    assert page.locator(".secret h2").inner_text().startswith("Enrollment token for team Client")
    admin_tab.shot("access")
    # the token works, once, for an enrollment over HTTP
    r = server.api(
        "POST",
        "/enroll",
        json={
            "enrollment_token": shown,
            "hostname": "eve-pc",
            "os": "windows",
            "agent_version": "0.1.0",
            "user": "eve",
        },
    )
    assert r.status_code == 201, r.text
    # ...and it is never shown again
    admin_tab.open("/admin/access")
    assert page.locator("#new-secret").count() == 0
    assert shown not in page.content()
    assert "Client services" in page.locator("#tokens-h ~ .table-wrap").inner_text()


def test_devices_page(admin_tab: Tab):
    page = admin_tab.page
    admin_tab.open("/admin/devices")
    table = page.locator("#devices-h ~ .table-wrap").inner_text()
    for bit in ("ann", "ann-pc", "chen", "granted", "eve-pc", "quarantine", "not asked yet"):
        assert bit in table
    admin_tab.shot("devices")


def test_rules_test_box_and_uncategorised(admin_tab: Tab):
    page = admin_tab.page
    admin_tab.open("/admin/rules")
    assert "acmecrm" in page.locator("#uncategorised").inner_text()
    page.fill("#f-test_app", "EXCEL.EXE")
    page.fill("#f-test_title", "Payroll run - November")
    page.click("#test button[type=submit]")
    page.wait_for_load_state()
    result = page.locator("#test-result").inner_text()
    assert re.search(r"Rule \d+ matches: Payroll", result), result
    assert page.locator("tr.is-match").count() == 1
    admin_tab.shot("rules")
    # 'write a rule from this' pre-fills the form
    # the title typed is not kept: opening the page again shows an empty box
    admin_tab.open("/admin/rules")
    assert page.input_value("#f-test_title") == ""
    page.click("#uncategorised a[aria-label='Write a rule for acmecrm']")
    page.wait_for_load_state()
    assert page.input_value("#f-app") == "^acmecrm$"
    page.select_option("#f-category", "invoicing")
    page.fill("#f-client", "acme")
    page.click("#rule-form button[type=submit]")
    page.wait_for_load_state()
    assert "Rule saved" in page.locator(".flashes").inner_text()
    last = page.locator("#rules-list tbody tr").last.inner_text()
    assert "^acmecrm$" in last and "acme" in last


def test_save_a_setting(admin_tab: Tab, server):
    page = admin_tab.page
    admin_tab.open("/admin/settings")
    page.fill("[id='f-privacy.min_group_size']", "3")
    page.select_option("[id='f-privacy.individual_reports']", "false")
    page.click("#settings-form button[type=submit]")
    page.wait_for_load_state()
    assert "Saved: privacy.min_group_size" in page.locator(".flashes").inner_text()
    assert page.input_value("[id='f-privacy.min_group_size']") == "3"
    assert (
        server.api("GET", "/settings", server_key(server)).json()["settings"][
            "privacy.min_group_size"
        ]
        == 3
    )
    admin_tab.shot("settings")


def test_an_invalid_setting_names_the_field(admin_tab: Tab):
    page = admin_tab.page
    admin_tab.open("/admin/settings")
    page.fill("[id='f-retention_days']", "3")
    page.click("#settings-form button[type=submit]")
    page.wait_for_load_state()
    summary = page.locator(".error-summary").inner_text()
    assert "Nothing was saved" in summary and "retention_days" in summary
    # the refused form answers 400 on purpose; nothing else may fail
    admin_tab.errors[:] = [
        e for e in admin_tab.errors if not (e.startswith("400 ") or "status of 400" in e)
    ]
    admin_tab.open("/admin/settings")
    assert page.input_value("[id='f-retention_days']") == "400"


def test_audit_log_shows_what_was_done(admin_tab: Tab):
    page = admin_tab.page
    admin_tab.open("/admin/audit")
    text = page.locator("#audit-h ~ .table-wrap").inner_text()
    for action in ("settings.set", "rules.replace", "token.create", "user.sign_in"):
        assert action in text, action
    assert "user:alex" in text
    # newest first: the setting came after the token
    assert text.index("settings.set") < text.index("token.create")
    admin_tab.shot("audit")


def test_manager_is_refused(browser, server):
    tab = Tab(browser, server.url)
    try:
        tab.sign_in("maria")
        resp = tab.open("/admin/users")
        assert resp.status == 403
        assert "admins" in tab.page.locator("main").inner_text()
        assert tab.page.locator(".admin-nav").count() == 0
    finally:
        tab.close()


def server_key(server: CollectorServer) -> str:
    key = getattr(server, "_admin_key", None)
    if key is None:
        key = server._admin_key = server.cli("apikey", "create", "--role", "admin").strip()
    return key


def test_unlock_a_locked_manager_from_the_users_page(browser, admin_tab: Tab, server):
    """Five wrong passwords lock wes; the sign-in page says until when; alex unlocks
    wes on the Users page; wes signs in with the right password at once."""
    wes = Tab(browser, server.url)
    try:
        for _ in range(5):
            wes.open("/login")
            wes.page.fill("#f-name", "wes")
            wes.page.fill("#f-password", "not the password")
            wes.page.click("button[type=submit]")
            wes.page.wait_for_load_state()
        notice = wes.page.locator(".notice").inner_text()
        assert "locked until" in notice and "UTC" in notice
        wes.shot("signin-locked")
    finally:
        wes.close()
    page = admin_tab.page
    admin_tab.open("/admin/users")
    row = page.locator("tr", has=page.locator("th", has_text="wes"))
    assert "locked" in row.inner_text() and "until" in row.inner_text()
    admin_tab.shot("users-locked")
    row.get_by_role("button", name="Unlock wes").click()
    page.wait_for_load_state()
    assert "wes is unlocked" in page.locator("main").inner_text()
    row = page.locator("tr", has=page.locator("th", has_text="wes"))
    assert "active" in row.inner_text() and "Unlock" not in row.inner_text()
    admin_tab.shot("users-unlocked")
    wes = Tab(browser, server.url)
    try:
        wes.sign_in("wes")  # signed in: a manager lands on the admins-only page's 403
        assert wes.open("/overview").status == 200
        assert "/login" not in wes.page.url
    finally:
        wes.close()
    audit_text = (admin_tab.open("/admin/audit"), page.locator("main").inner_text())[1]
    assert "user.unlock" in audit_text
