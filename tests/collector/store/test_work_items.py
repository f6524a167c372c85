"""Deferred work in the store (collector/store/sqlite/work_items.py), on both
backends: the salt, work types, the upsert of items, the report's reads, and
the person's export and erasure of the items naming them."""

from __future__ import annotations

import pytest

from collector.jobs import open_counting_store
from collector.store import Conflict

CLAIMS = {"key": "claims", "name": "Claims", "function": "claims", "sla_business_days": 5}
QUERIES = {"key": "queries", "name": "Pay queries", "function": "payroll", "sla_hours": 4.0}


def _item(ref: str, team_id: int, received: float, completed: float | None = None, **more):
    return {
        "type": "claims",
        "ref": ref,
        "team_id": team_id,
        "person_id": None,
        "client_key": None,
        "received_at": received,
        "completed_at": completed,
        "quality_passed": None,
        **more,
    }


def test_salt_is_made_once_kept_and_not_a_setting(store, store_url):
    salt = store.work_item_salt()
    assert len(salt) == 64 and int(salt, 16) >= 0
    assert salt not in repr(store.settings())
    store.migrate()
    again = open_counting_store(store_url)
    try:
        assert again.work_item_salt() == salt
    finally:
        again.close()


def test_work_types_replace_in_order_and_keep_types_with_items(store):
    store.replace_work_types([QUERIES, CLAIMS])
    assert [t["key"] for t in store.work_types()] == ["queries", "claims"]
    assert store.work_types()[0]["sla_hours"] == 4.0
    assert store.work_types()[1]["sla_business_days"] == 5
    team = store.add_team("ops")
    store.upsert_work_items([_item("h1", team, 1000.0)], "api")
    with pytest.raises(Conflict):
        store.replace_work_types([QUERIES])
    assert [t["key"] for t in store.work_types()] == ["queries", "claims"]
    assert store.replace_work_types([{**CLAIMS, "name": "Claims (all)"}]) == ["queries"]
    assert store.work_types() == [
        {**CLAIMS, "name": "Claims (all)", "sla_hours": None},
    ]


def test_a_later_post_completes_and_an_omitted_completion_stays(store):
    store.replace_work_types([CLAIMS])
    team = store.add_team("ops")
    assert store.upsert_work_items(
        [_item("h1", team, 1000.0), _item("h2", team, 2000.0)], "api"
    ) == {"added": 2, "updated": 0}
    assert store.upsert_work_items(
        [_item("h1", team, 1000.0, 5000.0, quality_passed=True)], "api"
    ) == {"added": 0, "updated": 1}
    assert store.upsert_work_items([_item("h1", team, 1000.0)], "csv") == {
        "added": 0,
        "updated": 1,
    }
    got = store.work_items_by_ref([("claims", "h1"), ("claims", "h2"), ("claims", "nope")])
    assert set(got) == {("claims", "h1"), ("claims", "h2")}
    assert got[("claims", "h1")]["completed_at"] == 5000.0
    assert got[("claims", "h1")]["quality_passed"] is True
    assert got[("claims", "h2")]["completed_at"] is None
    assert store.row_count("work_items") == 2


def test_a_completion_before_receipt_stores_nothing(store):
    store.replace_work_types([CLAIMS])
    team = store.add_team("ops")
    with pytest.raises(Conflict):
        store.upsert_work_items([_item("ok", team, 10.0), _item("bad", team, 100.0, 50.0)], "api")
    assert store.row_count("work_items") == 0


def test_items_between_are_those_open_arriving_or_completing_in_the_window(store):
    store.replace_work_types([CLAIMS, QUERIES])
    a, b = store.add_team("a"), store.add_team("b")
    store.upsert_work_items(
        [
            _item("done-before", a, 10.0, 90.0),  # completed before the window: out
            _item("open-through", a, 20.0),  # open all along: in
            _item("done-in", a, 30.0, 150.0),  # completed in it: in
            _item("arrives-in", a, 120.0),  # received in it: in
            _item("after", a, 300.0),  # received after it: out
            _item("other-team", b, 120.0),
            {**_item("other-type", a, 120.0), "type": "queries"},
        ],
        "api",
    )
    rows = store.work_items_between([a], ["claims"], 100.0, 200.0)
    assert [(r["received_at"], r["completed_at"]) for r in rows] == [
        (20.0, None),
        (30.0, 150.0),
        (120.0, None),
    ]
    assert len(store.work_items_between(None, None, 100.0, 200.0)) == 5
    assert "ref" not in rows[0] and "person_id" not in rows[0]


def test_person_export_shows_and_erasure_unnames_their_items(store):
    store.replace_work_types([CLAIMS])
    team = store.add_team("ops")
    ann = store.person_id(team, "ann", create=True)
    bob = store.person_id(team, "bob", create=True)
    store.upsert_work_items(
        [_item("h1", team, 10.0, 20.0, person_id=ann), _item("h2", team, 10.0, person_id=bob)],
        "api",
    )
    store.add_work_item_timings(
        [
            {
                "device_id": "d1",
                "batch_id": "b1",
                "person_id": ann,
                "team_id": team,
                "type": "claims",
                "ref": "h1",
                "started": 11.0,
                "ended": 19.0,
                "active_s": 7.5,
                "outcome": "completed",
            }
        ]
    )
    exported = store.person_export(ann)
    assert [r["ref"] for r in exported["work_items"]] == ["h1"]
    assert [r["active_s"] for r in exported["work_item_timings"]] == [7.5]
    assert store.work_item_timings([team], ["claims"], 0.0, 100.0) == [
        {"type": "claims", "active_s": 7.5}
    ]
    removed = store.person_erase(ann, "test")
    assert removed["work_items"] == 1 and removed["work_item_timings"] == 1
    assert store.row_count("work_items") == 2  # the work stays, without the name
    got = store.work_items_by_ref([("claims", "h1"), ("claims", "h2")])
    assert got[("claims", "h1")]["person_id"] is None
    assert got[("claims", "h2")]["person_id"] == bob
    assert store.row_count("work_item_timings") == 0


def test_retention_drops_timings_that_ended_before_the_cutoff(store):
    from datetime import UTC, datetime

    team = store.add_team("ops")
    ann = store.person_id(team, "ann", create=True)
    cutoff = datetime(2026, 1, 1, tzinfo=UTC)
    t = cutoff.timestamp()
    row = {
        "device_id": "d1",
        "batch_id": "b1",
        "person_id": ann,
        "team_id": team,
        "type": "claims",
        "ref": "h1",
        "active_s": 60.0,
        "outcome": "completed",
    }
    store.add_work_item_timings(
        [
            {**row, "started": t - 120, "ended": t - 1},  # before: dropped
            {**row, "started": t - 60, "ended": t},  # at the cutoff: kept
        ]
    )
    assert store.purge_before(cutoff)["work_item_timings"] == 1
    assert store.work_item_timings(None, None, 0.0, 2e9) == [{"type": "claims", "active_s": 60.0}]


def test_retention_unnames_items_done_before_the_cutoff_and_keeps_the_work(store):
    from datetime import UTC, datetime

    store.replace_work_types([CLAIMS])
    team = store.add_team("ops")
    ann = store.person_id(team, "ann", create=True)
    cutoff = datetime(2026, 1, 1, tzinfo=UTC)
    t = cutoff.timestamp()
    store.upsert_work_items(
        [
            _item("old", team, t - 900, t - 60, person_id=ann),  # completed before
            _item("open", team, t - 900, None, person_id=ann),  # received before, open
            _item("new", team, t - 900, t + 60, person_id=ann),  # completed after
        ],
        "api",
    )
    assert store.purge_before(cutoff)["work_items_unnamed"] == 2
    named = store.all("SELECT ref, person_id FROM work_items ORDER BY received_at, ref")
    assert sorted((r[1] is None) for r in named) == [False, True, True]
    assert store.row_count("work_items") == 3
