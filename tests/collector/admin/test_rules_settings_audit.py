"""Rules editor and test box, settings, and the audit log pages."""

from __future__ import annotations

import json

from collector.service.settings_table import SETTINGS
from tests.collector.admin.conftest import post, text_of


def last_audit(store) -> dict:
    return store.audit_log(limit=1)[0]


def small_rules(store) -> int:
    """Three known rules as version 1 (instead of the shipped pack)."""
    rules = [
        {"app": "^excel$", "title": "payroll", "category": "payroll"},
        {"title": "schedule", "category": "scheduling"},
        {"app": "^outlook$", "category": "communication", "passive_active": True},
    ]
    return store.replace_rules(rules, "test")


# -- the list and the editor ----------------------------------------------


def test_rules_page_shows_the_shipped_rules(admin, store):
    version, rules = store.current_rules()
    page = text_of(admin.get("/admin/rules"))
    assert f"{len(rules)} rules, version {version}" in page
    assert "the shipped defaults" in page


def test_add_rule_at_position_bumps_version_and_audits(admin, store):
    v = small_rules(store)
    resp = post(
        admin,
        "/admin/rules",
        {
            "version": str(v),
            "app": "^sage$",
            "title": "",
            "category": "invoicing",
            "client": "acme",
            "position": "2",
        },
    )
    assert resp.status_code == 302
    version, rules = store.current_rules()
    assert version == v + 1
    assert rules[1] == {"app": "^sage$", "category": "invoicing", "client": "acme"}
    assert len(rules) == 4
    entry = last_audit(store)
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "user:root",
        "rules.replace",
        f"v{version}",
    )
    assert json.loads(entry["detail"]) == {"count": 4, "change": "added rule 2"}


def test_invalid_regex_is_refused_naming_the_field_and_nothing_saved(admin, store):
    v = small_rules(store)
    before = store.current_rules()
    audits = store.audit_count()
    resp = post(
        admin,
        "/admin/rules",
        {"version": str(v), "app": "excel(", "title": "", "category": "payroll"},
    )
    assert resp.status_code == 400
    page = text_of(resp)
    assert "app: not a valid regular expression" in page
    assert 'value="excel("' in resp.get_data(as_text=True)  # the form keeps what was typed
    resp = post(
        admin,
        "/admin/rules",
        {"version": str(v), "app": "", "title": "[unclosed", "category": "payroll"},
    )
    assert resp.status_code == 400
    assert "title: not a valid regular expression" in text_of(resp)
    assert store.current_rules() == before
    assert store.audit_count() == audits


def test_rule_field_errors(admin, store):
    v = small_rules(store)
    before = store.current_rules()
    resp = post(admin, "/admin/rules", {"version": str(v), "category": "payroll"})
    assert "app: give an app pattern, a title pattern or both" in text_of(resp)
    resp = post(admin, "/admin/rules", {"version": str(v), "app": "x", "category": "nonsense"})
    assert "category: choose one of the categories" in text_of(resp)
    resp = post(
        admin,
        "/admin/rules",
        {"version": str(v), "app": "x", "category": "payroll", "client": "Big Client!"},
    )
    assert "client: a client key" in text_of(resp)
    resp = post(admin, "/admin/rules", {"version": str(v), "app": "x" * 600, "category": "payroll"})
    assert "app: use at most 500 characters" in text_of(resp)
    resp = post(
        admin,
        "/admin/rules",
        {"version": str(v), "app": "x", "category": "payroll", "position": "99"},
    )
    assert "position: a number from 1 to 4" in text_of(resp)
    assert resp.status_code == 400
    assert store.current_rules() == before


def test_edit_rule(admin, store):
    v = small_rules(store)
    page = admin.get("/admin/rules?edit=1").get_data(as_text=True)
    assert "Edit rule 2" in page and 'value="schedule"' in page
    resp = post(
        admin,
        "/admin/rules",
        {
            "version": str(v),
            "index": "1",
            "title": "roster",
            "category": "scheduling",
            "passive_active": "true",
        },
    )
    assert resp.status_code == 302
    _, rules = store.current_rules()
    assert rules[1] == {"title": "roster", "category": "scheduling", "passive_active": True}
    assert json.loads(last_audit(store)["detail"])["change"] == "edited rule 2"


def test_move_and_delete(admin, store):
    v = small_rules(store)
    assert (
        post(admin, "/admin/rules/0/move", {"version": str(v), "direction": "down"}).status_code
        == 302
    )
    _, rules = store.current_rules()
    assert [r.get("app") or r["title"] for r in rules] == ["schedule", "^excel$", "^outlook$"]
    assert (
        post(admin, "/admin/rules/2/move", {"version": str(v + 1), "direction": "up"}).status_code
        == 302
    )
    assert post(admin, "/admin/rules/0/delete", {"version": str(v + 2)}).status_code == 302
    version, rules = store.current_rules()
    assert version == v + 3
    assert [r.get("app") or r["title"] for r in rules] == ["^outlook$", "^excel$"]
    changes = [json.loads(e["detail"])["change"] for e in store.audit_log(limit=3)]
    assert changes == ["deleted rule 1", "moved rule 3 up", "moved rule 1 down"]


def test_a_change_from_an_old_version_is_refused(admin, store):
    v = small_rules(store)
    store.replace_rules([{"app": "x", "category": "payroll"}], "someone else")
    before = store.current_rules()
    resp = post(admin, "/admin/rules/0/delete", {"version": str(v)})
    assert resp.status_code == 409
    assert "changed by someone else meanwhile" in text_of(resp)
    resp = post(admin, "/admin/rules", {"version": str(v), "app": "y", "category": "payroll"})
    assert resp.status_code == 400
    assert "changed by someone else meanwhile" in text_of(resp)
    assert store.current_rules() == before


def test_api_and_page_agree_on_rules(admin, store):
    """A rule saved on the page is what GET /api/v1/rules answers, and agents get."""
    v = small_rules(store)
    post(admin, "/admin/rules", {"version": str(v), "app": "^sap", "category": "invoicing"})
    body = admin.get("/api/v1/rules").get_json()
    assert body["version"] == v + 1
    assert {k: v for k, v in body["rules"][-1].items() if v not in (None, False)} == {
        "app": "^sap",
        "category": "invoicing",
    }
    assert store.current_rules()[1][-1] == {"app": "^sap", "category": "invoicing"}


# -- the test box ---------------------------------------------------------


def test_test_box_names_the_matching_rule_and_stores_nothing(admin, store):
    small_rules(store)
    audits = store.audit_count()
    resp = post(admin, "/admin/rules/test", {"test_app": "EXCEL", "test_title": "Payroll run"})
    assert resp.status_code == 200
    page = text_of(resp)
    assert "Rule 1 matches: Payroll" in page
    resp = post(
        admin, "/admin/rules/test", {"test_app": "chrome", "test_title": "Team schedule - week 48"}
    )
    assert "Rule 2 matches: Schedule building" in text_of(resp)
    resp = post(admin, "/admin/rules/test", {"test_app": "notepad", "test_title": "todo"})
    assert "No rule matches: uncategorised" in text_of(resp)
    # nothing typed in the box is stored anywhere
    assert store.audit_count() == audits
    assert "Payroll run" not in "\n".join(store.conn.iterdump())


def test_test_box_with_client_and_errors(admin, store):
    store.replace_rules([{"title": "acme", "category": "invoicing", "client": "acme"}], "t")
    page = text_of(post(admin, "/admin/rules/test", {"test_app": "x", "test_title": "ACME inv"}))
    assert "Rule 1 matches: Invoicing" in page and "acme" in page
    resp = post(admin, "/admin/rules/test", {"test_app": "", "test_title": ""})
    assert resp.status_code == 400
    assert "test app: give an app name, a window title or both" in text_of(resp)


# -- uncategorised apps ---------------------------------------------------


def test_uncategorised_apps_offer_a_prefilled_rule(admin, store):
    from datetime import date

    with store.write() as c:
        c.execute(
            "INSERT INTO uncategorised_apps (day, app, seconds) VALUES (?, ?, ?)",
            (date.today().isoformat(), "acmecrm.exe", 7200),
        )
    html = admin.get("/admin/rules").get_data(as_text=True)
    assert "acmecrm.exe" in html
    assert "/admin/rules?app=acmecrm.exe#rule-form" in html
    form = admin.get("/admin/rules?app=acmecrm.exe").get_data(as_text=True)
    assert 'value="^acmecrm\\.exe$"' in form


# -- settings -------------------------------------------------------------


def test_settings_page_lists_every_key_with_value_default_and_help(admin):
    page = text_of(admin.get("/admin/settings"))
    for key, s in SETTINGS.items():
        assert key in page
        assert s.help[1:] in page


def test_save_settings_stores_changes_and_audits(admin, store):
    form = {
        k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in store.settings().items()
    }
    form.update(
        {
            "privacy.min_group_size": "3",
            "cost.currency": "EUR",
            "privacy.individual_reports": "true",
        }
    )
    resp = post(admin, "/admin/settings", form)
    assert resp.status_code == 302
    s = store.settings()
    assert s["privacy.min_group_size"] == 3
    assert s["cost.currency"] == "EUR"
    assert s["privacy.individual_reports"] is True
    entry = last_audit(store)
    assert entry["action"] == "settings.set"
    assert json.loads(entry["detail"]) == {
        "privacy.min_group_size": 3,
        "cost.currency": "EUR",
        "privacy.individual_reports": True,
    }
    # the API answers what the page saved
    assert admin.get("/api/v1/settings").get_json()["settings"]["cost.currency"] == "EUR"


def test_invalid_setting_is_refused_naming_the_field_and_nothing_saved(admin, store):
    before = store.settings()
    audits = store.audit_count()
    resp = post(
        admin,
        "/admin/settings",
        {"operation.size": "60", "privacy.min_group_size": "0", "retention_days": "many"},
    )
    assert resp.status_code == 400
    page = text_of(resp)
    assert "Nothing was saved" in page
    assert "privacy.min_group_size" in page and "must be at least 1" in page
    assert "retention_days" in page and "expected int" in page
    assert 'value="60"' in resp.get_data(as_text=True)  # what was typed stays in the form
    assert store.settings() == before  # operation.size was valid, but nothing is saved
    assert store.audit_count() == audits


def test_settings_consistency_and_unknown_keys(admin, store):
    before = store.settings()
    resp = post(
        admin,
        "/admin/settings",
        {"interruptions.recovery_min_s": "1000", "interruptions.recovery_max_s": "900"},
    )
    assert resp.status_code == 400
    assert "must not exceed interruptions.recovery_max_s" in text_of(resp)
    resp = post(admin, "/admin/settings", {"privacy.everything": "true"})
    assert resp.status_code == 400
    assert "privacy.everything: not a setting" in text_of(resp)
    assert store.settings() == before


def test_unchanged_settings_write_no_audit(admin, store):
    audits = store.audit_count()
    resp = post(admin, "/admin/settings", {"operation.size": "50"}, follow_redirects=True)
    assert "Nothing changed" in text_of(resp)
    assert store.audit_count() == audits


# -- audit log ------------------------------------------------------------


def test_audit_log_newest_first_and_paginated(admin, store):
    for i in range(120):
        store.audit("cli", "team.add", f"team-{i}")
    page1 = text_of(admin.get("/admin/audit"))
    assert "Entries 1–50 of 120" in page1
    assert "team-119" in page1 and "team-70" in page1 and "team-69" not in page1
    assert page1.index("team-119") < page1.index("team-118")
    page3 = text_of(admin.get("/admin/audit?page=3"))
    assert "Entries 101–120 of 120" in page3 and "team-0" in page3
    assert "Page 3 of 3" in page3


def test_every_page_change_is_in_the_audit_log(admin, store):
    ops = store.team_id("ops")
    post(admin, "/admin/teams", {"team_name": "qa"})
    post(admin, "/admin/access/tokens", {"team": str(ops)})
    post(admin, "/admin/settings", {"operation.size": "70"})
    page = text_of(admin.get("/admin/audit"))
    for action in ("team.add", "token.create", "settings.set"):
        assert action in page
    assert "user:root" in page
    assert "operation.size: 70" in page
