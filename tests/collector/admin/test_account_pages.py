"""The Users page's account actions over HTTP against a real collector process:
set a password (never echoed), unlock, disable (asked first) and enable, each
in the audit log with who and when."""

from __future__ import annotations

import re

import pytest
import requests

from tests.fixtures.collector_server import CollectorServer

pytestmark = pytest.mark.slow

PASSWORD = "admin's own password"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A requests session that signs in and posts forms with the page's CSRF token."""

    def __init__(self, url: str):
        self.url = url
        self.s = requests.Session()
        self.csrf = ""

    def get(self, path: str) -> requests.Response:
        r = self.s.get(self.url + path, timeout=30, allow_redirects=False)
        if m := TOKEN.search(r.text):
            self.csrf = m.group(1)
        return r

    def post(self, path: str, data: dict | None = None) -> requests.Response:
        return self.s.post(
            self.url + path,
            data={"csrf_token": self.csrf, **(data or {})},
            timeout=30,
            allow_redirects=False,
        )

    def sign_in(self, name: str, password: str) -> requests.Response:
        self.get("/login")
        return self.post("/login", {"name": name, "password": password})


@pytest.fixture(scope="module")
def site(shared_collector: CollectorServer):
    store = shared_collector.store()
    store.add_user("root", "admin", PASSWORD, [])
    store.close()
    admin = Browser(shared_collector.url)
    assert admin.sign_in("root", PASSWORD).status_code == 302
    return shared_collector, admin


def _user(c: CollectorServer, name: str, password: str = "their old password") -> dict:
    store = c.store()
    try:
        if store.user_by_name(name) is None:
            store.add_user(name, "manager", password, [store.team_id("ops")])
        return store.user_by_name(name)
    finally:
        store.close()


def _audit(c: CollectorServer, target: str) -> list[tuple[str, str]]:
    store = c.store()
    try:
        entries = store.audit_log(limit=1000)
        return [(e["actor"], e["action"]) for e in reversed(entries) if e["target"] == target]
    finally:
        store.close()


def test_set_password_is_never_echoed_and_ends_their_sessions(site):
    c, admin = site
    kim = _user(c, "kim")
    theirs = Browser(c.url)
    assert theirs.sign_in("kim", "their old password").status_code == 302
    admin.get("/admin/users")
    bad = admin.post(
        f"/admin/users/{kim['id']}/password", {"password": "too short", "confirm": "too short"}
    )
    assert bad.status_code == 400 and "at least 10 characters" in bad.text
    assert "too short" not in bad.text.replace("at least 10 characters", "")
    new = "kim's brand new password"
    admin.get("/admin/users")
    differ = admin.post(f"/admin/users/{kim['id']}/password", {"password": new, "confirm": "x"})
    assert differ.status_code == 400 and new not in differ.text
    admin.get("/admin/users")
    ok = admin.post(f"/admin/users/{kim['id']}/password", {"password": new, "confirm": new})
    assert ok.status_code == 302
    page = admin.get("/admin/users").text
    assert "New password set for kim" in page and new not in page
    assert theirs.get("/overview").status_code == 302  # signed out
    assert Browser(c.url).sign_in("kim", new).status_code == 302
    assert ("user:root", "user.password_reset") in _audit(c, "kim")


def test_locked_account_shows_until_when_and_is_unlocked(site):
    c, admin = site
    lee = _user(c, "lee")
    for _ in range(5):
        Browser(c.url).sign_in("lee", "not the password")
    page = admin.get("/admin/users").text
    row = page.split(f'id="user-{lee["id"]}"', 1)[1].split("</tr>", 1)[0]
    assert "locked" in row and "until" in row and "UTC" in row and "Unlock" in row
    assert admin.post(f"/admin/users/{lee['id']}/unlock").status_code == 302
    assert "lee is unlocked" in admin.get("/admin/users").text
    assert Browser(c.url).sign_in("lee", "their old password").status_code == 302
    assert ("user:root", "user.unlock") in _audit(c, "lee")


def test_disable_asks_first_then_refuses_sign_in_and_keys(site):
    c, admin = site
    max_ = _user(c, "max")
    store = c.store()
    key = store.create_api_key("manager", [store.team_id("ops")], "max's script", max_["id"])
    store.close()
    admin.get("/admin/users")
    ask = admin.post(f"/admin/users/{max_['id']}/disable")
    assert ask.status_code == 200
    assert "Disable max?" in ask.text and "1 API key" in ask.text
    assert _user(c, "max")["disabled_at"] is None  # asking changed nothing
    done = admin.post(f"/admin/users/{max_['id']}/disable", {"confirm": "yes"})
    assert done.status_code == 302
    assert _user(c, "max")["disabled_at"] is not None
    assert c.api("GET", "/reports/overview", key).status_code == 401
    assert Browser(c.url).sign_in("max", "their old password").status_code == 401
    keys = admin.get("/admin/access").text
    assert "refused: max is disabled" in keys
    admin.get("/admin/users")
    assert admin.post(f"/admin/users/{max_['id']}/enable").status_code == 302
    assert c.api("GET", "/reports/overview", key).status_code == 200
    actions = [a for a in _audit(c, "max") if a[1] in ("user.disable", "user.enable")]
    assert actions == [("user:root", "user.disable"), ("user:root", "user.enable")]
