"""A pause that runs out by itself must not linger in ``backlight-agent status``.

The tray pauses through the core, which notes ``paused_until`` in the outbox
for the CLI's status (and for a restart). When the tracker ends the pause by
itself, the note has to go too, or status keeps saying "paused until 10:15"
while the agent is tracking again.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from agent.config import Paths
from agent.core.consent import ConsentBook
from agent.core.facade import AgentCore
from agent.core.policy import PolicyStore
from agent.platform.fixed import FixedProbe
from agent.status import snapshot
from tests.agent.core.test_uploader_fake_collector import policy_body


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now().astimezone().replace(hour=10, minute=0, second=0, microsecond=0)
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            return self.now

    def advance(self, **kw: float) -> None:
        with self.lock:
            self.now += timedelta(**kw)


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_pause_that_runs_out_is_cleared_from_status(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKLIGHT_AGENT_POLL_S", "0.05")
    paths = Paths.resolve(tmp_path / "config.json").ensure()
    PolicyStore(paths.policy_cache).accept(policy_body(), None)  # a consent text, offline
    ConsentBook(paths.consent_file).decide("granted", 1)
    clock = Clock()
    core = AgentCore(
        paths, probe_factory=lambda: FixedProbe("excel", "x"), input_factory=None, clock=clock
    )
    core.start()
    try:
        wait_for(lambda: core.state().tracking)
        core.pause(15)
        assert snapshot(paths)["paused_until"] is not None
        clock.advance(minutes=15)
        wait_for(lambda: core.state().tracking)
        wait_for(lambda: snapshot(paths)["paused_until"] is None)
        assert snapshot(paths)["tracking"] is True
    finally:
        core.stop()


def test_a_pause_still_running_survives_a_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKLIGHT_AGENT_POLL_S", "0.05")
    paths = Paths.resolve(tmp_path / "config.json").ensure()
    PolicyStore(paths.policy_cache).accept(policy_body(), None)
    ConsentBook(paths.consent_file).decide("granted", 1)
    clock = Clock()

    def make() -> AgentCore:
        return AgentCore(
            paths, probe_factory=lambda: FixedProbe("excel", "x"), input_factory=None, clock=clock
        )

    core = make()
    core.start()
    core.pause(30)
    core.stop()
    core = make()
    core.start()
    try:
        state = core.state()
        assert state.paused and not state.tracking
        assert core.outbox.get_meta("paused_until") is not None  # not cleared at start
    finally:
        core.stop()
