"""Server-side sessions against a real collector process (issue 16, item 2).

Each test signs in over HTTP as a browser would, copies the cookie, and
replays it after the session should have ended: sign-out, another session's
password change, an admin disabling the account, the sessions page. The
replayed cookie must open neither a page (redirect to sign-in) nor the API
(401).
"""

from __future__ import annotations

import re
from contextlib import closing

import pytest
import requests

from tests.fixtures.collector_server import CollectorServer

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE = "session"


def csrf(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=30)
    assert page.status_code == 200, page.text[:300]
    match = TOKEN.search(page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(server: CollectorServer, name: str, agent: str = "pytest") -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = agent
    token = csrf(http, f"{server.url}/login")
    r = http.post(
        f"{server.url}/login",
        data={"name": name, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 302, r.text[:500]
    assert COOKIE in http.cookies
    set_cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    return http


def replay(server: CollectorServer, cookie: str) -> tuple[requests.Response, requests.Response]:
    """A page and an API call made with nothing but a copied cookie."""
    fresh = requests.Session()
    fresh.cookies.set(COOKIE, cookie, domain="127.0.0.1")
    page = fresh.get(f"{server.url}/overview", allow_redirects=False, timeout=30)
    api = fresh.get(f"{server.url}/api/v1/clients", timeout=30)
    return page, api


def assert_open(server: CollectorServer, cookie: str) -> None:
    page, api = replay(server, cookie)
    assert page.status_code == 200, page.headers.get("Location")
    assert api.status_code == 200, api.text


def assert_ended(server: CollectorServer, cookie: str) -> None:
    page, api = replay(server, cookie)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert api.status_code == 401, api.text


@pytest.fixture
def accounts(collector: CollectorServer) -> CollectorServer:
    collector.cli("user", "add", "root", "--role", "admin", stdin=PASSWORD)
    collector.cli("user", "add", "maria", "--role", "manager", "--team", "ops", stdin=PASSWORD)
    return collector


@pytest.mark.slow
def test_sign_out_ends_the_session_for_pages_and_api(accounts):
    http = sign_in(accounts, "maria")
    cookie = http.cookies[COOKIE]
    assert_open(accounts, cookie)
    token = csrf(http, f"{accounts.url}/overview")
    r = http.post(f"{accounts.url}/logout", data={"csrf_token": token}, allow_redirects=False)
    assert r.status_code == 302
    assert_ended(accounts, cookie)
    # Only the hash of the cookie's secret is on the server.
    with closing(accounts.store()) as store:
        rows = store.all("SELECT token_hash, revoked_reason FROM web_sessions")
    assert [r["revoked_reason"] for r in rows] == ["sign_out"]
    assert all(cookie not in r["token_hash"] for r in rows)


@pytest.mark.slow
def test_password_change_ends_the_other_sessions_and_keeps_this_one(accounts):
    laptop = sign_in(accounts, "maria", "laptop")
    phone = sign_in(accounts, "maria", "phone")
    token = csrf(laptop, f"{accounts.url}/account/password")
    new = "a different long passphrase"
    r = laptop.post(
        f"{accounts.url}/account/password",
        data={"current": PASSWORD, "new": new, "confirm": new, "csrf_token": token},
        allow_redirects=False,
    )
    assert r.status_code == 302, r.text[:500]
    assert_open(accounts, laptop.cookies[COOKIE])
    assert_ended(accounts, phone.cookies[COOKIE])


@pytest.mark.slow
def test_disabling_an_account_ends_its_sessions(accounts):
    maria = sign_in(accounts, "maria")
    root = sign_in(accounts, "root")
    with closing(accounts.store()) as store:
        maria_id = store.user_row("maria")["id"]
    token = csrf(root, f"{accounts.url}/admin/users")
    r = root.post(
        f"{accounts.url}/admin/users/{maria_id}/disable",
        data={"csrf_token": token, "confirm": "yes"},
        allow_redirects=False,
    )
    assert r.status_code == 302, r.text[:500]
    assert_ended(accounts, maria.cookies[COOKIE])
    assert_open(accounts, root.cookies[COOKIE])


@pytest.mark.slow
def test_sessions_page_lists_and_ends_another_session(accounts):
    laptop = sign_in(
        accounts,
        "maria",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    )
    other = sign_in(
        accounts,
        "maria",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    )
    sign_in(accounts, "root")  # someone else's session is neither listed nor endable
    page = laptop.get(f"{accounts.url}/account/sessions", timeout=30)
    assert page.status_code == 200
    assert "Firefox on Windows" in page.text and "Chrome on Linux" in page.text
    ids = re.findall(r'data-session="(\d+)"', page.text)
    assert len(ids) == 2
    with closing(accounts.store()) as store:
        root_session = store.one(
            "SELECT s.id FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'root'"
        )["id"]
        other_id = store.one("SELECT id FROM web_sessions WHERE user_agent = 'Chrome on Linux'")[
            "id"
        ]
    token = TOKEN.search(page.text).group(1)
    # Without the CSRF token the form is refused; another user's session is not found.
    assert (
        laptop.post(f"{accounts.url}/account/sessions/end", data={"session": other_id}).status_code
        == 403
    )
    r = laptop.post(
        f"{accounts.url}/account/sessions/end",
        data={"session": root_session, "csrf_token": token},
        allow_redirects=False,
    )
    assert r.status_code == 404
    r = laptop.post(
        f"{accounts.url}/account/sessions/end",
        data={"session": other_id, "csrf_token": token},
        allow_redirects=False,
    )
    assert r.status_code == 302
    assert_ended(accounts, other.cookies[COOKIE])
    assert_open(accounts, laptop.cookies[COOKIE])
    with closing(accounts.store()) as store:
        live = store.one("SELECT COUNT(*) FROM web_sessions WHERE revoked_at IS NULL")[0]
    assert live == 2  # this laptop and root's


@pytest.mark.slow
def test_retention_purge_drops_ended_sessions(accounts):
    http = sign_in(accounts, "maria")
    token = csrf(http, f"{accounts.url}/overview")
    http.post(f"{accounts.url}/logout", data={"csrf_token": token})
    with closing(accounts.store()) as store:
        store.conn.execute("UPDATE web_sessions SET revoked_at = revoked_at - 2 * 86400")
        store.conn.commit()
    out = accounts.cli("purge")
    assert '"sessions": 1' in out
    with closing(accounts.store()) as store:
        assert store.one("SELECT COUNT(*) FROM web_sessions")[0] == 0
