"""The before/after windows: equal, clipped to the data, not cut by a weekend."""

from __future__ import annotations

from datetime import date, timedelta

from collector.service.before_after import windows

MONDAY = date(2026, 11, 2)


def _workdays(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


def test_full_windows_when_the_data_covers_both():
    # Data from 28 Sep to 3 Dec: 28 days each side, the after window ending on Sunday
    # 29 Nov (the data goes on past it, so the weekend does not shorten it).
    tracked = _workdays(date(2026, 9, 28), date(2026, 12, 3))
    w, before, after = windows(MONDAY, 28, tracked)
    assert w == 28
    assert before == (date(2026, 10, 5), date(2026, 11, 1))
    assert after == (date(2026, 11, 2), date(2026, 11, 29))


def test_both_windows_shrink_to_the_shorter_side():
    # Data starts Wednesday 21 Oct: 12 days before the change, so 12 after it too.
    tracked = _workdays(date(2026, 10, 21), date(2026, 12, 3))
    w, before, after = windows(MONDAY, 28, tracked)
    assert w == 12
    assert before == (date(2026, 10, 21), date(2026, 11, 1))
    assert after == (date(2026, 11, 2), date(2026, 11, 13))
    # Data ends Friday 6 Nov: five days after, so five before.
    tracked = _workdays(date(2026, 9, 1), date(2026, 11, 6))
    w, before, after = windows(MONDAY, 28, tracked)
    assert w == 5 and before == (date(2026, 10, 28), date(2026, 11, 1))


def test_no_data_on_one_side_is_no_window():
    assert windows(MONDAY, 28, _workdays(date(2026, 11, 2), date(2026, 12, 3)))[0] == 0
    assert windows(MONDAY, 28, _workdays(date(2026, 10, 1), date(2026, 10, 30)))[0] == 0
