"""The store's session rules: what a secret opens, and every way it stops."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def two_users(store):
    store.add_user("root", "admin", "correct horse battery", [])
    store.add_user("maria", "manager", "correct horse battery", [])


def uid(store, name: str) -> int:
    return store.user_row(name)["id"]


def test_a_live_secret_opens_its_user_and_only_its_hash_is_stored(store):
    sid, secret = store.create_session(uid(store, "maria"), "Firefox on Linux", 3600, 7200)
    record = store.session_by_secret(secret)
    assert record["name"] == "maria" and record["session_id"] == sid
    assert store.session_by_secret(secret + "x") is None
    stored = store.one("SELECT * FROM web_sessions WHERE id = ?", (sid,))
    assert secret not in tuple(str(v) for v in stored)


def test_idle_and_absolute_expiry(store):
    _, idle = store.create_session(uid(store, "maria"), "", 60, 7200)
    _, old = store.create_session(uid(store, "maria"), "", 3600, 7200)
    store.conn.execute("UPDATE web_sessions SET last_seen_at = last_seen_at - 61 WHERE idle_s = 60")
    store.conn.execute("UPDATE web_sessions SET expires_at = expires_at - 7201 WHERE idle_s = 3600")
    store.conn.commit()
    assert store.session_by_secret(idle) is None
    assert store.session_by_secret(old) is None


def test_touch_pushes_the_idle_expiry_at_most_once_a_minute(store):
    sid, secret = store.create_session(uid(store, "maria"), "", 120, 7200)
    store.conn.execute("UPDATE web_sessions SET last_seen_at = last_seen_at - 100")
    store.conn.commit()
    seen = store.session_by_secret(secret)["last_seen_at"]
    store.touch_session(sid, seen)
    assert store.session_by_secret(secret)["last_seen_at"] > seen + 99
    again = store.session_by_secret(secret)["last_seen_at"]
    store.touch_session(sid, again)  # within the minute: no write
    assert store.session_by_secret(secret)["last_seen_at"] == again


def test_password_change_ends_all_but_the_kept_session(store):
    maria = uid(store, "maria")
    keep, kept = store.create_session(maria, "", 3600, 7200)
    _, other = store.create_session(maria, "", 3600, 7200)
    _, roots = store.create_session(uid(store, "root"), "", 3600, 7200)
    store.set_password(maria, "another long passphrase", keep_session=keep)
    assert store.session_by_secret(kept) is not None
    assert store.session_by_secret(other) is None
    assert store.session_by_secret(roots) is not None


@pytest.mark.parametrize("how", ["set_user_disabled", "disable_user_unless_last_admin"])
def test_disabling_ends_every_session(store, how):
    maria = uid(store, "maria")
    _, secret = store.create_session(maria, "", 3600, 7200)
    if how == "set_user_disabled":
        store.set_user_disabled(maria, True)
    else:
        assert store.disable_user_unless_last_admin(maria) == "disabled"
    store.set_user_disabled(maria, False)  # enabling again does not bring it back
    assert store.session_by_secret(secret) is None
    assert store.live_sessions(maria) == []


def test_a_user_ends_only_their_own_sessions(store):
    _, roots = store.create_session(uid(store, "root"), "", 3600, 7200)
    root_sid = store.session_by_secret(roots)["session_id"]
    assert store.end_own_session(uid(store, "maria"), root_sid) is False
    assert store.session_by_secret(roots) is not None


def test_purge_keeps_live_sessions_and_drops_long_ended_ones(store):
    sid, _ = store.create_session(uid(store, "maria"), "", 3600, 7200)
    _, live = store.create_session(uid(store, "maria"), "", 3600, 7200)
    store.end_session(sid)
    assert store.purge_sessions() == 0  # ended a moment ago: kept for a day
    store.conn.execute("UPDATE web_sessions SET revoked_at = revoked_at - 86401")
    store.conn.commit()
    assert store.purge_sessions() == 1
    assert store.session_by_secret(live) is not None
