"""Reading ActivityWatch exports and turning them into segments, worked by hand.

The two servers' shapes, the AFK rule (away long enough is idle, a short
stretch is still active, a call stays active), overlap clipping, midnight
cuts, the bounds an import respects, and errors that name the place in
the file."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.importers.activitywatch import (
    ExportError,
    read_export,
    to_segments,
)
from shared.rules import default_rules

ZONE = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=ZONE)  # a Monday, 09:00 local


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def python_event(start_min: float, minutes: float, **data) -> dict:
    """aw-server (Python): +00:00 offsets, microseconds, no id."""
    return {
        "timestamp": at(start_min).astimezone(ZoneInfo("UTC")).isoformat(),
        "duration": minutes * 60,
        "data": data,
    }


def rust_event(i: int, start_min: float, minutes: float, **data) -> dict:
    """aw-server-rust: an id, a Z suffix and nanoseconds."""
    utc = at(start_min).astimezone(ZoneInfo("UTC"))
    return {
        "id": i,
        "timestamp": utc.strftime("%Y-%m-%dT%H:%M:%S.") + "123456789Z",
        "duration": minutes * 60,
        "data": data,
    }


def export(windows: list[dict], afk: list[dict] | None, host: str = "ws-17") -> dict:
    buckets = {
        f"aw-watcher-window_{host}": {
            "id": f"aw-watcher-window_{host}",
            "type": "currentwindow",
            "client": "aw-watcher-window",
            "hostname": host,
            "created": "2026-01-01T00:00:00+00:00",
            "events": windows,
        }
    }
    if afk is not None:
        buckets[f"aw-watcher-afk_{host}"] = {
            "id": f"aw-watcher-afk_{host}",
            "type": "afkstatus",
            "client": "aw-watcher-afk",
            "hostname": host,
            "events": afk,
        }
    return {"buckets": buckets}


def convert(raw: dict, **kw):
    bounds = {
        "idle_after_s": 300,
        "not_before": at(-10_000).timestamp(),
        "not_after": at(10_000).timestamp(),
    }
    bounds.update(kw)
    return to_segments(read_export(raw), default_rules(), ZONE, **bounds)


PAYROLL = {"app": "EXCEL.EXE", "title": "Payroll run October - Excel"}
SCHEDULE = {"app": "chrome.exe", "title": "Shift plan week 41 - Deputy"}
ZOOM = {"app": "zoom", "title": "Zoom Meeting"}


def test_a_python_export_becomes_segments_per_function_with_afk_as_idle():
    raw = export(
        [python_event(0, 30, **PAYROLL), python_event(30, 20, **SCHEDULE)],
        [
            python_event(0, 10, status="not-afk"),
            python_event(10, 10, status="afk"),  # 10 min away: idle (>= 5 min)
            python_event(20, 30, status="not-afk"),
        ],
    )
    segs = convert(raw).segments
    got = [(s.start, s.end, s.category, s.state, s.app) for s in segs]
    assert got == [
        (at(0), at(10), "payroll", "active", "EXCEL.EXE"),
        (at(10), at(20), "payroll", "idle", "EXCEL.EXE"),
        (at(20), at(30), "payroll", "active", "EXCEL.EXE"),
        (at(30), at(50), "scheduling", "active", "chrome.exe"),
    ]
    assert all(s.keys == 0 and s.clicks == 0 for s in segs)


def test_a_rust_export_reads_the_same_and_nanoseconds_are_cut_to_microseconds():
    raw = export(
        [rust_event(1, 0, 30, **PAYROLL)],
        [rust_event(2, 0, 30, status="not-afk")],
    )
    (seg,) = convert(raw).segments
    assert (seg.category, seg.state) == ("payroll", "active")
    assert seg.seconds == pytest.approx(30 * 60)
    assert seg.start == at(0) + timedelta(microseconds=123456)


def test_a_bare_mapping_of_buckets_is_read_too():
    raw = export([python_event(0, 5, **PAYROLL)], [python_event(0, 5, status="not-afk")])
    assert len(convert(raw["buckets"]).segments) == 1


def test_a_short_afk_stretch_is_still_active_and_a_call_stays_active_while_away():
    raw = export(
        [python_event(0, 20, **PAYROLL), python_event(20, 30, **ZOOM)],
        [
            python_event(0, 8, status="not-afk"),
            python_event(8, 4, status="afk"),  # 4 min: under idle_after_s (5 min)
            python_event(12, 13, status="not-afk"),
            python_event(25, 25, status="afk"),  # in the call, not typing
        ],
    )
    segs = convert(raw).segments
    got = [(s.start, s.end, s.category, s.state) for s in segs]
    assert got == [
        (at(0), at(20), "payroll", "active"),
        (at(20), at(50), "meetings", "active"),
    ]


def test_window_time_the_afk_watcher_did_not_cover_is_idle():
    raw = export([python_event(0, 20, **PAYROLL)], [python_event(0, 15, status="not-afk")])
    got = [(s.start, s.end, s.state) for s in convert(raw).segments]
    assert got == [(at(0), at(15), "active"), (at(15), at(20), "idle")]


def test_overlapping_events_are_clipped_and_touching_ones_of_one_function_joined():
    raw = export(
        [
            python_event(0, 10, app="EXCEL.EXE", title="Payroll run - Excel"),
            python_event(8, 10, app="EXCEL.EXE", title="Payroll adjustments - Excel"),
            python_event(18.05, 5, app="EXCEL.EXE", title="payroll summary"),  # 3 s gap
        ],
        [python_event(0, 30, status="not-afk")],
    )
    segs = convert(raw).segments
    assert [(s.start, s.end, s.category) for s in segs] == [(at(0), at(23.05), "payroll")]


def test_a_segment_across_midnight_is_cut_into_each_day():
    raw = export([python_event(14 * 60 + 30, 60, **PAYROLL)], None)  # 23:30 to 00:30
    segs = convert(raw, not_after=at(20 * 60).timestamp(), afk_known=False).segments
    midnight = datetime(2026, 10, 6, tzinfo=ZONE)
    assert [(s.start, s.end) for s in segs] == [
        (at(14 * 60 + 30), midnight),
        (midnight, at(15 * 60 + 30)),
    ]


def test_the_bounds_and_an_earlier_import_leave_time_out_and_say_how_much():
    raw = export([python_event(0, 60, **PAYROLL)], [python_event(0, 60, status="not-afk")])
    done = [(at(20).timestamp(), at(30).timestamp())]
    result = convert(
        raw, not_before=at(10).timestamp(), not_after=at(50).timestamp(), imported=done
    )
    assert [(s.start, s.end) for s in result.segments] == [(at(10), at(20)), (at(30), at(50))]
    assert result.skipped_old_s == pytest.approx(600)
    assert result.skipped_tracked_s == pytest.approx(600)
    assert result.skipped_imported_s == pytest.approx(600)


def test_titles_stay_in_the_importer():
    raw = export(
        [python_event(0, 5, app="outlook", title="RE: Salary of Jane Roe, confidential")],
        [python_event(0, 5, status="not-afk")],
    )
    (seg,) = convert(raw).segments
    assert "Jane" not in repr(seg) and "Salary" not in repr(seg)


def test_several_computers_need_a_choice_and_an_unknown_one_is_named():
    raw = export([python_event(0, 5, **PAYROLL)], None, host="ws-17")
    raw["buckets"].update(export([python_event(0, 5, **PAYROLL)], None, host="laptop")["buckets"])
    with pytest.raises(ExportError, match=r"several computers \(laptop, ws-17\).*--host"):
        read_export(raw)
    assert read_export(raw, "laptop").host == "laptop"
    with pytest.raises(ExportError, match=r"--host: no window bucket for 'pc9'"):
        read_export(raw, "pc9")


@pytest.mark.parametrize(
    ("event", "where"),
    [
        ({"timestamp": "yesterday", "duration": 5, "data": PAYROLL}, "events.0.timestamp"),
        ({"timestamp": "2026-10-05T09:00:00", "duration": 5, "data": PAYROLL}, "no UTC offset"),
        ({"timestamp": "2026-10-05T09:00:00Z", "duration": -1, "data": PAYROLL}, "duration"),
        ({"timestamp": "2026-10-05T09:00:00Z", "duration": "5", "data": PAYROLL}, "duration"),
        ({"timestamp": "2026-10-05T09:00:00Z", "duration": 5, "data": []}, "events.0.data"),
        ({"timestamp": "2026-10-05T09:00:00Z", "duration": 5, "data": {"app": 3}}, "data.app"),
    ],
)
def test_a_broken_event_is_refused_naming_where_it_is(event: dict, where: str):
    with pytest.raises(ExportError, match=rf"buckets\.aw-watcher-window_ws-17\..*{where}"):
        read_export(export([event], None))


def test_an_afk_status_other_than_afk_or_not_afk_is_refused():
    raw = export([python_event(0, 5, **PAYROLL)], [python_event(0, 5, status="asleep")])
    with pytest.raises(ExportError, match=r"events\.0\.data\.status: must be 'afk' or 'not-afk'"):
        read_export(raw)


def test_a_file_without_window_buckets_is_refused():
    with pytest.raises(ExportError, match="no window bucket"):
        read_export({"buckets": {"aw-watcher-web": {"type": "web.tab.current", "events": []}}})
    with pytest.raises(ExportError, match="JSON object"):
        read_export([1, 2])
