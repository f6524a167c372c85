"""The outbox cannot be written (disk full): reported, not fatal, nothing lost.

SQLite's ``max_page_count`` caps the outbox file where it stands, so writes
that need a new page fail with SQLite's own "database or disk is full", the
error a full disk gives, through the agent's real code paths. The agent core
runs in this process (so the cap can be set on its connection) with a probe
that switches windows every 0.25 s, against a real collector.

While full: tracking goes on, segments wait in memory, the core's state (what
the tray shows) carries the error, the log says so. Once space is back, the
waiting segments are written and sent, and the collector holds every second
of the run, once.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from datetime import datetime, timedelta

import pytest

from agent.config import ENV_HOME, ENV_POLL, Paths
from agent.core.facade import AgentCore
from agent.outbox import Outbox
from agent.platform.base import Window
from shared.segments import Segment
from tests.agent.test_faults_collector_down import (
    agent_home,  # noqa: F401 - fixture
    assert_same_segments_once,
    collector_segments,
    fast_collector,  # noqa: F401 - fixture
    wait_for,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")

FULL = "database or disk is full"


class CyclingProbe:
    name = "cycling"
    windows = (
        Window("excel", "Payroll run - Excel"),
        Window("excel", "Team schedule - Excel"),
    )

    def __init__(self, period: float = 0.25):
        self.period = period

    def start(self) -> None: ...
    def close(self) -> None: ...

    def limitations(self) -> list[str]:
        return []

    def idle_seconds(self) -> float:
        return 0.0

    def foreground(self) -> Window:
        return self.windows[int(time.time() / self.period) % 2]


def set_page_cap(core: AgentCore, pages: int | None) -> None:
    box = core.outbox
    with box._lock:
        if pages is None:
            pages = box._conn.execute("PRAGMA page_count").fetchone()[0]
        box._conn.execute(f"PRAGMA max_page_count = {int(pages)}")


def test_a_full_disk_is_reported_not_fatal_and_loses_nothing(
    fast_collector,  # noqa: F811
    agent_home,  # noqa: F811
    monkeypatch,
    caplog,
):
    server, agent = fast_collector, agent_home
    agent.enroll(server, "jo", checkpoint_s=0.5)
    monkeypatch.setenv(ENV_HOME, str(agent.home))
    monkeypatch.setenv(ENV_POLL, "0.05")
    caplog.set_level(logging.WARNING)
    core = AgentCore(Paths.resolve(), probe_factory=CyclingProbe, input_factory=None)
    try:
        core.start()
        wait_for("a first upload", lambda: collector_segments(server, agent.device_id), 15)

        set_page_cap(core, None)  # the disk is full from now on
        wait_for("the write error", lambda: core.state().write_error, timeout=30)
        state = core.state()
        assert FULL in state.write_error
        assert state.running and state.tracking, state
        queued = state.queued_segments
        time.sleep(3)  # it keeps recording, in memory, and keeps saying why
        state = core.state()
        assert state.running and state.tracking and FULL in state.write_error
        assert state.queued_segments >= queued + 5, (queued, state.queued_segments)
        assert all(t.is_alive() for t in core._threads)
        assert any(FULL in r.getMessage() for r in caplog.records)
        assert core.today().active_s > 0  # "my day" still answers

        set_page_cap(core, 1_000_000)  # space again
        wait_for("the error to clear", lambda: core.state().write_error is None, timeout=10)
        time.sleep(1)
    finally:
        core.stop("test over", final_upload_timeout=10)

    rows = assert_same_segments_once(agent, server)
    gaps = [b[0] - a[1] for a, b in zip(rows, rows[1:], strict=False)]
    assert max(gaps) < 0.01, f"time went missing while the disk was full: {max(gaps):.2f} s"
    assert len(rows) > 40


def test_an_agent_starting_on_a_full_disk_starts_and_recovers_the_crashed_run_later(
    tmp_path, monkeypatch
):
    """The last run was killed (its open segment is a checkpoint) and the disk is
    full when the agent starts: the outbox opens anyway, says why it cannot
    write, and turns the checkpoint into a segment once it can, before the new
    run's checkpoint could replace it."""
    path = tmp_path / "outbox.sqlite"
    t0 = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
    box = Outbox(path)
    box.save([], seg(t0, t0 + timedelta(minutes=7), "payroll"), 1, "UTC")
    box.close()  # as a SIGKILL leaves it

    real_connect = sqlite3.connect

    def full_disk(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA max_page_count = 1")  # no file may grow past its size now
        return conn

    fill = full_disk(path, isolation_level=None)  # use up the free space in its pages
    old = t0.timestamp() - 8 * 3600
    with pytest.raises(sqlite3.OperationalError, match=FULL):
        for i in range(100_000):
            fill.execute(
                "INSERT INTO segments (start, end, start_ts, end_ts, category, app, state, keys,"
                " clicks, rules_version, timezone, sent) VALUES ('', '', ?, ?, 'payroll',"
                " 'excel', 'active', 0, 0, 1, 'UTC', 1)",
                (old + i, old + i + 1),
            )
    fill.close()

    monkeypatch.setattr(sqlite3, "connect", full_disk)
    box = Outbox(path)  # must not raise
    monkeypatch.undo()
    assert FULL in box.write_error
    assert box.open_checkpoint() is not None  # not lost, not yet recovered

    t1 = t0 + timedelta(minutes=20)
    assert not box.save([seg(t1, t1 + timedelta(minutes=1), "scheduling")], None, 1, "UTC")
    box._conn.execute("PRAGMA max_page_count = 1000000")  # space again
    new_open = seg(t1 + timedelta(minutes=1), t1 + timedelta(minutes=2), "payroll")
    assert box.save([], new_open, 1, "UTC")
    assert box.write_error is None
    mine = [(s.start, s.end, s.category) for s, _ in box.segments_since(t0.timestamp() - 1)]
    assert mine == [
        (t0, t0 + timedelta(minutes=7), "payroll"),  # the crashed run's checkpoint
        (t1, t1 + timedelta(minutes=1), "scheduling"),
    ]
    assert box.open_checkpoint() == new_open
    box.close()


def seg(start: datetime, end: datetime | None, category: str = "payroll") -> Segment:
    return Segment(start, end or start + timedelta(seconds=1), category, None, "excel", "active")
