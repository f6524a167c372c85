"""The store's write path without HTTP: day splitting on day numbers, and
interruption counts that are settled after ingest yet never read stale."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from collector.jobs import open_counting_store
from collector.store import open_store
from collector.store.sqlite.ingest import split_by_local_day
from shared.payload import SummaryBatch
from tests.collector.batches import batch, day_at, plan, segment


def _reference_split(start: datetime, end: datetime) -> list[tuple[str, float]]:
    """The obvious datetime version, to hold the day-number arithmetic to."""
    out, cursor = [], start
    while cursor < end:
        midnight = datetime.combine(
            cursor.date() + timedelta(days=1), datetime.min.time(), cursor.tzinfo
        )
        stop = min(end, midnight)
        out.append((cursor.date().isoformat(), (stop - cursor).total_seconds()))
        cursor = stop
    return out


@pytest.mark.parametrize("offset_min", [-330, -300, 0, 60, 345, 840])
@pytest.mark.parametrize(
    ("local_start", "minutes"),
    [
        ("2026-03-10T23:30:00", 60),  # one midnight
        ("2026-03-10T00:00:00", 30),  # starts at midnight
        ("2026-03-10T23:00:00", 60),  # ends exactly at midnight: one day only
        ("2026-03-10T00:10:00", 24 * 60),  # a whole day, two days touched
        ("2026-12-31T22:00:00", 180),  # into a new year
    ],
)
def test_day_numbers_split_like_calendar_days(offset_min, local_start, minutes):
    tz = timezone(timedelta(minutes=offset_min))
    start = datetime.fromisoformat(local_start).replace(tzinfo=tz)
    end = start + timedelta(minutes=minutes)
    got = split_by_local_day(start.timestamp(), end.timestamp(), offset_min * 60)
    epoch = datetime(1970, 1, 1).date()
    named = [((epoch + timedelta(days=d)).isoformat(), s) for d, s in got]
    want = _reference_split(start, end)
    assert [d for d, _ in named] == [d for d, _ in want]
    assert [s for _, s in named] == pytest.approx([s for _, s in want])


@pytest.fixture
def store_and_device(store):
    team = store.add_team("ops")
    token = store.create_enrollment_token(team, 1, None)
    device_id, device_token = store.enroll(token, "pc", "linux", "test", "ann")
    store.record_consent(device_id, "granted", 1, datetime.now(UTC).isoformat())
    return store, store.device_by_token(device_token)


def _post(store, device, segments, batch_id=None):
    body = SummaryBatch.model_validate_json(json.dumps(batch(segments, batch_id)))
    return store.ingest(device, body)


def test_rows_carry_local_day_and_offset_as_sent(store_and_device):
    store, device = store_and_device
    tz = timezone(timedelta(hours=-5, minutes=-30))
    start = datetime(2026, 3, 10, 23, 50, tzinfo=tz)
    _post(store, device, [segment(start, 20, "payroll")])
    row = store.one("SELECT start, end, utc_offset_min, day FROM segments")
    assert tuple(row) == (start.timestamp(), start.timestamp() + 1200, -330, "2026-03-10")
    days = dict(store.all("SELECT day, active_s FROM rollups"))
    assert days == {"2026-03-10": pytest.approx(600), "2026-03-11": pytest.approx(600)}


def test_an_interruption_across_two_batches_is_counted_once_settled(store_and_device):
    store, device = store_and_device
    steps = plan(day_at(2, 9), [("payroll", 10), ("communication", 3), ("payroll", 10)])
    _post(store, device, steps[:2])
    _post(store, device, steps[2:])
    day = day_at(2, 9).date().isoformat()
    pending = store.all("SELECT person_id, day FROM interruption_backlog")
    assert [tuple(r) for r in pending] == [(device.person_id, day)]
    # A query recounts unsettled days in memory: the right figures, nothing written.
    for _settled in (False, True):
        days = store.interruption_days(None, day, day)
        assert [(d["day"], d["count"], d["away_s"]) for d in days] == [(day, 1, pytest.approx(180))]
        mine = store.person_summary(device.person_id, day, day)["interruptions"]
        assert (mine["count"], mine["away_minutes"]) == (1, pytest.approx(3))
        assert len(store.all("SELECT * FROM interruption_backlog")) == (0 if _settled else 1)
        if not _settled:
            assert store.settle_interruptions() == 1  # the background thread's work


def test_a_duplicate_batch_marks_nothing_and_settling_twice_changes_nothing(store_and_device):
    store, device = store_and_device
    steps = plan(day_at(3, 9), [("payroll", 10), ("meetings", 5), ("payroll", 10)])
    _post(store, device, steps, batch_id="batch-0001")
    assert store.settle_interruptions() == 1
    assert _post(store, device, steps, batch_id="batch-0001") == (0, True)
    assert store.settle_interruptions() == 0
    day = day_at(3, 9).date().isoformat()
    team = store.one("SELECT interruptions, away_s FROM team_days WHERE day = ?", (day,))
    person = store.one("SELECT count, away_s FROM interruption_days WHERE day = ?", (day,))
    assert tuple(team) == tuple(person) == (1, pytest.approx(300))


def test_a_crash_before_settling_leaves_the_day_marked(store_and_device, store_url):
    """The mark commits with the segments: a process that dies before the
    recount leaves it for the next one, which counts the same as ever."""
    store, device = store_and_device
    steps = plan(day_at(4, 9), [("payroll", 10), ("communication", 2), ("payroll", 10)])
    _post(store, device, steps)
    store.close()
    reader = open_store(store_url, migrate=False)  # another process, after the "crash"
    try:
        assert reader.row_count("interruption_backlog") == 1
    finally:
        reader.close()
    again = open_counting_store(store_url)
    try:
        assert again.settle_interruptions() == 1
        assert again.one("SELECT count FROM interruption_days")[0] == 1
    finally:
        again.close()


def test_settling_a_long_backlog_goes_in_chunks(store_and_device, monkeypatch):
    from collector.store.sqlite import interruptions

    monkeypatch.setattr(interruptions, "SETTLE_CHUNK", 3)
    store, device = store_and_device
    for d in range(1, 9):
        _post(store, device, plan(day_at(d, 9), [("payroll", 5), ("meetings", 1), ("payroll", 5)]))
    assert store.settle_interruptions() == 8
    assert store.one("SELECT COUNT(*), SUM(count) FROM interruption_days")[:] == (8, 8)


def test_timed_items_are_stored_with_their_batch_and_digested(store_and_device):
    """On both backends: the batch's timed items in its transaction; a retry
    stores nothing twice; another item under the same batch_id is refused and
    stores nothing; a batch without items digests as before they existed."""
    from collector.store.sqlite.batch_digest import BatchIdReused, batch_digest
    from shared.payload import TimedBatch

    store, device = store_and_device
    start = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    body = batch([segment(start, 30, "payroll")], "batch-001")
    item = {
        "type": "claims",
        "ref": "a" * 64,
        "started": start.isoformat(),
        "ended": (start + timedelta(minutes=20)).isoformat(),
        "active_seconds": 900,
        "outcome": "completed",
    }
    timed = TimedBatch.model_validate_json(json.dumps({**body, "work_items": [item]}))
    assert store.ingest(device, timed) == (1, False)
    assert store.ingest(device, timed) == (0, True)
    other = {**item, "active_seconds": 899}
    with pytest.raises(BatchIdReused):
        store.ingest(
            device, TimedBatch.model_validate_json(json.dumps({**body, "work_items": [other]}))
        )
    assert store.work_item_timings(None, ["claims"], 0.0, 2e9) == [
        {"type": "claims", "active_s": 900.0}
    ]
    assert store.row_count("segments") == 1
    # What the digest gave before timed items existed (the old code, run once).
    rows = [(0, 0, start.timestamp(), start.timestamp() + 1800, 0, "2026-03-10")]
    rows = [(*rows[0], "payroll", None, "excel", "active", 10, 2)]
    assert batch_digest(0, "Europe/Berlin", rows, []) == (
        "5dccac597d4456b2f8489fe705471d48953693e06866175931b0ac66f1287f15"
    )
