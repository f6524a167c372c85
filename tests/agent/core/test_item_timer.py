"""The work-item timer's logic on a real outbox file, with a clock the test moves.

Figures are worked by hand from the segments each test writes: net time is
the active time inside the running spans, nothing else.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from agent.core.item_timer import ItemTimer, active_overlap, clean_reference, reference_hash
from agent.core.policy import Policy, PolicyStore
from agent.outbox import Outbox
from shared.payload import TimedBatch
from shared.segments import Segment
from tests.agent.core.test_uploader_fake_collector import policy_body

T0 = datetime.fromisoformat("2026-12-04T10:00:00+01:00")
SALT = "Jefe"
#: RFC 4231, test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
RFC4231_2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
TYPES = [
    {"key": "claim", "name": "Claim", "function": "invoicing"},
    {"key": "payrun_query", "name": "Pay-run query", "function": "payroll"},
]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def at(self, minutes: float) -> None:
        self.now = T0 + timedelta(minutes=minutes)


def seg(start_min: float, end_min: float, state: str = "active") -> Segment:
    return Segment(
        T0 + timedelta(minutes=start_min),
        T0 + timedelta(minutes=end_min),
        "invoicing",
        None,
        "erp",
        state,
        10,
        0,
    )


def policies(tmp_path: Path, *, salt: str | None = SALT, types=TYPES) -> PolicyStore:
    store = PolicyStore(tmp_path / "policy.json")
    body = policy_body()
    if types is not None:
        body["work_types"] = types
    if salt is not None:
        body["work_item_salt"] = salt
    store.accept(body, None)
    return store


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(tmp_path: Path):
    box = Outbox(tmp_path / "outbox.sqlite", recover=False)
    yield box
    box.close()


def timer(outbox: Outbox, store: PolicyStore, clock: Clock, live=None) -> ItemTimer:
    return ItemTimer(outbox, store, clock, lambda: live[0] if live else None)


def test_the_reference_is_hashed_as_hmac_sha256_with_the_salt_as_key():
    assert reference_hash("Jefe", "what do ya want for nothing?") == RFC4231_2
    assert reference_hash("Jefe", "  what do ya want for nothing?\n") == RFC4231_2  # a paste
    assert reference_hash("other salt", "what do ya want for nothing?") != RFC4231_2


@pytest.mark.parametrize("bad", ["", "   \n", "a\tb", "x" * 201])
def test_an_unusable_reference_is_refused_in_plain_words(bad):
    with pytest.raises(ValueError):
        clean_reference(bad)


def test_net_time_leaves_out_the_pause_and_idle_time(tmp_path, outbox, clock):
    """10:00 start; active to 10:10, idle to 10:15, active to 10:25.
    Pause 10:12, resume 10:17, stop 10:20: 10 min + 3 min = 780 s of a 20-minute item."""
    t = timer(outbox, policies(tmp_path), clock)
    item = t.start("claim", "CLM-2026-0042")
    assert (item.state, item.type_name, item.net_s) == ("running", "Claim", 0.0)
    outbox.save([seg(0, 10), seg(10, 15, "idle"), seg(15, 25)], None, 3, "Europe/Paris")
    clock.at(12)
    assert t.pause().net_s == 600
    clock.at(17)
    assert t.current().net_s == 600  # paused: the active 10:15-10:17 is not the item's
    assert t.resume().state == "running"
    clock.at(20)
    assert t.current().net_s == 780
    done = t.stop("completed")
    assert (done.state, done.net_s, done.ended) == ("completed", 780, T0 + timedelta(minutes=20))
    assert t.current() is None
    assert [i.reference for i in t.today()] == ["CLM-2026-0042"]


def test_the_open_segment_counts_while_the_item_runs(tmp_path, outbox, clock):
    live = [seg(0, 4)]
    t = timer(outbox, policies(tmp_path), clock, live)
    t.start("claim", "A-1")
    clock.at(4)
    assert t.current().net_s == 240
    live[0] = seg(0, 6)
    clock.at(6)
    assert t.stop("not_completed").net_s == 360


def test_one_item_at_a_time_and_only_the_policys_types(tmp_path, outbox, clock):
    t = timer(outbox, policies(tmp_path), clock)
    with pytest.raises(ValueError, match="unknown work type"):
        t.start("ticket", "T-1")
    t.start("claim", "A-1")
    with pytest.raises(ValueError, match="another item"):
        t.start("payrun_query", "P-1")
    with pytest.raises(ValueError, match="outcome"):
        t.stop("done")
    t.stop("completed")
    with pytest.raises(ValueError, match="no item"):
        t.pause()
    untyped = timer(outbox, policies(tmp_path / "x", types=None), clock)
    with pytest.raises(ValueError, match="not set up work types"):
        untyped.start("claim", "A-2")


def test_a_restart_finds_the_item_running_and_the_downtime_counts_nothing(tmp_path, clock):
    path = tmp_path / "outbox.sqlite"
    first = Outbox(path, recover=False)
    t = timer(first, policies(tmp_path), clock)
    t.start("payrun_query", "PR-77")
    first.save([seg(0, 5)], None, 3, "Europe/Paris")
    first.close()  # the agent dies at 10:05 and comes back at 10:30

    second = Outbox(path, recover=False)
    try:
        clock.at(30)
        t2 = timer(second, policies(tmp_path), clock)
        item = t2.current()
        assert (item.state, item.reference, item.net_s) == ("running", "PR-77", 300)
        second.save([seg(30, 32)], None, 3, "Europe/Paris")
        clock.at(32)
        assert t2.stop("completed").net_s == 420
    finally:
        second.close()


def test_a_finished_item_rides_with_the_next_batch_hashed_and_only_once(tmp_path, outbox, clock):
    t = timer(outbox, policies(tmp_path, salt="Jefe"), clock)
    t.start("claim", "what do ya want for nothing?")
    outbox.save([seg(0, 3)], None, 3, "Europe/Paris")
    clock.at(3)
    t.stop("completed")

    batch = outbox.next_batch()
    body = batch.payload(T0 + timedelta(minutes=4))
    assert body["work_items"] == [
        {
            "type": "claim",
            "ref": RFC4231_2,
            "started": "2026-12-04T10:00:00+01:00",
            "ended": "2026-12-04T10:03:00+01:00",
            "active_seconds": 180,
            "outcome": "completed",
        }
    ]
    assert "nothing?" not in json.dumps(body)
    TimedBatch.model_validate_json(json.dumps(body))  # what the uploader checks
    assert outbox.next_batch().work_items == batch.work_items  # a retry: the same body
    outbox.batch_sent(batch.batch_id)
    assert outbox.unsent_items() == 0
    outbox.save([seg(3, 5)], None, 3, "Europe/Paris")
    assert "work_items" not in outbox.next_batch().payload(T0)  # not sent twice


def test_without_a_salt_items_wait_until_the_policy_brings_one(tmp_path, outbox, clock):
    store = policies(tmp_path, salt=None)
    t = timer(outbox, store, clock)
    t.start("claim", "what do ya want for nothing?")
    outbox.save([seg(0, 2)], None, 3, "Europe/Paris")
    clock.at(2)
    t.stop("completed")
    first = outbox.next_batch()
    assert first.work_items == ()  # the segments go; the item stays
    outbox.batch_sent(first.batch_id)
    assert outbox.unsent_items() == 1

    body = policy_body()
    body.update(work_types=TYPES, work_item_salt="Jefe")
    store.accept(body, None)
    assert t.seal() == 1
    outbox.save([seg(2, 4)], None, 3, "Europe/Paris")
    assert [i["ref"] for i in outbox.next_batch().work_items] == [RFC4231_2]


def test_the_policy_skips_a_badly_described_work_type():
    body = policy_body()
    body["work_types"] = [{"name": "no key"}, {"key": "claim", "name": "Claim"}, "junk"]
    policy = Policy.from_body(body, "collector")
    assert [t.key for t in policy.work_types] == ["claim"]
    assert policy.work_item_salt is None


def test_the_wire_model_refuses_more_net_time_than_the_item_lasted():
    item = {
        "type": "claim",
        "ref": RFC4231_2,
        "started": "2026-12-04T10:00:00+01:00",
        "ended": "2026-12-04T10:03:00+01:00",
        "active_seconds": 400,
        "outcome": "completed",
    }
    batch = {
        "batch_id": "abcdefgh12",
        "sent_at": "2026-12-04T10:04:00+01:00",
        "rules_version": 3,
        "timezone": "Europe/Paris",
        "segments": [seg(0, 3).to_payload()],
        "work_items": [item],
    }
    with pytest.raises(ValidationError, match="active_seconds"):
        TimedBatch.model_validate_json(json.dumps(batch))
    item.update(active_seconds=180, ref="CLM-1")
    with pytest.raises(ValidationError, match="ref"):
        TimedBatch.model_validate_json(json.dumps(batch))


def test_overlap_counts_only_active_time_inside_the_span():
    segs = [seg(0, 10), seg(10, 20, "idle"), seg(20, 30)]
    start, end = (T0 + timedelta(minutes=5)).timestamp(), (T0 + timedelta(minutes=25)).timestamp()
    assert active_overlap(start, end, segs) == 600  # 5 min + 5 min
