"""Samples become segments the same way on the agent and in the demo."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared.rules import RuleSet
from shared.segments import Sample, SegmentBuilder

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=1)))
RULES = RuleSet.from_dicts(
    [
        {"title": "payroll", "category": "payroll"},
        {"app": "outlook", "category": "communication"},
        {"app": "zoom", "category": "meetings", "passive_active": True},
        {"title": "acme", "category": "invoicing", "client": "acme"},
    ]
)


def feed(builder, stream):
    """stream: (second, app, title, idle_s[, keys])"""
    out = []
    for sec, app, title, idle, *keys in stream:
        out += builder.add(Sample(T0 + timedelta(seconds=sec), app, title, idle, *(keys or [0])))
    return out + builder.close()


def test_consecutive_samples_merge_and_a_change_closes_at_the_changing_sample():
    b = SegmentBuilder(RULES, max_gap_s=5)
    segs = feed(
        b,
        [(s, "excel", "Payroll", 0, 3) for s in range(0, 10)]
        + [(s, "outlook", "Inbox", 0) for s in range(10, 15)],
    )
    assert [(s.category, s.seconds) for s in segs] == [("payroll", 10), ("communication", 4)]
    assert segs[0].keys == 30
    assert segs[0].end == segs[1].start


def test_a_gap_in_sampling_closes_the_segment_at_the_last_sample():
    b = SegmentBuilder(RULES, max_gap_s=5)
    segs = feed(
        b,
        [(s, "excel", "Payroll", 0) for s in range(0, 5)]
        + [(s, "excel", "Payroll", 0) for s in range(600, 605)],
    )
    assert [(s.start - T0).total_seconds() for s in segs] == [0, 600]
    assert sum(s.seconds for s in segs) == 8  # the locked ten minutes are not counted


def test_going_idle_is_backdated_to_the_last_input():
    b = SegmentBuilder(RULES, idle_after_s=300, max_gap_s=5)
    stream = [(s, "excel", "Payroll", 0) for s in range(0, 100)]
    stream += [(s, "excel", "Payroll", s - 99) for s in range(100, 500)]
    segs = feed(b, stream)
    assert [(s.state, s.seconds) for s in segs] == [("active", 99), ("idle", 400)]


def test_a_passive_active_window_is_not_idle_without_input():
    b = SegmentBuilder(RULES, idle_after_s=300, max_gap_s=5)
    segs = feed(b, [(s, "zoom", "Weekly sync", 900) for s in range(0, 60)])
    assert [(s.category, s.state) for s in segs] == [("meetings", "active")]


def test_a_rule_client_wins_over_the_chosen_client():
    b = SegmentBuilder(RULES, max_gap_s=5, default_client="globex")
    segs = feed(
        b,
        [(s, "qb", "Invoice for ACME", 0) for s in range(3)]
        + [(s, "excel", "Payroll", 0) for s in range(3, 6)],
    )
    assert [s.client for s in segs] == ["acme", "globex"]


def test_segments_carry_no_title():
    b = SegmentBuilder(RULES, max_gap_s=5)
    segs = feed(b, [(s, "excel", "Payroll SECRET-MARKER", 0) for s in range(3)])
    assert "SECRET-MARKER" not in str(segs[0].to_payload())


def test_open_segment_is_visible_for_checkpoints():
    b = SegmentBuilder(RULES, max_gap_s=5)
    for s in range(5):
        b.add(Sample(T0 + timedelta(seconds=s), "excel", "Payroll", 0))
    open_ = b.open_segment()
    assert open_ is not None and open_.seconds == 4


def test_a_clock_set_back_never_makes_overlapping_segments():
    b = SegmentBuilder(RULES, idle_after_s=300, max_gap_s=5)
    segs = []
    for i in range(10):
        segs += b.add(Sample(T0 + timedelta(seconds=i), "excel", "Payroll run", 0, 1, 0))
    # NTP (or a person) moves the clock back by five seconds
    for i in range(10):
        segs += b.add(Sample(T0 + timedelta(seconds=5 + i), "excel", "Payroll run", 0, 1, 0))
    segs += b.close()
    for earlier, later in zip(segs, segs[1:], strict=False):
        assert later.start >= earlier.end
    assert sum((s.end - s.start).total_seconds() for s in segs) == 14
