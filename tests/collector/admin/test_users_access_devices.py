"""Users & teams, tokens & keys, devices: each change, its checks and its audit entry."""

from __future__ import annotations

import re

from collector import security
from tests.collector.admin.conftest import PASSWORD, post, text_of


def last_audit(store) -> dict:
    return store.audit_log(limit=1)[0]


def user(store, name: str) -> dict:
    return next(u for u in store.admin_users() if u["name"] == name)


# -- users and teams ------------------------------------------------------


def test_users_page_lists_users_roles_teams_and_state(admin, store):
    page = text_of(admin.get("/admin/users"))
    assert "root" in page and "maria" in page
    assert "admin" in page and "manager" in page
    assert "ops" in page and "payroll" in page
    assert "active" in page


def test_add_user_stores_hashed_password_and_audits(admin, store):
    ops = store.team_id("ops")
    resp = post(
        admin,
        "/admin/users",
        {"name": "wes", "role": "manager", "teams": str(ops), "password": "a good long password"},
    )
    assert resp.status_code == 302
    row = store.user_row("wes")
    assert row["role"] == "manager"
    assert row["password_hash"] != "a good long password"
    assert security.password_matches("a good long password", row["password_hash"])
    assert user(store, "wes")["team_names"] == ["ops"]
    entry = last_audit(store)
    assert (entry["actor"], entry["action"], entry["target"]) == ("user:root", "user.add", "wes")
    assert "a good long password" not in entry["detail"]


def test_add_user_errors_name_each_field_and_store_nothing(admin, store):
    before = store.admin_users()
    resp = post(admin, "/admin/users", {"name": "maria", "role": "manager", "password": "short"})
    assert resp.status_code == 400
    page = text_of(resp)
    assert "name: a user called 'maria' exists already" in page
    assert "teams: a manager needs at least one team" in page
    assert "password: use at least 10 characters" in page
    assert store.admin_users() == before
    resp = post(
        admin, "/admin/users", {"name": "", "role": "owner", "password": "x" * 12, "teams": "999"}
    )
    page = text_of(resp)
    assert resp.status_code == 400
    assert "name: give the user a name" in page
    assert "role: choose admin or manager" in page
    assert "teams: '999' is not a known team" in page
    assert store.admin_users() == before


def test_last_active_admin_cannot_be_disabled(admin, store):
    root = user(store, "root")
    before = store.audit_count()
    resp = post(admin, f"/admin/users/{root['id']}/disable", {"confirm": "yes"})
    assert resp.status_code == 409
    assert "root is the last active admin and stays enabled" in text_of(resp)
    assert user(store, "root")["disabled_at"] is None
    assert store.audit_count() == before
    assert admin.get("/admin/users").status_code == 200  # still signed in


def test_with_two_admins_one_may_go_but_not_yourself(app, admin, store):
    from tests.collector.admin.conftest import sign_in

    store.add_user("ada", "admin", PASSWORD, [])
    ada_client = app.test_client()
    sign_in(ada_client, store, "ada")
    root, ada = user(store, "root"), user(store, "ada")
    resp = post(admin, f"/admin/users/{root['id']}/disable", {"confirm": "yes"})
    assert resp.status_code == 400
    assert "You cannot disable yourself" in text_of(resp)
    assert post(admin, f"/admin/users/{ada['id']}/disable", {"confirm": "yes"}).status_code == 302
    assert user(store, "ada")["disabled_at"] is not None
    entry = last_audit(store)
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "user:root",
        "user.disable",
        "ada",
    )
    assert ada_client.get("/admin/users").status_code == 302  # ada's session ended
    # root is now the last active admin: the store refuses, whoever asks (races included)
    assert store.disable_user_unless_last_admin(root["id"]) == "last_admin"
    assert store.active_admins() == 1
    assert post(admin, f"/admin/users/{ada['id']}/enable").status_code == 302
    assert last_audit(store)["action"] == "user.enable"
    assert store.active_admins() == 2


def test_disable_and_enable_manager(admin, store):
    maria = user(store, "maria")
    assert post(admin, f"/admin/users/{maria['id']}/disable", {"confirm": "yes"}).status_code == 302
    assert store.user_row("maria") is None  # disabled users cannot sign in
    assert "disabled" in text_of(admin.get("/admin/users"))
    assert post(admin, f"/admin/users/{maria['id']}/enable").status_code == 302
    assert store.user_row("maria") is not None
    actions = [e["action"] for e in store.audit_log(limit=2)]
    assert actions == ["user.enable", "user.disable"]


def test_change_teams(admin, store):
    maria = user(store, "maria")
    payroll = store.team_id("payroll")
    ops = store.team_id("ops")
    resp = post(admin, f"/admin/users/{maria['id']}/teams", {"teams": [str(ops), str(payroll)]})
    assert resp.status_code == 302
    assert user(store, "maria")["team_names"] == ["ops", "payroll"]
    entry = last_audit(store)
    assert entry["action"] == "user.teams" and entry["target"] == "maria"
    # a manager with no team is refused, teams unchanged
    resp = post(admin, f"/admin/users/{maria['id']}/teams", {})
    assert resp.status_code == 400
    assert "teams: a manager needs at least one team" in text_of(resp)
    assert user(store, "maria")["team_names"] == ["ops", "payroll"]


def test_add_team(admin, store):
    assert post(admin, "/admin/teams", {"team_name": "qa"}).status_code == 302
    assert store.team_id("qa") is not None
    assert last_audit(store)["action"] == "team.add"
    resp = post(admin, "/admin/teams", {"team_name": "qa"})
    assert resp.status_code == 400
    assert "team name: a team called 'qa' exists already" in text_of(resp)
    resp = post(admin, "/admin/teams", {"team_name": "  "})
    assert "team name: give the team a name" in text_of(resp)


# -- tokens and keys ------------------------------------------------------

SECRET = re.compile(r"\b(ble|blk)_[A-Za-z0-9_-]{40,}")


def test_enrollment_token_secret_shown_once_and_stored_hashed(admin, store):
    ops = store.team_id("ops")
    resp = post(admin, "/admin/access/tokens", {"team": str(ops), "uses": "3", "expires_days": "7"})
    assert resp.status_code == 201
    found = {m.group(0) for m in SECRET.finditer(resp.get_data(as_text=True))}
    assert len(found) == 1
    secret = found.pop()
    assert secret.startswith("ble_")
    assert resp.headers["Cache-Control"] == "no-store"
    # stored as a hash only; the page never shows it again
    row = store.one("SELECT token_hash, uses_left, expires_at FROM enrollment_tokens")
    assert row["token_hash"] == security.hash_secret(secret)
    assert row["uses_left"] == 3 and row["expires_at"] is not None
    assert secret not in admin.get("/admin/access").get_data(as_text=True)
    with admin.session_transaction() as s:
        assert secret not in repr(dict(s))
    dump = "\n".join(store.conn.iterdump())
    assert secret not in dump
    entry = last_audit(store)
    assert (entry["action"], entry["target"]) == ("token.create", "ops")
    assert secret not in entry["detail"]
    # the token works for enrollment
    assert store.enroll(secret, "pc", "linux", "1", "ann") is not None


def test_api_key_secret_shown_once(admin, store):
    ops = store.team_id("ops")
    resp = post(
        admin, "/admin/access/keys", {"label": "export", "role": "manager", "teams": str(ops)}
    )
    assert resp.status_code == 201
    found = {m.group(0) for m in SECRET.finditer(resp.get_data(as_text=True))}
    assert len(found) == 1
    key = found.pop()
    assert key.startswith("blk_")
    principal = store.principal_for_api_key(key)
    assert principal.role == "manager" and principal.team_ids == {ops}
    assert key not in admin.get("/admin/access").get_data(as_text=True)
    assert "export" in text_of(admin.get("/admin/access"))
    entry = last_audit(store)
    assert (entry["action"], entry["target"]) == ("apikey.create", "export")
    assert key not in "\n".join(store.conn.iterdump())


def test_token_and_key_validation(admin, store):
    before = store.audit_count()
    resp = post(admin, "/admin/access/tokens", {"team": "", "uses": "0", "expires_days": "-1"})
    assert resp.status_code == 400
    page = text_of(resp)
    assert "team: choose the team" in page
    assert "uses: a whole number from 1" in page
    assert "expires in (days): a number above 0" in page
    resp = post(admin, "/admin/access/keys", {"role": "manager"})
    assert resp.status_code == 400
    assert "teams: a manager key needs at least one team" in text_of(resp)
    assert store.one("SELECT COUNT(*) FROM enrollment_tokens")[0] == 0
    assert store.one("SELECT COUNT(*) FROM api_keys")[0] == 0
    assert store.audit_count() == before
    assert not SECRET.search(resp.get_data(as_text=True))


def test_revoke_token_and_key(admin, store):
    ops = store.team_id("ops")
    token = store.create_enrollment_token(ops, None, None)
    key = store.create_api_key("admin", [], "ci")
    token_id = store.one("SELECT id FROM enrollment_tokens")["id"]
    key_id = store.one("SELECT id FROM api_keys")["id"]
    assert post(admin, f"/admin/access/tokens/{token_id}/revoke").status_code == 302
    assert last_audit(store)["action"] == "token.revoke"
    assert post(admin, f"/admin/access/keys/{key_id}/revoke").status_code == 302
    assert last_audit(store)["action"] == "apikey.revoke"
    assert store.enroll(token, "pc", "linux", "1", "ann") is None
    assert store.principal_for_api_key(key) is None
    page = text_of(admin.get("/admin/access"))
    assert "revoked" in page
    # revoking twice is harmless and writes nothing more
    before = store.audit_count()
    assert post(admin, f"/admin/access/keys/{key_id}/revoke").status_code == 302
    assert store.audit_count() == before
    assert post(admin, "/admin/access/keys/999/revoke").status_code == 404


# -- devices --------------------------------------------------------------


def test_devices_page_and_revoke(admin, store):
    ops = store.team_id("ops")
    token = store.create_enrollment_token(ops, None, None)
    device_id, device_token = store.enroll(token, "ann-pc", "windows", "0.3.1", "ann")
    store.record_consent(device_id, "granted", 1, "2026-11-23T09:00:00+00:00")
    with store.write():
        store.touch_device(device_id, (12, 1))
    page = text_of(admin.get("/admin/devices"))
    for bit in ("ann", "ann-pc", "windows", "0.3.1", "granted", "12", "quarantine"):
        assert bit in page
    resp = post(admin, f"/admin/devices/{device_id}/revoke")
    assert resp.status_code == 302
    assert store.device_by_token(device_token) is None
    entry = last_audit(store)
    assert (entry["action"], entry["target"]) == ("device.revoke", device_id)
    assert "revoked" in text_of(admin.get("/admin/devices"))
    assert post(admin, "/admin/devices/nope/revoke").status_code == 404


def test_devices_empty_state(admin):
    assert "No devices yet" in text_of(admin.get("/admin/devices"))


def test_an_admin_cannot_reset_their_own_password_here(admin, store):
    """Their own goes through the Password page, which asks for the current one."""
    root = user(store, "root")
    before = store.one("SELECT password_hash FROM users WHERE name = 'root'")[0]
    new = "a brand new password"
    resp = post(admin, f"/admin/users/{root['id']}/password", {"password": new, "confirm": new})
    assert resp.status_code == 400 and "Password page" in text_of(resp)
    assert store.one("SELECT password_hash FROM users WHERE name = 'root'")[0] == before


def test_reset_password_lifts_the_lock_and_is_audited_without_it(admin, store):
    maria = user(store, "maria")
    store.note_login(maria["id"], False, 1, 600)
    assert user(store, "maria")["locked_until"] is not None
    new = "maria's new password"
    resp = post(admin, f"/admin/users/{maria['id']}/password", {"password": new, "confirm": new})
    assert resp.status_code == 302
    row = store.user_by_name("maria")
    assert row["locked_until"] is None and row["failed_logins"] == 0
    assert security.password_matches(new, store.user_row("maria")["password_hash"])
    entry = last_audit(store)
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "user:root",
        "user.password_reset",
        "maria",
    )
    assert new not in entry["detail"]
