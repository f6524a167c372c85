"""The store methods behind the admin pages (collector/store/admin.py)."""

from __future__ import annotations

from collector.store import open_store


def test_admin_users_lists_teams_admins_first(tmp_path):
    store = open_store(tmp_path / "s.db")
    a, b = store.add_team("b-team"), store.add_team("a-team")
    store.add_user("zed", "manager", "x" * 12, [a, b])
    store.add_user("amy", "admin", "x" * 12, [])
    users = store.admin_users()
    assert [u["name"] for u in users] == ["amy", "zed"]
    assert users[1]["team_names"] == ["a-team", "b-team"]
    assert sorted(users[1]["team_ids"]) == sorted([a, b])


def test_disable_unless_last_admin(tmp_path):
    store = open_store(tmp_path / "s.db")
    one = store.add_user("one", "admin", "x" * 12, [])
    two = store.add_user("two", "admin", "x" * 12, [])
    assert store.disable_user_unless_last_admin(one) == "disabled"
    assert store.disable_user_unless_last_admin(one) == "already"
    assert store.disable_user_unless_last_admin(two) == "last_admin"
    assert store.disable_user_unless_last_admin(999) == "missing"
    assert store.active_admins() == 1


def test_replace_rules_only_from_the_current_version(tmp_path):
    store = open_store(tmp_path / "s.db")
    rules = [{"app": "x", "category": "payroll"}]
    assert store.replace_rules_if_current(0, rules, "t") == 1
    assert store.replace_rules_if_current(0, rules, "t") is None
    assert store.current_rules() == (1, rules)
    assert store.rule_version_info()["created_by"] == "t"


def test_note_api_key_used_records_the_time(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.create_api_key("admin", [], "ci")
    key_id = store.admin_api_keys()[0]["id"]
    assert store.admin_api_keys()[0]["last_used_at"] is None
    store.note_api_key_used(key_id)
    first = store.admin_api_keys()[0]["last_used_at"]
    assert first is not None
    with store.write() as c:
        c.execute("UPDATE api_keys SET last_used_at = '2000-01-01T00:00:00+00:00'")
    store.note_api_key_used(key_id)
    assert store.admin_api_keys()[0]["last_used_at"] > "2000-01-01T00:00:00+00:00"
