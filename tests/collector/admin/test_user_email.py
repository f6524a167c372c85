"""E-mail on the Users page and the SMTP settings (the digest and alerts go there):
each change checked, stored, audited; the SMTP password never shown again."""

from __future__ import annotations

from tests.collector.admin.conftest import post, text_of


def user(store, name: str) -> dict:
    return next(u for u in store.admin_users() if u["name"] == name)


def test_add_user_with_email_stores_and_audits_it(admin, store):
    ops = store.team_id("ops")
    form = {"name": "wes", "role": "manager", "teams": str(ops), "password": "a good long password"}
    resp = post(admin, "/admin/users", {**form, "email": " wes@example.com "})
    assert resp.status_code == 302
    assert user(store, "wes")["email"] == "wes@example.com"
    entry = store.audit_log(limit=1)[0]
    assert entry["action"] == "user.add" and "wes@example.com" in entry["detail"]
    (wes,) = [u for u in store.mail_recipients() if u["name"] == "wes"]
    assert wes["email"] == "wes@example.com" and wes["team_ids"] == [ops]


def test_a_bad_email_is_refused_naming_the_field_and_nothing_stored(admin, store):
    before = store.admin_users()
    ops = store.team_id("ops")
    for bad in ("wes", "wes@", "a@b.c, d@e.f", "Wes <wes@example.com>", "x" * 250 + "@ex.com"):
        resp = post(
            admin,
            "/admin/users",
            {
                "name": "wes",
                "role": "manager",
                "teams": str(ops),
                "password": "x" * 12,
                "email": bad,
            },
        )
        assert resp.status_code == 400, bad
        assert "e-mail: give one address such as name@example.com" in text_of(resp)
    assert store.admin_users() == before


def test_set_and_clear_an_email_on_the_users_page(admin, store):
    maria = user(store, "maria")
    assert maria["email"] == ""
    assert "no e-mail" in admin.get("/admin/users").get_data(as_text=True)
    resp = post(admin, f"/admin/users/{maria['id']}/email", {"email": "maria@example.com"})
    assert resp.status_code == 302
    assert user(store, "maria")["email"] == "maria@example.com"
    assert 'value="maria@example.com"' in admin.get("/admin/users").get_data(as_text=True)
    entry = store.audit_log(limit=1)[0]
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "user:root",
        "user.email",
        "maria",
    )
    # The same address again changes nothing and writes no audit entry.
    count = store.audit_count()
    post(admin, f"/admin/users/{maria['id']}/email", {"email": "maria@example.com"})
    assert store.audit_count() == count
    # A bad one: 400 naming the row, the stored address kept.
    resp = post(admin, f"/admin/users/{maria['id']}/email", {"email": "not an address"})
    assert resp.status_code == 400
    assert "E-mail for maria: give one address such as name@example.com" in text_of(resp)
    assert user(store, "maria")["email"] == "maria@example.com"
    # Empty removes it: maria gets no mail.
    post(admin, f"/admin/users/{maria['id']}/email", {"email": ""})
    assert user(store, "maria")["email"] == ""
    assert [u for u in store.mail_recipients() if u["name"] == "maria"] == []
    assert post(admin, "/admin/users/999/email", {"email": "a@b.example"}).status_code == 404


def test_the_smtp_password_is_stored_but_never_shown_and_kept_when_left_empty(admin, store):
    form = {
        "alerts.smtp_host": "relay.example.com",
        "alerts.smtp_port": "587",
        "alerts.smtp_starttls": "true",
        "alerts.smtp_user": "backlight",
        "alerts.smtp_password": "s3cret-relay-pass",
        "alerts.from": "backlight@example.com",
        "alerts.webhook_url": "https://chat.example.com/hooks/abc",
    }
    assert post(admin, "/admin/settings", form).status_code == 302
    s = store.settings()
    assert s["alerts.smtp_password"] == "s3cret-relay-pass"
    assert (s["alerts.smtp_port"], s["alerts.smtp_starttls"]) == (587, True)
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "s3cret-relay-pass" not in page
    assert "(set; leave empty to keep)" in page
    assert "s3cret-relay-pass" not in store.audit_log(limit=1)[0]["detail"]
    api = admin.get("/api/v1/settings").get_json()["settings"]
    assert api["alerts.smtp_password"] == "(set)"
    assert api["alerts.smtp_host"] == "relay.example.com"
    # Saving the form again with the password empty keeps it.
    assert post(admin, "/admin/settings", {**form, "alerts.smtp_password": ""}).status_code == 302
    assert store.settings()["alerts.smtp_password"] == "s3cret-relay-pass"


def test_bad_smtp_and_webhook_settings_are_refused_naming_the_field(admin, store):
    before = store.settings()
    resp = post(
        admin,
        "/admin/settings",
        {
            "alerts.smtp_host": "relay example",
            "alerts.smtp_port": "70000",
            "alerts.from": "nobody",
            "alerts.webhook_url": "ftp://x",
        },
    )
    assert resp.status_code == 400
    page = text_of(resp)
    for key in ("alerts.smtp_host", "alerts.smtp_port", "alerts.from", "alerts.webhook_url"):
        assert f"({key})" in page, key
    assert store.settings() == before
    # Empty host and webhook mean "no e-mail" and "no webhook": allowed.
    resp = post(admin, "/admin/settings", {"alerts.smtp_host": "", "alerts.webhook_url": ""})
    assert resp.status_code == 302
