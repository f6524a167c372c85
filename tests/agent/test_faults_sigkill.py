"""kill -9 the running agent, several times: little lost, nothing doubled.

The real `backlight-agent --headless` process with the fixed test probe, so
its one segment never closes on its own: only the checkpoint of the open
segment (at most ``checkpoint_s`` old, a minute in production, lowered here
to 2 s) stands between a SIGKILL and losing the run. The next start turns
that checkpoint into a closed segment and sends it.

Also here: the agent frozen (SIGSTOP, as a suspended laptop or a stalled
session) closes its open segment at the last poll before the freeze, so the
time it was away is never counted.
"""

from __future__ import annotations

import random
import signal
import sys
import time
from datetime import datetime, timedelta

import pytest

from agent.core.tracker import Tracker
from agent.outbox import Outbox
from agent.platform.fixed import FixedProbe
from shared.rules import default_rules
from tests.agent.test_faults_collector_down import (
    agent_home,  # noqa: F401 - fixture
    assert_same_segments_once,
    collector_segments,
    fast_collector,  # noqa: F401 - fixture
    wait_for,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

CHECKPOINT_S = 2.0


def test_sigkilled_three_times_loses_at_most_a_checkpoint_each_and_doubles_nothing(
    fast_collector,  # noqa: F811
    agent_home,  # noqa: F811
):
    server, agent = fast_collector, agent_home
    agent.enroll(server, "erin", checkpoint_s=CHECKPOINT_S)
    rnd = random.Random(7)
    runs: list[tuple[float, float]] = []  # (started, killed)
    for _ in range(3):
        agent.start()
        time.sleep(rnd.uniform(3.0, 6.0))
        runs.append((agent.started_at, agent.kill()))
        snap = agent.status()
        assert not snap["running"] and snap["queue"]["segments"] == 0  # still a checkpoint

    agent.start()  # recovers the last checkpoint, sends all three
    wait_for(
        "the killed runs to arrive",
        lambda: len(collector_segments(server, agent.device_id)) >= 3,
        timeout=20,
    )
    at, code, _ = agent.terminate()
    assert code == 0
    runs.append((agent.started_at, at))

    rows = assert_same_segments_once(agent, server)
    assert len(rows) == len(runs), rows  # the fixed probe: one segment per run
    bound = CHECKPOINT_S + agent.poll_s + 0.5
    for (started, stopped), (start, end, category, app) in zip(runs, rows, strict=True):
        assert (category, app) == ("payroll", "excel")
        assert started <= start < started + 10  # tracking begins at the first poll
        lost = stopped - end
        assert -0.5 < lost <= bound, f"lost {lost:.2f} s of a run (bound {bound:.2f} s)"


def test_a_frozen_agent_closes_its_segment_at_the_last_poll(
    fast_collector,  # noqa: F811
    agent_home,  # noqa: F811
):
    server, agent = fast_collector, agent_home
    agent.enroll(server, "fred", checkpoint_s=CHECKPOINT_S)
    agent.start()
    time.sleep(2)
    stopped_at = agent.send(signal.SIGSTOP)
    time.sleep(8)  # longer than the tracker's gap limit: max(5 s, 3 polls)
    resumed_at = agent.send(signal.SIGCONT)
    time.sleep(3)
    at, code, _ = agent.terminate()
    assert code == 0

    rows = assert_same_segments_once(agent, server)
    assert len(rows) == 2, rows
    (s1, e1, *_), (s2, e2, *_) = rows
    assert stopped_at - agent.poll_s - 0.5 <= e1 <= stopped_at + 0.1
    assert resumed_at - 0.1 <= s2 <= resumed_at + agent.poll_s + 1.0
    assert e2 >= at - agent.poll_s - 0.5


# -- the same, in the tracker, with a clock the test moves --------------------------


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class LockableProbe(FixedProbe):
    locked = False

    def foreground(self):
        return None if self.locked else self.window


def run_polls(tracker: Tracker, clock: Clock, n: int, every: float = 1.0) -> None:
    for _ in range(n):
        tracker.tick()
        clock.step(every)


def recorded(box: Outbox) -> list[tuple[datetime, datetime]]:
    return [(s.start, s.end) for s, _sent in box.segments_since(0)]


@pytest.mark.parametrize(
    "start, gap_s",
    [
        ("2026-11-23T10:00:00+01:00", 3600),  # suspended for an hour
        ("2026-11-23T23:59:30+01:00", 8 * 3600),  # suspended overnight
        ("2026-11-23T10:00:00+01:00", 13 * 3600),  # longer than the longest segment
    ],
)
def test_a_gap_in_polling_ends_the_segment_at_the_last_poll(tmp_path, start, gap_s):
    clock = Clock(datetime.fromisoformat(start))
    box = Outbox(tmp_path / "outbox.sqlite")
    tracker = Tracker(
        FixedProbe("excel", "Payroll run"),
        box,
        default_rules(),
        clock=clock,
        timezone=lambda: "Europe/Paris",
    )
    tracker.set_allowed(True)
    run_polls(tracker, clock, 11)  # polls at +0 .. +10 s
    last_poll = clock.now - timedelta(seconds=1)
    clock.step(gap_s)
    run_polls(tracker, clock, 3)
    tracker.flush()
    (s1, e1), (s2, e2) = recorded(box)
    assert (s1, e1) == (datetime.fromisoformat(start), last_poll)
    assert e2 - s2 == timedelta(seconds=3)  # two polls apart, then stopped a poll later
    box.close()


def test_a_locked_screen_ends_the_segment_at_the_last_poll_and_so_does_a_stop(tmp_path):
    clock = Clock(datetime.fromisoformat("2026-11-23T10:00:00+01:00"))
    box = Outbox(tmp_path / "outbox.sqlite")
    probe = LockableProbe("excel", "Payroll run")
    tracker = Tracker(probe, box, default_rules(), clock=clock, timezone=lambda: "UTC")
    tracker.set_allowed(True)
    run_polls(tracker, clock, 6)  # +0 .. +5
    probe.locked = True
    run_polls(tracker, clock, 30)  # locked for 30 s
    probe.locked = False
    run_polls(tracker, clock, 6)  # +36 .. +41
    clock.step(600)  # then the machine sleeps; the agent is stopped on waking
    tracker.flush()
    t0 = datetime.fromisoformat("2026-11-23T10:00:00+01:00")
    assert recorded(box) == [
        (t0, t0 + timedelta(seconds=5)),
        (t0 + timedelta(seconds=36), t0 + timedelta(seconds=41)),
    ]
    box.close()
