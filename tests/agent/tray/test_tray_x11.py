"""The real tray app on a real X desktop (Xvfb + openbox + tint2) against a real collector.

Each test starts ``backlight-agent`` (no arguments: the tray) as its own
process with a fresh profile (``BACKLIGHT_AGENT_HOME``) and the fixed test
probe (``BACKLIGHT_AGENT_PROBE``), drives it from outside with xdotool the way
a person would, and checks what reached the collector. The same runs make the
screenshots in docs/screenshots/ (``BACKLIGHT_TRAY_SCREENSHOTS``).
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from agent.core.tracker import local_now, local_timezone_name
from agent.outbox import Outbox
from shared.segments import Segment
from tests.fixtures.screenshots import SCREENSHOTS as DOCS

pytestmark = [pytest.mark.x11, pytest.mark.slow]

AGENT = str(Path(sys.executable).with_name("backlight-agent"))
PROBE = "fake:excel:Payroll run - Excel"


def wait_for(condition, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Agent:
    """A profile and the agent commands run on it, as an employee's session would."""

    def __init__(self, home: Path, desktop, shots: Path):
        self.home = home
        self.shots = shots
        self.log = home.parent / f"{home.name}-tray.log"
        self.env = {
            **desktop.env,
            "BACKLIGHT_AGENT_HOME": str(home),
            "BACKLIGHT_AGENT_POLL_S": "0.2",
            "BACKLIGHT_AGENT_PROBE": PROBE,
            "BACKLIGHT_TRAY_SCREENSHOTS": str(shots),
        }
        self.proc: subprocess.Popen | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        out = subprocess.run(
            [AGENT, *args], env=self.env, capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, out.stderr
        return out

    def enroll(self, collector, user: str) -> None:
        token = collector.cli("token", "create", "--team", "ops").strip()
        self.cli("enroll", "--collector", collector.url, "--token", token, "--user", user)

    def start_tray(self) -> subprocess.Popen:
        log = open(self.log, "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen([AGENT], env=self.env, stdout=log, stderr=log)
        log.close()
        return self.proc

    def stop_tray(self) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("the tray did not stop on SIGTERM") from None

    def status(self) -> dict:
        return json.loads(self.cli("status", "--json").stdout)

    def local_segments(self) -> int:
        path = self.home / "data" / "outbox.sqlite"
        if not path.exists():
            return 0
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return sum(
                con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("segments", "open_segment")
            )
        finally:
            con.close()

    def shot(self, name: str) -> Path:
        path = self.shots / name
        wait_for(path.exists, what=f"screenshot {name}")
        size = -1
        while path.stat().st_size != size:  # written whole
            size = path.stat().st_size
            time.sleep(0.2)
        return path


def collector_segments(collector) -> list[dict]:
    con = sqlite3.connect(f"file:{collector.db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM segments")]
    finally:
        con.close()


def tray_icon(desktop) -> int:
    """The icon's own X window, embedded in tint2's tray: Qt names it after the app.
    (So is a message balloon, which is larger: the icon is the small one.)"""

    def find():
        found = desktop.xdotool("search", "--onlyvisible", "--class", "backlight", check=False)
        for wid in found.split():
            if desktop.xdotool("getwindowname", wid, check=False) != "Backlight":
                continue
            _, _, w, h = desktop.window_geometry(int(wid))
            if w <= 64 and h <= 64:
                return int(wid)
        return None

    return wait_for(find, what="the tray icon")


def open_tray_menu(desktop, agent: Agent) -> Path:
    """Click the icon in tint2's tray, as a person would, until the menu shows.

    A person clicks again when the first click goes nowhere; so do we (a click
    that lands while the panel is still settling can be lost)."""
    x, y, w, h = desktop.window_geometry(tray_icon(desktop))
    shot = agent.shots / "tray-menu.png"
    for _ in range(3):
        desktop.xdotool("mousemove", str(x - 300), str(y - 300))  # --sync hangs if unmoved
        desktop.click(x + w // 2, y + h // 2)
        try:
            wait_for(shot.exists, timeout=4, what="the tray menu")
        except AssertionError:
            continue
        return agent.shot("tray-menu.png")
    raise AssertionError(f"the tray menu did not open; log: {agent.log.read_text()[-2000:]}")


@pytest.fixture
def agent(tray_desktop, collector, tmp_path):
    collector.cli("settings", "set", "agent.upload_interval_s=5")
    a = Agent(tmp_path / "home", tray_desktop, tmp_path / "shots")
    yield a
    a.stop_tray()


def test_real_tray_asks_consent_first_then_segments_reach_the_collector(
    agent, tray_desktop, collector
):
    agent.enroll(collector, "erin")
    agent.start_tray()
    wid = tray_desktop.find("Backlight — consent", timeout=20)
    agent.shot("tray-consent.png")

    # While the window is open: nothing sampled, nothing stored, nothing sent.
    time.sleep(2.0)  # ten polls
    assert agent.local_segments() == 0
    assert collector_segments(collector) == []
    status = agent.status()
    assert status["running"] and not status["tracking"] and status["consent"] == "none"

    tray_desktop.key("alt+a", window=wid)  # Agree, by keyboard
    wait_for(lambda: agent.status()["tracking"], what="tracking after Agree")
    wait_for(
        lambda: (
            not tray_desktop.xdotool("search", "--onlyvisible", "--name", "consent", check=False)
        ),
        what="the consent window to close",
    )
    time.sleep(1.5)  # some payroll time

    open_tray_menu(tray_desktop, agent)  # a real click on the icon in tint2's tray
    tray_desktop.key("Down", "Down", "Return")  # past the status line: Pause for 15 minutes
    wait_for(lambda: agent.status()["paused_until"], what="the pause")

    segs = wait_for(lambda: collector_segments(collector), timeout=30, what="segments")
    assert {(s["category"], s["app"], s["state"]) for s in segs} == {("payroll", "excel", "active")}
    assert not any("Payroll run" in str(v) for s in segs for v in s.values())  # no titles
    assert agent.stop_tray() == 0
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(agent.shots / "tray-consent.png", DOCS / "tray-consent.png")


def seed_morning(agent: Agent) -> None:
    """What a morning of tracking leaves in the outbox, so My day has a day to show."""
    now = local_now().replace(microsecond=0)
    plan = [
        ("excel", "payroll", 52),
        ("outlook", "communication", 6),
        ("excel", "payroll", 38),
        ("teams", "communication", 9),
        ("wfm", "scheduling", 41),
        ("zoom", "meetings", 30),
        ("excel", "timesheet_review", 24),
        ("chrome", "other_work", 12),
    ]
    start = now - timedelta(minutes=sum(m for _, _, m in plan) + 1)
    if start.date() != now.date():  # just after midnight: a shorter morning
        start = now.replace(hour=0, minute=0, second=1)
    segs, at = [], start
    for app, category, minutes in plan:
        end = min(at + timedelta(minutes=minutes), now - timedelta(seconds=30))
        if end <= at:
            break
        segs.append(Segment(at, end, category, None, app, "active", minutes * 35, minutes * 9))
        at = end
    outbox = Outbox(agent.home / "data" / "outbox.sqlite")
    try:
        assert outbox.save(segs, None, 1, local_timezone_name())
    finally:
        outbox.close()


def test_real_tray_with_consent_granted_tracks_at_once_and_shows_my_day(
    agent, tray_desktop, collector
):
    """The benchmark's set-up: enroll, ``consent grant``, then ``backlight-agent``."""
    r = collector.api("POST", "/clients", collector.admin_key, json={"key": "acme", "name": "Acme"})
    assert r.status_code in (200, 201), r.text
    agent.enroll(collector, "farid")
    agent.cli("consent", "grant")
    seed_morning(agent)
    agent.start_tray()
    wait_for(lambda: agent.status()["tracking"], what="tracking without asking")
    assert not tray_desktop.xdotool("search", "--onlyvisible", "--name", "consent", check=False)
    wait_for(lambda: len(collector_segments(collector)) >= 8, timeout=30, what="the morning")
    time.sleep(1.0)

    menu_shot = open_tray_menu(tray_desktop, agent)
    tray_desktop.key("Escape")

    # A second start does not run twice: it asks the first to show itself (My day).
    second = subprocess.run([AGENT], env=agent.env, capture_output=True, text=True, timeout=30)
    assert second.returncode == 0 and "already running" in second.stderr
    tray_desktop.find("Backlight — my day", timeout=20)
    day_shot = agent.shot("tray-my-day.png")
    assert agent.proc.poll() is None

    assert agent.stop_tray() == 0
    assert agent.status()["running"] is False
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(menu_shot, DOCS / "tray-menu.png")
    shutil.copyfile(day_shot, DOCS / "tray-my-day.png")


def test_without_a_system_tray_the_real_app_opens_a_status_window(desktop, collector, tmp_path):
    desktop.stop_tray_host()  # openbox alone: no tray
    a = Agent(tmp_path / "home", desktop, tmp_path / "shots")
    a.enroll(collector, "gita")
    a.cli("consent", "grant")
    a.start_tray()
    try:
        desktop.find("Backlight — status", timeout=20)
        wait_for(lambda: a.status()["tracking"], what="tracking")
        assert "no system tray" in a.log.read_text()
    finally:
        assert a.stop_tray() == 0
