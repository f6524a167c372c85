"""The outbox keeps every segment until the collector has it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from agent.outbox import Outbox
from shared.segments import Segment

T0 = datetime.now().astimezone().replace(hour=9, minute=0, second=0, microsecond=0)


def seg(start_s: float, end_s: float, category: str = "payroll", app: str = "excel") -> Segment:
    return Segment(
        T0 + timedelta(seconds=start_s),
        T0 + timedelta(seconds=end_s),
        category,
        None,
        app,
        "active",
        3,
        1,
    )


@pytest.fixture
def box(tmp_path):
    o = Outbox(tmp_path / "outbox.sqlite")
    yield o
    o.close()


def reopen(o: Outbox) -> Outbox:
    """A new process on the same file; the old connection is dropped without any cleanup."""
    return Outbox(o.path)


def test_closed_segments_are_on_disk_at_once(box):
    assert box.save([seg(0, 60), seg(60, 90)], None, 3, "UTC")
    again = reopen(box)
    assert again.stats().queued_segments == 2
    assert [s.seconds for s, sent in again.segments_since(0)] == [60, 30]


def test_the_open_segment_is_one_upserted_row_and_a_crash_queues_it_at_its_last_checkpoint(box):
    for minute in range(1, 30):  # half an hour of focus, checkpointed each minute
        box.save([], seg(0, minute * 60), 3, "UTC")
    assert box._conn.execute("SELECT COUNT(*) FROM open_segment").fetchone()[0] == 1
    assert box.stats().queued_segments == 0

    after_crash = reopen(box)
    ((recovered, _sent),) = after_crash.segments_since(0)
    assert recovered.start == T0 and recovered.seconds == 29 * 60  # one segment, not 29
    assert after_crash.open_checkpoint() is None


def test_closing_a_segment_replaces_its_checkpoint_so_recovery_never_doubles_it(box):
    box.save([], seg(0, 120), 3, "UTC")
    box.save([seg(0, 150)], seg(150, 150), 3, "UTC")  # closed; the new one is still empty
    after_crash = reopen(box)
    assert [(s.start, s.seconds) for s, _ in after_crash.segments_since(0)] == [(T0, 150)]


def test_a_batch_keeps_its_id_and_segments_across_retries_and_restarts(box):
    box.save([seg(0, 60), seg(60, 120)], None, 3, "UTC")
    first = box.next_batch()
    box.batch_failed(first.batch_id, "HTTP 500")
    box.save([seg(120, 180)], None, 3, "UTC")  # recorded after the batch was formed
    again = reopen(box).next_batch()
    assert again.batch_id == first.batch_id
    assert again.segments == first.segments and len(again.segments) == 2
    assert len(first.batch_id) == 32 and int(first.batch_id, 16) >= 0  # uuid4 hex


def test_batches_hold_at_most_500_segments_oldest_first(box):
    box.save([seg(i, i + 1) for i in range(1200)], None, 3, "UTC")
    sizes, starts = [], []
    while (b := box.next_batch()) is not None:
        sizes.append(len(b.segments))
        starts.append(b.segments[0]["start"])
        box.batch_sent(b.batch_id)
    assert sizes == [500, 500, 200]
    assert starts == sorted(starts)
    assert box.stats().queued_segments == 0


def test_a_batch_never_mixes_rules_versions_or_time_zones(box):
    box.save([seg(0, 10), seg(10, 20)], None, 3, "UTC")
    box.save([seg(20, 30)], None, 4, "UTC")
    box.save([seg(30, 40)], None, 4, "Europe/Paris")
    got = []
    while (b := box.next_batch()) is not None:
        got.append((b.rules_version, b.timezone, len(b.segments)))
        box.batch_sent(b.batch_id)
    assert got == [(3, "UTC", 2), (4, "UTC", 1), (4, "Europe/Paris", 1)]


def test_an_acknowledged_batch_is_deleted_but_its_segments_stay_as_todays_history(box):
    box.save([seg(0, 60)], None, 3, "UTC")
    b = box.next_batch()
    box.batch_sent(b.batch_id)
    stats = box.stats()
    assert stats.queued_segments == 0 and stats.pending_batches == 0
    assert stats.last_upload_at is not None
    assert [sent for _, sent in box.segments_since(0)] == [True]
    assert box.next_batch() is None


def test_a_quarantined_batch_stays_visible_and_the_next_one_flows(box):
    box.save([seg(i, i + 1) for i in range(600)], None, 3, "UTC")
    bad = box.next_batch()
    box.quarantine(bad.batch_id, 400, '{"error": "invalid_request"}')
    nxt = box.next_batch()
    assert nxt.batch_id != bad.batch_id and len(nxt.segments) == 100
    stats = box.stats()
    assert [(q.batch_id, q.segments, q.status_code) for q in stats.quarantined] == [
        (bad.batch_id, 500, 400)
    ]
    assert "invalid_request" in stats.quarantined[0].error
    assert stats.queued_segments == 100  # quarantined ones are counted apart
    assert box.requeue_quarantined() == 1 and box.next_batch().batch_id == bad.batch_id


def test_a_clock_stepped_back_cannot_make_segments_overlap(box):
    box.save([seg(0, 100)], None, 3, "UTC")
    box.save([seg(80, 130), seg(90, 95)], None, 3, "UTC")  # NTP moved the clock back
    spans = [(s.start, s.end) for s, _ in box.segments_since(0)]
    assert spans == [
        (T0, T0 + timedelta(seconds=100)),
        (T0 + timedelta(seconds=100), T0 + timedelta(seconds=130)),
    ]


def test_a_full_disk_is_reported_not_fatal_and_segments_wait_in_memory(box):
    box.save([seg(0, 1)], None, 3, "UTC")
    pages = box._conn.execute("PRAGMA page_count").fetchone()[0]
    box._conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL from here on
    wide = [seg(i, i + 1, app="x" * 100) for i in range(1, 400)]
    assert box.save(wide, seg(400, 460), 3, "UTC") is False
    assert "full" in box.write_error
    assert box.stats().queued_segments == 400  # 1 on disk + 399 waiting in memory
    assert box.stats().write_error == box.write_error

    box._conn.execute("PRAGMA max_page_count = 1073741823")  # space again
    assert box.save([seg(460, 470)], None, 3, "UTC") is True
    assert box.write_error is None
    assert reopen(box).stats().queued_segments == 401


def test_sent_segments_of_earlier_days_are_purged_unsent_ones_never(tmp_path):
    box = Outbox(tmp_path / "o.sqlite")
    day = timedelta(days=2)
    old = [
        Segment(T0 - day, T0 - day + timedelta(minutes=1), "payroll", None, "excel", "active"),
        Segment(
            T0 - day + timedelta(minutes=1),
            T0 - day + timedelta(minutes=2),
            "payroll",
            None,
            "excel",
            "active",
        ),
    ]
    box.save(old[:1], None, 3, "UTC")
    box.batch_sent(box.next_batch().batch_id)
    box.save(old[1:], None, 3, "UTC")
    box.close()
    box = Outbox(tmp_path / "o.sqlite")
    assert [sent for _, sent in box.segments_since(0)] == [False]


def test_consent_and_units_queues_are_separate_and_remember_the_last_segment_before_them(box):
    box.save([seg(0, 60)], None, 3, "UTC")
    box.queue("consent", [{"decision": "withdrawn", "consent_version": 1, "at": "x"}])
    box.queue("units", [{"function": "payroll", "units": 1}, {"function": "qa", "units": 2}])
    (c,) = box.pending("consent")
    assert c.body["decision"] == "withdrawn" and c.upto_segment == 1
    assert [u.body["units"] for u in box.pending("units")] == [1, 2]
    box.done("units", [u.id for u in box.pending("units")][:1], 400, "bad function")
    box.done("consent", [c.id])
    stats = box.stats()
    assert (stats.pending_consent, stats.pending_units, stats.quarantined_units) == (0, 1, 1)
    with pytest.raises(KeyError):
        box.queue("segments; DROP TABLE meta", [{}])


def test_only_the_agent_recovers_a_checkpoint_a_cli_reading_status_leaves_it(box):
    box.save([], seg(0, 120), 3, "UTC")
    reader = Outbox(box.path, recover=False)
    assert reader.stats().queued_segments == 0
    assert reader.open_checkpoint() is not None
    reader.close()
    assert reopen(box).stats().queued_segments == 1  # the agent's next start does
