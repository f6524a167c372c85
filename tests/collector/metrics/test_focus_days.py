"""Focus time per day for a group, from person-day spans (shared/focus.py's sessions)."""

from __future__ import annotations

from datetime import UTC, datetime

from collector.metrics.focus_days import focus_by_day

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC).timestamp()


def _m(minutes: float) -> float:
    return T0 + minutes * 60


def test_sessions_per_person_day_summed_per_day():
    spans = [
        # Ann, Monday: 30 min payroll, 5 min chat (more than 4 away: the session ends),
        # 30 min payroll again: two sessions of 30 minutes.
        (1, "2026-11-02", _m(0), _m(30), "payroll"),
        (1, "2026-11-02", _m(30), _m(35), "communication"),
        (1, "2026-11-02", _m(35), _m(65), "payroll"),
        # Ben, Monday: 10 minutes of payroll only, under 15: no session.
        (2, "2026-11-02", _m(0), _m(10), "payroll"),
        # Ann, Tuesday: 20 minutes of reporting, with a 2-minute chat inside (kept: 20 of
        # 22 minutes on reporting is above 75%), then 10 of reporting.
        (1, "2026-11-03", _m(1440), _m(1460), "reporting"),
        (1, "2026-11-03", _m(1460), _m(1462), "communication"),
        (1, "2026-11-03", _m(1462), _m(1472), "reporting"),
    ]
    assert focus_by_day(spans) == {"2026-11-02": 3600.0, "2026-11-03": 32 * 60.0}


def test_no_spans_no_focus():
    assert focus_by_day([]) == {}
