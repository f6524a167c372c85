"""Admin → Changes: mark a change for before/after; the API's checks, audited."""

from __future__ import annotations

import json

from tests.collector.admin.conftest import post, text_of


def _teams(store) -> dict[str, int]:
    return {t["name"]: t["id"] for t in store.teams()}


def test_admin_marks_a_change_and_it_is_listed_and_audited(admin, store):
    ids = _teams(store)
    resp = post(
        admin,
        "/admin/changes",
        {"day": "2026-03-02", "note": "  New payroll rule pack ", "teams": [ids["ops"]]},
    )
    assert resp.status_code == 302, text_of(resp)
    [change] = store.changes()
    assert (change["day"], change["note"], change["teams"]) == (
        "2026-03-02",
        "New payroll rule pack",
        ["ops"],
    )
    entry = store.audit_log(limit=1)[0]
    assert (entry["actor"], entry["action"]) == ("user:root", "changes.add")
    assert json.loads(entry["detail"]) == {"day": "2026-03-02", "teams": [ids["ops"]]}
    page = text_of(admin.get("/admin/changes"))
    assert "New payroll rule pack" in page and "Before/after" in page


def test_bad_input_names_each_field_and_stores_nothing(admin, store):
    audits = store.audit_count()
    resp = post(admin, "/admin/changes", {"day": "2026-02-30", "note": " ", "teams": ["999"]})
    assert resp.status_code == 400
    page = text_of(resp)
    assert "day: give the day it took effect" in page
    assert "note: say what changed" in page
    assert "teams: '999' is not a known team" in page
    resp = post(admin, "/admin/changes", {"day": "2026-03-02", "note": "Training"})
    assert resp.status_code == 400 and "teams: tick the teams it concerns" in text_of(resp)
    resp = post(
        admin, "/admin/changes", {"day": "2999-01-01", "note": "x", "teams": [_teams(store)["ops"]]}
    )
    assert resp.status_code == 400 and "day: at most 366 days ahead" in text_of(resp)
    assert store.changes() == [] and store.audit_count() == audits


def test_managers_and_forged_posts_are_refused(admin, manager, store):
    assert manager.get("/admin/changes").status_code == 403
    ops = _teams(store)["ops"]
    data = {"day": "2026-03-02", "note": "x", "teams": [ops]}
    assert post(manager, "/admin/changes", data).status_code == 403
    assert admin.post("/admin/changes", data=data).status_code == 403  # no CSRF token
    assert store.changes() == []
