"""Enrollment tokens and the policy agents fetch."""

from __future__ import annotations

import sqlite3


def _enroll(collector, token: str, user: str = "dee"):
    return collector.api(
        "POST",
        "/enroll",
        json={
            "enrollment_token": token,
            "hostname": "pc",
            "os": "linux",
            "agent_version": "1",
            "user": user,
        },
    )


def test_a_single_use_token_enrolls_once(shared_collector):
    token = shared_collector.cli("token", "create", "--team", "ops", "--uses", "1").strip()
    first = _enroll(shared_collector, token)
    assert first.status_code == 201
    body = first.json()
    assert body["device_token"].startswith("bld_") and len(body["device_token"]) > 40
    assert body["policy"]["consent"]["text"]
    second = _enroll(shared_collector, token)
    assert second.status_code == 401
    assert second.json()["fields"][0]["field"] == "enrollment_token"


def test_tokens_are_stored_hashed(shared_collector):
    token = shared_collector.cli("token", "create", "--team", "ops").strip()
    device_token = _enroll(shared_collector, token, "eve").json()["device_token"]
    raw = shared_collector.db.read_bytes()
    for secret in (token, device_token, shared_collector.admin_key):
        assert secret.encode() not in raw


def test_an_expired_token_is_refused(shared_collector):
    token = shared_collector.cli("token", "create", "--team", "ops", "--expires", "1").strip()
    with sqlite3.connect(shared_collector.db) as c:
        c.execute("UPDATE enrollment_tokens SET expires_at = 1")
    assert _enroll(shared_collector, token).status_code == 401


def test_policy_has_an_etag_and_answers_304_when_unchanged(shared_collector):
    device = shared_collector.enroll("fay")
    first = shared_collector.api("GET", "/policy", device)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.json()["agent"] == {"upload_interval_s": 300, "idle_after_s": 300}
    same = shared_collector.api("GET", "/policy", device, headers={"If-None-Match": etag})
    assert same.status_code == 304
    rules = {"rules": [{"app": "excel", "title": "payroll", "category": "payroll"}]}
    put = shared_collector.api("PUT", "/rules", shared_collector.admin_key, json=rules)
    assert put.status_code == 200 and put.json()["version"] == 1
    changed = shared_collector.api("GET", "/policy", device, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["rules_version"] == 1
    assert changed.headers["ETag"] != etag


def test_a_new_consent_text_gets_a_new_version(shared_collector):
    device = shared_collector.enroll("gus")
    v1 = shared_collector.api("GET", "/policy", device).json()["consent"]
    r = shared_collector.api(
        "PUT",
        "/settings",
        shared_collector.admin_key,
        json={"settings": {"privacy.individual_reports": True}},
    )
    assert r.status_code == 200
    v2 = shared_collector.api("GET", "/policy", device).json()["consent"]
    assert v2["version"] == v1["version"] + 1
    assert "individual reports" in v2["text"]
    shared_collector.api(
        "PUT",
        "/settings",
        shared_collector.admin_key,
        json={"settings": {"privacy.individual_reports": False}},
    )
    assert shared_collector.api("GET", "/policy", device).json()["consent"] == v1


def test_the_policy_carries_the_organisations_interruption_rule(shared_collector):
    device = shared_collector.enroll("ida")
    before = shared_collector.api("GET", "/policy", device).json()["interruptions"]
    assert before == {
        "min_focus_s": 120,
        "max_away_s": 900,
        "recovery_min_s": 600,
        "recovery_max_s": 900,
    }
    change = {"interruptions.recovery_min_s": 300, "interruptions.recovery_max_s": 480}
    r = shared_collector.api(
        "PUT", "/settings", shared_collector.admin_key, json={"settings": change}
    )
    assert r.status_code == 200
    try:
        after = shared_collector.api("GET", "/policy", device).json()["interruptions"]
        assert (after["recovery_min_s"], after["recovery_max_s"]) == (300, 480)
    finally:
        restore = {"interruptions.recovery_min_s": 600, "interruptions.recovery_max_s": 900}
        shared_collector.api(
            "PUT", "/settings", shared_collector.admin_key, json={"settings": restore}
        )


def test_a_device_token_cannot_read_reports_and_a_key_cannot_post_summaries(shared_collector):
    device = shared_collector.enroll("hal")
    assert shared_collector.api("GET", "/reports/time-per-unit", device).status_code == 401
    assert shared_collector.api("GET", "/policy", shared_collector.admin_key).status_code == 401


def test_the_policy_carries_the_work_item_salt_and_managers_never_see_it(shared_collector):
    """The tray hashes item references with the salt the collector hashes
    imported ids with (docs/design.md §3); it is the database's, made once."""
    device = shared_collector.enroll("gus")
    policy = shared_collector.api("GET", "/policy", device).json()
    salt = policy["work_item_salt"]
    assert len(salt) == 64 and int(salt, 16) >= 0
    assert shared_collector.api("GET", "/policy", device).json()["work_item_salt"] == salt
    with sqlite3.connect(shared_collector.db) as c:
        (stored,) = c.execute("SELECT value FROM settings WHERE key = '_work_item_salt'").fetchone()
    assert stored == salt
    settings = shared_collector.api("GET", "/settings", shared_collector.admin_key)
    assert settings.status_code == 200 and salt not in settings.text
    assert "planning.holidays" in settings.json()["settings"]
