"""Marked changes (before/after, issue 14) on both backends: stored with
their teams and audit entry in one transaction, listed newest first, and
filtered to the teams a caller may see."""

from __future__ import annotations

import json

import pytest

from collector.store.errors import Conflict


def test_changes_round_trip_with_teams_and_audit(store):
    ops = store.add_team("ops")
    hr = store.add_team("hr")
    audits = store.audit_count()
    first = store.add_change("2026-03-02", "New rule pack", [ops, hr, ops], "admin", "10.0.0.1")
    second = store.add_change("2026-04-06", "Training", [hr], "root")
    assert first != second
    assert store.audit_count() == audits + 2
    entry = store.audit_log(limit=1, offset=1)[0]
    assert (entry["actor"], entry["action"], entry["target"], entry["ip"]) == (
        "admin",
        "changes.add",
        str(first),
        "10.0.0.1",
    )
    assert json.loads(entry["detail"]) == {"day": "2026-03-02", "teams": sorted([ops, hr])}

    listed = store.changes()
    assert [c["id"] for c in listed] == [second, first]
    assert listed[1]["day"] == "2026-03-02"
    assert listed[1]["note"] == "New rule pack"
    assert listed[1]["created_by"] == "admin"
    assert listed[1]["teams"] == ["hr", "ops"]
    assert sorted(listed[1]["team_ids"]) == sorted([ops, hr])
    assert [c["id"] for c in store.changes([ops])] == [first]
    assert [c["id"] for c in store.changes([hr])] == [second, first]
    assert store.changes([]) == []
    # A change concerning a visible team is listed with all its teams.
    assert store.changes([ops])[0]["teams"] == ["hr", "ops"]
    assert store.change(second)["note"] == "Training"
    assert store.change(second + 999) is None
    assert store.row_count("change_teams") == 3


def test_a_change_for_an_unknown_team_stores_nothing(store):
    ops = store.add_team("ops")
    audits = store.audit_count()
    with pytest.raises(Conflict):
        store.add_change("2026-03-02", "Broken", [ops, ops + 999], "admin")
    assert store.changes() == []
    assert store.row_count("changes") == 0
    assert store.row_count("change_teams") == 0
    assert store.audit_count() == audits
