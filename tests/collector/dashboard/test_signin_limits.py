"""Sign-in failures limited per client address, against a real collector
process: many wrong passwords over many names from one address end in 429
with Retry-After; X-Forwarded-For counts only behind a trusted proxy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fixtures.collector_server import CollectorServer, run_cli

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LIMIT = 10  # the default: 10 failures in 15 minutes


def attempt(http: requests.Session, url: str, name: str, password: str, **headers):
    page = http.get(f"{url}/login", timeout=30)
    token = TOKEN.search(page.text).group(1)
    return http.post(
        f"{url}/login",
        data={"name": name, "password": password, "csrf_token": token},
        headers=headers,
        allow_redirects=False,
        timeout=30,
    )


def _server(tmp: Path, env: dict[str, str] | None = None) -> Iterator[CollectorServer]:
    server = CollectorServer(tmp / "c.db", tmp / "c.log", env=env)
    run_cli(server.db, "user", "add", "root", "--role", "admin", stdin=PASSWORD)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def direct(tmp_path: Path) -> Iterator[CollectorServer]:
    yield from _server(tmp_path)


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[CollectorServer]:
    yield from _server(tmp_path, {"BACKLIGHT_TRUSTED_PROXIES": "1"})


@pytest.mark.slow
def test_many_names_from_one_address_are_limited(direct):
    http = requests.Session()
    for i in range(LIMIT):
        r = attempt(http, direct.url, f"name{i}", "guess-123456")
        assert r.status_code == 401, (i, r.status_code)
    # The 11th answers 429, even for the right password of a real account.
    r = attempt(http, direct.url, "root", PASSWORD)
    assert r.status_code == 429
    wait = int(r.headers["Retry-After"])
    assert 0 < wait <= 15 * 60
    assert "Too many failed sign-ins" in r.text
    # The limit is checked before the password, so root's own count is untouched.
    store = direct.store()
    try:
        assert store.user_row("root")["failed_logins"] == 0
    finally:
        store.close()


@pytest.mark.slow
def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(direct):
    http = requests.Session()
    for i in range(LIMIT):
        # A client rotating a forged header is still one address.
        r = attempt(http, direct.url, f"n{i}", "x-guess-1234", **{"X-Forwarded-For": f"10.0.0.{i}"})
        assert r.status_code == 401
    r = attempt(http, direct.url, "n", "x", **{"X-Forwarded-For": "10.9.9.9"})
    assert r.status_code == 429


@pytest.mark.slow
def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_count(proxied):
    http = requests.Session()
    hostile = {"X-Forwarded-For": "203.0.113.7"}
    for i in range(LIMIT):
        assert attempt(http, proxied.url, f"n{i}", "guess-1234567", **hostile).status_code == 401
    assert attempt(http, proxied.url, "root", PASSWORD, **hostile).status_code == 429
    # Another client behind the same proxy signs in.
    r = attempt(http, proxied.url, "root", PASSWORD, **{"X-Forwarded-For": "198.51.100.2"})
    assert r.status_code == 302, r.text[:300]
