"""Who may open the admin pages, and what every POST needs."""

from __future__ import annotations

import pytest

from tests.collector.admin.conftest import CSRF, post

PAGES = [
    "/admin/",
    "/admin/users",
    "/admin/access",
    "/admin/devices",
    "/admin/rules",
    "/admin/settings",
    "/admin/audit",
]

#: Every mutating URL, with a body that would be valid for an admin.
POSTS = [
    ("/admin/users", {"name": "x-user", "role": "admin", "password": "long enough pass"}),
    ("/admin/users/1/disable", {}),
    ("/admin/users/1/enable", {}),
    ("/admin/users/2/unlock", {}),
    ("/admin/users/2/password", {"password": "a new long pass", "confirm": "a new long pass"}),
    ("/admin/users/2/client-finance", {"allowed": "on"}),
    ("/admin/users/2/teams", {"teams": "1"}),
    ("/admin/teams", {"team_name": "new-team"}),
    ("/admin/access/tokens", {"team": "1"}),
    ("/admin/access/tokens/1/revoke", {}),
    ("/admin/access/keys", {"role": "admin"}),
    ("/admin/access/keys/1/revoke", {}),
    ("/admin/devices/abc/revoke", {}),
    ("/admin/rules", {"version": "0", "app": "^x$", "category": "payroll"}),
    ("/admin/rules/0/delete", {"version": "0"}),
    ("/admin/rules/0/move", {"version": "0", "direction": "down"}),
    ("/admin/rules/test", {"test_app": "excel", "test_title": "Payroll"}),
    ("/admin/settings", {"operation.size": "60"}),
]


@pytest.mark.parametrize("url", PAGES)
def test_admin_opens_every_page(admin, url):
    resp = admin.get(url, follow_redirects=True)
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", PAGES)
def test_manager_gets_403_on_every_page(manager, url):
    resp = manager.get(url)
    assert resp.status_code == 403
    assert "for admins" in resp.get_data(as_text=True)


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_manager_gets_403_on_every_post(manager, store, url, data):
    before = store.audit_count()
    assert post(manager, url, data).status_code == 403
    assert store.audit_count() == before


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_goes_to_sign_in(app, url):
    resp = app.test_client().get(url)
    assert resp.status_code == 302
    assert "/login" in resp.headers["Location"]


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_post_without_csrf_token_is_403_and_changes_nothing(admin, store, url, data):
    users, settings, rules = store.admin_users(), store.settings(), store.current_rules()
    before = store.audit_count()
    resp = admin.post(url, data=data)
    assert resp.status_code == 403
    resp = admin.post(url, data={**data, "csrf_token": "not-the-token"})
    assert resp.status_code == 403
    assert store.audit_count() == before
    assert store.admin_users() == users
    assert store.settings() == settings
    assert store.current_rules() == rules


@pytest.mark.parametrize(
    "url", ["/admin/users/1/disable", "/admin/access/tokens", "/admin/rules/test"]
)
def test_get_on_a_post_only_url_is_405(admin, url):
    assert admin.get(url).status_code == 405


def test_post_with_garbage_never_gives_500(admin):
    junk = {
        "name": "\x00" * 5,
        "role": "root",
        "teams": ["x", "-1", "999"],
        "password": "",
        "team": "1e9",
        "uses": "nan",
        "expires_days": "inf",
        "label": "a\nb",
        "version": "v",
        "index": "-3",
        "position": "0",
        "category": "nope",
        "client": "UPPER",
        "direction": "sideways",
        "test_app": "a" * 5000,
        "operation.size": "1e99",
        "unknown.key": "1",
        "confirm": "\x00" * 3,
        "allowed": "maybe",
    }
    for url, _ in POSTS:
        resp = post(admin, url, junk)
        assert resp.status_code < 500, (url, resp.status_code)
    for url in [
        "/admin/users/999/disable",
        "/admin/users/999/unlock",
        "/admin/users/999/password",
        "/admin/users/999/client-finance",
        "/admin/users/999/enable",
        "/admin/users/999/teams",
        "/admin/access/tokens/999/revoke",
        "/admin/access/keys/999/revoke",
        "/admin/devices/" + "x" * 300 + "/revoke",
        "/admin/rules/999/delete",
    ]:
        resp = post(admin, url, {"version": "0"})
        assert resp.status_code < 500, (url, resp.status_code)
    assert admin.get("/admin/audit?page=-5").status_code == 200
    assert admin.get("/admin/audit?page=abc").status_code == 200
    assert admin.get("/admin/rules?edit=9999&app=" + "z" * 1000).status_code == 200


# -- the clients report: a permission of its own ---------------------------------------
#: (who, may see client finance). Admins always may; a manager only when granted.
ROLES = [
    ("admin", True),
    ("manager", False),
    ("manager+finance", True),
]
#: Every way to read or change per-client finance.
FINANCE = [
    ("GET", "/api/v1/reports/clients?month=2026-10"),
    ("PUT", "/api/v1/clients/acme/financials"),
    ("GET", "/clients?month=2026-10"),
    ("GET", "/clients.csv?month=2026-10"),
]


@pytest.fixture
def finance_setup(app, store):
    from tests.collector.admin.conftest import sign_in

    ops = store.team_id("ops")
    store.add_user("fiona", "manager", "fiona's long password", [ops], client_finance=True)
    store.upsert_client("acme", "Acme")
    keys = {
        "admin": store.create_api_key("admin", []),
        "manager": store.create_api_key("manager", [ops]),
        "manager+finance": store.create_api_key("manager", [ops], client_finance=True),
    }
    sessions = {}
    for role, name in (("admin", "root"), ("manager", "maria"), ("manager+finance", "fiona")):
        client = app.test_client()
        sign_in(client, store, name)
        sessions[role] = client
    return keys, sessions


def _call(client, method: str, url: str, **kw):
    if method == "PUT":
        body = {"month": "2026-10", "revenue": 1000, "agent_cost": 400}
        return client.put(url, json=body, **kw)
    return client.get(url, **kw)


@pytest.mark.parametrize(("role", "allowed"), ROLES)
@pytest.mark.parametrize(("method", "url"), FINANCE)
def test_client_finance_matrix(app, store, finance_setup, role, allowed, method, url):
    keys, sessions = finance_setup
    before = store.audit_count()
    session = sessions[role]
    headers = {"X-CSRF-Token": CSRF} if method == "PUT" else {}
    by_session = _call(session, method, url, headers=headers)
    assert by_session.status_code == (200 if allowed else 403), (role, url, by_session.text)
    if url.startswith("/api/"):
        by_key = _call(
            app.test_client(), method, url, headers={"Authorization": f"Bearer {keys[role]}"}
        )
        assert by_key.status_code == (200 if allowed else 403), (role, url, by_key.text)
    if not allowed:
        text = by_session.get_data(as_text=True)
        assert "client finance" in text and "Acme" not in text
        assert store.audit_count() == before
        assert store.financials("2026-10") == {}
    # The Clients link shows only to those who may open it.
    nav = session.get("/overview").get_data(as_text=True).split('aria-label="Reports"', 1)[1]
    assert ('href="/clients' in nav.split("</nav>", 1)[0]) is allowed


def test_client_finance_is_granted_and_withdrawn_on_the_users_page(admin, store, app):
    from tests.collector.admin.conftest import sign_in

    maria = store.user_by_name("maria")
    client = app.test_client()
    sign_in(client, store, "maria")
    assert client.get("/clients").status_code == 403
    assert (
        post(admin, f"/admin/users/{maria['id']}/client-finance", {"allowed": "on"}).status_code
        == 302
    )
    assert client.get("/clients").status_code == 200
    assert (
        post(admin, f"/admin/users/{maria['id']}/client-finance", {"allowed": "off"}).status_code
        == 302
    )
    assert client.get("/clients").status_code == 403
    actions = [e["action"] for e in store.audit_log(limit=2)]
    assert actions == ["user.client_finance.withdraw", "user.client_finance.grant"]
    # An admin is not a manager to grant it to.
    root = store.user_by_name("root")
    resp = post(admin, f"/admin/users/{root['id']}/client-finance", {"allowed": "off"})
    assert resp.status_code == 400
