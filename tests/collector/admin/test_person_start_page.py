"""The start-date field on the admin Devices page: set, refused, cleared, audited."""

from __future__ import annotations

from datetime import date, timedelta

from tests.collector.admin.conftest import post, text_of


def _device(store) -> str:
    token = store.create_enrollment_token(store.team_id("ops"), 1, None)
    device_id, _ = store.enroll(token, "ana-pc", "linux", "t", "ana")
    return device_id


def _start_day(store) -> str | None:
    return store.one("SELECT start_day FROM people WHERE name = 'ana'")["start_day"]


def test_set_refuse_and_clear_a_start_date(admin, store):
    device_id = _device(store)
    page = admin.get("/admin/devices").get_data(as_text=True)
    assert f'action="/admin/devices/{device_id}/person/start"' in page
    assert 'type="date"' in page
    assert "Start date: first tracked day" in text_of(admin.get("/admin/devices"))

    day = (date.today() - timedelta(days=20)).isoformat()
    r = post(admin, f"/admin/devices/{device_id}/person/start", {"start_day": day})
    assert r.status_code == 302
    assert _start_day(store) == day
    shown = text_of(admin.get("/admin/devices"))
    assert f"ana counts from {day}" in shown and f"Start date: {day}" in shown
    entry = next(e for e in store.audit_log() if e["action"] == "person.start_day")
    assert entry["target"] == "ana" and entry["actor"] == "user:root"

    future = (date.today() + timedelta(days=3)).isoformat()
    r = post(admin, f"/admin/devices/{device_id}/person/start", {"start_day": future})
    assert r.status_code == 400
    assert f"Start date: {future} is after today" in text_of(r)
    assert _start_day(store) == day  # left as it was

    r = post(admin, f"/admin/devices/{device_id}/person/start", {"start_day": ""})
    assert r.status_code == 302 and _start_day(store) is None
    assert post(admin, "/admin/devices/nope/person/start", {"start_day": day}).status_code == 404


def test_managers_cannot_set_start_dates(manager, store):
    device_id = _device(store)
    r = post(manager, f"/admin/devices/{device_id}/person/start", {"start_day": "2026-01-05"})
    assert r.status_code in (302, 403)
    assert _start_day(store) is None
