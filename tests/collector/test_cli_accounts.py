"""`backlight-collector user passwd|unlock|disable|enable|client-finance` on a real
collector database, with a real collector process serving it: what the
command changes is what the sign-in page and the API do next."""

from __future__ import annotations

import re
import subprocess

import pytest
import requests

from tests.fixtures.collector_server import CLI, _make, web_sign_in

pytestmark = pytest.mark.slow

PASSWORD = "first password!"
NEW_PASSWORD = "second password!"
NOTICE = re.compile(r'class="notice[^"]*"[^>]*>(.*?)</', re.S)


def cli_fails(db, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    out = subprocess.run(
        [*CLI, *args, "--db", str(db)], input=stdin, capture_output=True, text=True, timeout=60
    )
    assert out.returncode != 0, out
    return out


sign_in = web_sign_in


def signed_in(s: requests.Session, url: str) -> bool:
    return s.get(f"{url}/overview", allow_redirects=False, timeout=10).status_code == 200


def audit(collector, action: str, target: str) -> list[dict]:
    store = collector.store()
    try:
        entries = store.audit_log(limit=1000)
        return [e for e in reversed(entries) if (e["action"], e["target"]) == (action, target)]
    finally:
        store.close()


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """Users are made through the store (setup, not what is tested), quickly. These
    tests fail many sign-ins from 127.0.0.1 on purpose, so the per-address limit
    (tested in tests/collector/dashboard/test_signin_limits.py) is set out of their way."""
    server = _make(
        tmp_path_factory.mktemp("accounts"), env={"BACKLIGHT_LOGIN_ADDRESS_FAILURES": "1000"}
    )
    store = server.store()
    store.add_user("ann", "admin", PASSWORD, [])
    store.close()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bo(org, request) -> str:
    """A fresh manager of 'ops' for each test."""
    name = f"bo-{request.node.name[5:25]}"
    store = org.store()
    store.add_user(name, "manager", PASSWORD, [store.team_id("ops")])
    store.close()
    return name


def test_passwd_sets_a_new_password_and_ends_sessions(org, bo):
    c = org
    old_session, r = sign_in(c.url, bo, PASSWORD)
    assert r.status_code == 302 and signed_in(old_session, c.url)
    # Too short: refused, nothing changed.
    out = cli_fails(c.db, "user", "passwd", bo, stdin="short\n")
    assert "at least 10 characters" in out.stderr
    assert sign_in(c.url, bo, PASSWORD)[1].status_code == 302
    cli_fails(c.db, "user", "passwd", "nobody", stdin=NEW_PASSWORD + "\n")
    c.cli("user", "passwd", bo, stdin=NEW_PASSWORD + "\n")
    assert sign_in(c.url, bo, PASSWORD)[1].status_code == 401
    assert sign_in(c.url, bo, NEW_PASSWORD)[1].status_code == 302
    assert not signed_in(old_session, c.url)  # the session from before the reset ended
    (entry,) = audit(c, "user.password_reset", bo)
    assert (entry["actor"], entry["target"], entry["detail"]) == ("cli", bo, "{}")
    assert NEW_PASSWORD.encode() not in c.db.read_bytes()


def test_lock_says_until_when_and_unlock_lifts_it(org, bo):
    c = org
    for _ in range(4):
        r = sign_in(c.url, bo, "wrong password")[1]
        assert r.status_code == 401 and "locked until" not in r.text
    r = sign_in(c.url, bo, "wrong password")[1]
    assert "locked until" in r.text and "UTC" in r.text
    # Locked: the right password is refused too, and says so.
    r = sign_in(c.url, bo, PASSWORD)[1]
    assert r.status_code == 401 and "locked until" in r.text
    assert "locked until" in c.cli("user", "list")
    c.cli("user", "unlock", bo)
    assert sign_in(c.url, bo, PASSWORD)[1].status_code == 302
    assert [e["target"] for e in audit(c, "user.unlock", bo)] == [bo]
    # Unlocking an open account changes nothing and writes no audit entry.
    c.cli("user", "unlock", bo)
    assert len(audit(c, "user.unlock", bo)) == 1


def _notice(r: requests.Response) -> str:
    text = re.sub(r"\s+", " ", NOTICE.search(r.text).group(1))
    return re.sub(r"\d{2}:\d{2} UTC on \d{2} \w{3} \d{4}", "TIME", text)


def test_an_unknown_name_locks_and_answers_exactly_like_a_real_one(org, bo):
    c = org
    real = [sign_in(c.url, bo, "wrong password")[1] for _ in range(6)]
    ghost = [sign_in(c.url, "no-such-person", "wrong password")[1] for _ in range(6)]
    for a, b in zip(real, ghost, strict=True):
        assert a.status_code == b.status_code == 401
        assert _notice(a) == _notice(b)
    assert "locked until TIME" in _notice(real[-1])
    # The typed name is kept only as an HMAC.
    assert b"no-such-person" not in c.db.read_bytes()


def test_disable_refuses_sign_in_and_the_users_keys_until_enabled(org, bo):
    c = org
    key = c.cli("apikey", "create", "--role", "manager", "--team", "ops", "--user", bo).strip()
    unowned = c.cli("apikey", "create", "--role", "manager", "--team", "ops").strip()
    session, _ = sign_in(c.url, bo, PASSWORD)
    assert c.api("GET", "/reports/overview", key).status_code == 200
    c.cli("user", "disable", bo)
    assert c.api("GET", "/reports/overview", key).status_code == 401
    assert c.api("GET", "/reports/overview", unowned).status_code == 200
    assert not signed_in(session, c.url)
    assert sign_in(c.url, bo, PASSWORD)[1].status_code == 401
    assert "disabled" in c.cli("user", "list")
    c.cli("user", "enable", bo)
    assert c.api("GET", "/reports/overview", key).status_code == 200
    assert sign_in(c.url, bo, PASSWORD)[1].status_code == 302
    (disabled,) = audit(c, "user.disable", bo)
    assert disabled["target"] == bo and '"api_keys_held": 1' in disabled["detail"]
    assert [e["target"] for e in audit(c, "user.enable", bo)] == [bo]
    # The last active admin stays enabled.
    out = cli_fails(c.db, "user", "disable", "ann")
    assert "last active admin" in out.stderr
    assert sign_in(c.url, "ann", PASSWORD)[1].status_code == 302


def test_client_finance_is_a_permission_of_its_own(org, bo):
    c = org
    plain = c.cli("apikey", "create", "--role", "manager", "--team", "ops").strip()
    finance = c.cli(
        "apikey", "create", "--role", "manager", "--team", "ops", "--client-finance"
    ).strip()
    assert c.api("GET", "/reports/clients", plain).status_code == 403
    assert c.api("GET", "/reports/clients", finance).status_code == 200
    assert c.api("GET", "/reports/clients", c.admin_key).status_code == 200
    session, _ = sign_in(c.url, bo, PASSWORD)
    assert session.get(f"{c.url}/clients", timeout=10).status_code == 403
    c.cli("user", "client-finance", bo, "on")
    assert session.get(f"{c.url}/clients", timeout=10).status_code == 200
    c.cli("user", "client-finance", bo, "off")
    assert session.get(f"{c.url}/clients", timeout=10).status_code == 403
    actions = [e["action"] for e in audit(c, "user.client_finance.grant", bo)]
    actions += [e["action"] for e in audit(c, "user.client_finance.withdraw", bo)]
    assert actions == ["user.client_finance.grant", "user.client_finance.withdraw"]
    cli_fails(c.db, "user", "client-finance", "ann", "off")


def test_user_add_email_and_user_email_set_where_the_digest_goes(org):
    c = org
    out = cli_fails(
        c.db,
        "user",
        "add",
        "cy",
        "--role",
        "manager",
        "--team",
        "ops",
        "--email",
        "cy@",
        stdin=PASSWORD + "\n",
    )
    assert "--email: give one address such as name@example.com" in out.stderr
    assert "cy" not in [u["name"] for u in _users(c)]
    c.cli(
        "user",
        "add",
        "cy",
        "--role",
        "manager",
        "--team",
        "ops",
        "--email",
        "cy@example.com",
        stdin=PASSWORD + "\n",
    )
    (cy,) = [u for u in _users(c) if u["name"] == "cy"]
    assert cy["email"] == "cy@example.com"
    assert "cy@example.com" in audit(c, "user.add", "cy")[0]["detail"]
    assert "cy@example.com" in [line.split("\t")[-1] for line in c.cli("user", "list").splitlines()]
    cli_fails(c.db, "user", "email", "cy", "two@example.com three@example.com")
    c.cli("user", "email", "cy", "cy.new@example.com")
    assert [u["email"] for u in _users(c) if u["name"] == "cy"] == ["cy.new@example.com"]
    c.cli("user", "email", "cy", "")
    assert [u["email"] for u in _users(c) if u["name"] == "cy"] == [""]
    assert len(audit(c, "user.email", "cy")) == 2
    cli_fails(c.db, "user", "email", "nobody", "a@example.com")


def _users(collector) -> list[dict]:
    store = collector.store()
    try:
        return store.admin_users()
    finally:
        store.close()
