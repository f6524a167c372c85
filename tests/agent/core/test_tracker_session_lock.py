"""A locked session is away: no active time while logind says "locked".

On X11 the window that had the focus keeps it behind most screen lockers,
so the probe goes on reporting it; only the lock signal (logind's
``LockedHint``, read by ``agent.platform.session_lock``) tells the tracker.
Here a stand-in lock source and a clock the test moves drive the real
tracker and outbox; the reader itself is tested in
``tests/agent/platform/test_session_lock.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from agent.core.tracker import Tracker
from agent.outbox import Outbox
from agent.platform.fixed import FixedProbe
from shared.rules import default_rules
from tests.agent.test_faults_sigkill import Clock, recorded, run_polls

T0 = datetime.fromisoformat("2026-11-23T10:00:00+01:00")


class FakeLock:
    name = "fake"

    def __init__(self) -> None:
        self.value: bool | None = False
        self.problem: str | None = None
        self.asked = 0

    def locked(self) -> bool | None:
        self.asked += 1
        return self.value

    def close(self) -> None: ...


def make(tmp_path, lock: FakeLock) -> tuple[Tracker, Outbox, Clock]:
    clock = Clock(T0)
    box = Outbox(tmp_path / "outbox.sqlite")
    tracker = Tracker(
        FixedProbe("excel", "Payroll run"),  # the window stays in front throughout
        box,
        default_rules(),
        clock=clock,
        timezone=lambda: "UTC",
        session_lock=lock,
    )
    tracker.set_allowed(True)
    return tracker, box, clock


def test_time_while_locked_is_not_counted_though_the_window_stays_in_front(tmp_path):
    lock = FakeLock()
    tracker, box, clock = make(tmp_path, lock)
    run_polls(tracker, clock, 6)  # +0 .. +5
    lock.value = True
    run_polls(tracker, clock, 300)  # five minutes locked
    assert tracker.current_category is None  # not "payroll" while locked
    lock.value = False
    run_polls(tracker, clock, 6)  # +306 .. +311
    tracker.flush()
    assert recorded(box) == [
        (T0, T0 + timedelta(seconds=5)),  # ends at the last poll before the lock
        (T0 + timedelta(seconds=306), T0 + timedelta(seconds=312)),  # flush: at now
    ]
    assert lock.asked == 312  # asked every poll (the reader caches; see POLL_S)
    box.close()


def test_a_lock_that_cannot_be_read_changes_nothing(tmp_path):
    lock = FakeLock()
    lock.value = None  # no logind here: idle time alone ends active time
    tracker, box, clock = make(tmp_path, lock)
    run_polls(tracker, clock, 11)
    tracker.flush()
    assert recorded(box) == [(T0, T0 + timedelta(seconds=11))]  # flush: at now
    box.close()


def test_locked_from_the_start_records_nothing(tmp_path):
    lock = FakeLock()
    lock.value = True
    tracker, box, clock = make(tmp_path, lock)
    run_polls(tracker, clock, 60)
    tracker.flush()
    assert recorded(box) == []
    box.close()
