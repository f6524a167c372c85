"""My week and My month in the real tray on a real X desktop, over a real collector.

The employee opens the menu with a real click, picks "My week…" by its
mnemonic, steps back to last week with Alt+P (the seeded week of
test_tray_my_weeks_real_collector.py), then does the same in "My month…".
The tray says in its log which range it showed and that the collector
answered; the screenshots are tray-my-week.png and tray-my-month.png.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest

from tests.agent.tray.test_tray_my_weeks_real_collector import last_monday, seed_weeks
from tests.agent.tray.test_tray_x11 import Agent, open_tray_menu, wait_for
from tests.fixtures.screenshots import SCREENSHOTS as DOCS

pytestmark = [pytest.mark.x11, pytest.mark.slow]


def shown(agent: Agent, period: str, start: date, end: date) -> bool:
    return f"my {period} {start}..{end}: ok" in agent.log.read_text(errors="replace")


def open_window(desktop, agent: Agent, key: str, title: str) -> int:
    (agent.shots / "tray-menu.png").unlink(missing_ok=True)
    open_tray_menu(desktop, agent)
    desktop.key(key)
    wid = desktop.find(title, timeout=20)
    desktop.focus(wid)
    return wid


def step_back(desktop, agent: Agent, shot: str, wid: int) -> None:
    """Alt+P (Previous) once the current answer is in; wait for the new picture."""
    agent.shot(shot)
    (agent.shots / shot).unlink()
    desktop.key("alt+p", window=wid)


def test_my_week_and_my_month_in_the_real_tray(tray_desktop, collector, tmp_path):
    collector.cli("settings", "set", "agent.upload_interval_s=5")
    agent = Agent(tmp_path / "profile", tray_desktop, tmp_path / "shots")
    agent.enroll(collector, "mina")
    agent.cli("consent", "grant")
    monday = seed_weeks(collector, agent.home / "config.json")
    this_monday = monday + timedelta(weeks=1)
    agent.start_tray()
    try:
        wait_for(lambda: agent.status()["tracking"], what="tracking")

        wid = open_window(tray_desktop, agent, "w", "Backlight — my week")
        wait_for(
            lambda: shown(agent, "week", this_monday, this_monday + timedelta(days=6)),
            what="this week",
        )
        step_back(tray_desktop, agent, "tray-my-week.png", wid)
        wait_for(lambda: shown(agent, "week", monday, monday + timedelta(days=6)), what="last week")
        week_shot = shutil.copyfile(agent.shot("tray-my-week.png"), tmp_path / "week.png")
        tray_desktop.key("alt+c", window=wid)  # Close

        wid = open_window(tray_desktop, agent, "t", "Backlight — my month")
        first = date.today().replace(day=1)
        if monday.month != date.today().month:
            step_back(tray_desktop, agent, "tray-my-month.png", wid)
            first = monday.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        wait_for(
            lambda: shown(agent, "month", first, following - timedelta(days=1)),
            what="the month",
        )
        month_shot = shutil.copyfile(agent.shot("tray-my-month.png"), tmp_path / "month.png")
        assert agent.proc.poll() is None
    finally:
        assert agent.stop_tray() == 0
    assert last_monday() == monday
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(week_shot, DOCS / "tray-my-week.png")
    shutil.copyfile(month_shot, DOCS / "tray-my-month.png")
