"""Tray tests: offscreen Qt, a scriptable collector, a probe that counts its calls.

``QT_QPA_PLATFORM=offscreen`` is set before pytest-qt makes the QApplication,
so these tests need no X server. The x11 tests start the real tray as a
subprocess with the desktop fixture's environment, which drops this variable.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from agent.cli import main as agent_cli  # noqa: E402
from agent.config import Paths  # noqa: E402
from agent.platform.base import Window  # noqa: E402
from tests.agent.core.test_uploader_fake_collector import (  # noqa: E402
    ENROLL_TOKEN,
    FakeCollector,
)


class CountingProbe:
    """A fixed window that counts how often it was asked: "no sample" is zero calls."""

    name = "counting"

    def __init__(self, app: str = "excel", title: str = "Payroll run - Excel"):
        self.window = Window(app, title)
        self.calls = 0
        self._lock = threading.Lock()

    def start(self) -> None: ...
    def close(self) -> None: ...

    def foreground(self) -> Window:
        with self._lock:
            self.calls += 1
        return self.window

    def idle_seconds(self) -> float:
        return 0.0

    def limitations(self) -> list[str]:
        return []


class FakeClock:
    """Local time that moves only when a test says so (pauses end without sleeping)."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime.now().astimezone().replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def advance(self, **kw: float) -> None:
        with self._lock:
            self.now += timedelta(**kw)


def real_consent_text(individual: bool = False) -> str:
    """The collector's own wording, so the tests read what employees read."""
    from collector.service.agent_policy import consent_text

    return consent_text(
        {
            "privacy.min_group_size": 5,
            "privacy.individual_reports": individual,
            "retention_days": 400,
        }
    )


@pytest.fixture
def fake_collector() -> Iterator[FakeCollector]:
    server = FakeCollector()
    server.policy["consent"]["text"] = real_consent_text()
    yield server
    server.stop()


@pytest.fixture
def profile(tmp_path: Path, fake_collector: FakeCollector, monkeypatch) -> Paths:
    """A fresh profile enrolled at the fake collector (consent not given)."""
    monkeypatch.setenv("BACKLIGHT_AGENT_POLL_S", "0.05")
    monkeypatch.delenv("BACKLIGHT_AGENT_PROBE", raising=False)
    config = tmp_path / "profile" / "config.json"
    rc = agent_cli(
        [
            "enroll",
            "--config",
            str(config),
            "--collector",
            fake_collector.url,
            "--token",
            ENROLL_TOKEN,
            "--user",
            "alice",
        ]
    )
    assert rc == 0
    return Paths.resolve(config)


@pytest.fixture
def probe() -> CountingProbe:
    return CountingProbe()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_tray(qtbot, profile: Paths, probe: CountingProbe, clock: FakeClock):
    """Build (and later shut down) a TrayApp over a real AgentCore."""
    from agent.core.facade import AgentCore
    from agent.tray.app import TrayApp

    made: list[TrayApp] = []

    def make(*, tray_available: bool = True, start: bool = True, paths: Paths = profile):
        core = AgentCore(paths, probe_factory=lambda: probe, input_factory=None, clock=clock)
        app = TrayApp(core, tray_available=tray_available)
        made.append(app)
        if start:
            app.start()
        return app

    yield make
    for app in made:
        app.shutdown()


def run_for(qtbot, clock: FakeClock, seconds: float, step: float = 2.0) -> None:
    """Let simulated time pass while the tracker samples: small steps (below the
    builder's 5 s gap) with a real poll between them, so segments grow as in life."""
    done = 0.0
    while done < seconds:
        clock.advance(seconds=step)
        done += step
        qtbot.wait(60)


def seed_day(paths: Paths, clock: FakeClock, plan: list[tuple[str, str, float]]) -> None:
    """Write earlier segments of today into the profile's outbox, ending at ``clock``.

    ``plan`` is (app, category, minutes) in order; what a morning of real
    tracking would have left behind, without simulating it second by second.
    """
    from agent.outbox import Outbox
    from shared.segments import Segment

    total = sum(m for _, _, m in plan)
    at = clock.now - timedelta(minutes=total)
    segs = []
    for app, category, minutes in plan:
        end = at + timedelta(minutes=minutes)
        segs.append(Segment(at, end, category, None, app, "active", int(minutes * 40), 0))
        at = end
    outbox = Outbox(paths.outbox)
    try:
        assert outbox.save(segs, None, 3, "UTC")
    finally:
        outbox.close()


# -- helpers the tray tests share ------------------------------------------------

WAIT_MS = 5000


def segments_in(tray) -> int:
    con = sqlite3.connect(tray.core.paths.outbox)
    try:
        return con.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
    finally:
        con.close()


def agree(qtbot, tray) -> None:
    qtbot.waitUntil(tray.consent_window.isVisible, timeout=WAIT_MS)
    qtbot.mouseClick(tray.consent_window.agree_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.bridge.state.tracking, timeout=WAIT_MS)
