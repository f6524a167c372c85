"""My week and My month in the tray (offscreen Qt) over a real collector process.

The figures are the ones worked by hand in
tests/collector/api/test_me_summary_range_api.py, seeded the same way: Mina's
last week (3 h 55 min; focus 3 h 45 min in 4 sessions, the longest 1 h 30
min of payroll; 1 interruption with 10 min away, 1 switch; payroll 4 pay
cycles at 30 min each). A colleague in her team, Nils, worked 5 h and logged
10 units: none of it may appear. The Xvfb test (test_tray_my_weeks_x11.py)
shows the same windows on a real desktop.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from agent.cli import main as agent_cli
from agent.config import Paths
from tests.agent.tray.conftest import WAIT_MS, CountingProbe
from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import now_iso

pytestmark = pytest.mark.slow


def last_monday() -> date:
    return day_at(date.today().weekday() + 7, 9).date()


def seed_weeks(collector, profile_config) -> date:
    """Mina's last week at the collector (she is the profile's person), and Nils's.
    Returns last week's Monday."""
    token = json.loads(profile_config.read_text())["device_token"]
    policy = collector.api("GET", "/policy", token).json()
    r = collector.api(
        "POST",
        "/consent",
        token,
        json={
            "decision": "granted",
            "consent_version": policy["consent"]["version"],
            "at": now_iso(),
        },
    )
    assert r.status_code == 200, r.text
    nils = collector.enroll("nils")
    ago = date.today().weekday() + 7
    posts = [
        (
            token,
            day_at(ago, 9),
            [("payroll", 90), ("communication", 10), ("payroll", 30), ("scheduling", 60)],
        ),
        (token, day_at(ago - 2, 13), [("timesheet_review", 45)]),
        (nils, day_at(ago, 8), [("payroll", 300)]),
    ]
    for who, start, steps in posts:
        r = collector.api("POST", "/summaries", who, json=batch(plan(start, steps)))
        assert r.status_code == 200, r.text
    monday = last_monday().isoformat()
    items = [
        {"date": monday, "function": "payroll", "units": 4, "employee": "mina"},
        {"date": monday, "function": "scheduling", "units": 2, "employee": "mina"},
        {"date": monday, "function": "payroll", "units": 10, "employee": "nils"},
        {"date": monday, "function": "payroll", "units": 100, "team": "ops"},
    ]
    r = collector.api("POST", "/output-units", collector.admin_key, json={"items": items})
    assert r.status_code == 200, r.text
    return last_monday()


def enroll_mina(collector, tmp_path) -> Paths:
    token = collector.cli("token", "create", "--team", "ops").strip()
    config = tmp_path / "profile" / "config.json"
    args = ["enroll", "--config", str(config), "--collector", collector.url, "--token", token]
    assert agent_cli([*args, "--user", "mina"]) == 0
    return Paths.resolve(config)


@pytest.fixture
def tray(qtbot, collector, tmp_path):
    from agent.core.facade import AgentCore
    from agent.tray.app import TrayApp

    paths = enroll_mina(collector, tmp_path)
    seed_weeks(collector, paths.config_file)
    probe = CountingProbe()
    app = TrayApp(AgentCore(paths, probe_factory=lambda: probe, input_factory=None))
    app.start()
    yield app
    app.shutdown()


def show(qtbot, window, back: int) -> None:
    window.present()
    for _ in range(back):
        qtbot.waitUntil(lambda: window.summary_state != "waiting", timeout=WAIT_MS)
        window.previous_button.click()
    qtbot.waitUntil(lambda: window.summary_state == "ok", timeout=WAIT_MS)


def test_my_week_shows_last_weeks_own_figures(qtbot, tray):
    monday = last_monday()
    tray.menu.my_week.trigger()
    w = tray.my_week
    assert w.isVisible() and w.windowTitle() == "Backlight — my week"
    assert w.range[0] == monday + timedelta(weeks=1)  # this week first
    assert not w.next_button.isEnabled()
    show(qtbot, w, back=1)
    assert w.range == (monday, monday + timedelta(days=6)) and w.next_button.isEnabled()

    facts = w.facts.text()
    assert "Total: <b>3 h 55 min</b>" in facts
    assert f"Longest focus: <b>1 h 30 min</b> of Payroll processing ({monday:%a %d %b})" in facts
    assert "Focus time: <b>3 h 45 min</b> in 4 sessions (15 min or more" in facts
    assert "Interruptions: <b>1</b> (10 min away); 1 switch between functions" in facts
    units = w.units.text()
    assert "Payroll processing: 4 pay cycles completed, <b>30 min</b> each" in units
    assert "Schedule building: 2 schedules published, <b>30 min</b> each" in units
    assert "Timesheet review: <span style='color:#6b7280'>no units logged" in units
    assert dict(w.functions_chart.rows) == pytest.approx(
        {"payroll": 7200, "scheduling": 3600, "timesheet_review": 2700, "communication": 600}
    )
    wednesday = monday + timedelta(days=2)
    assert w.days_chart.rows == [
        (f"{monday:%a %d}", pytest.approx(190 * 60)),
        (f"{wednesday:%a %d}", pytest.approx(45 * 60)),
    ]
    everything = facts + units + w.title.text()
    assert "nils" not in everything.lower() and "5 h" not in everything


def test_my_month_holds_the_same_week_and_says_when_the_collector_is_gone(qtbot, tray, collector):
    monday = last_monday()
    back = 0 if monday.month == date.today().month else 1
    tray.menu.my_month.trigger()
    w = tray.my_month
    show(qtbot, w, back=back)
    assert w.range[0] == monday.replace(day=1)
    # Wednesday may fall in the next month (Monday the 30th): then the month has Monday only.
    minutes = 235 if (monday + timedelta(days=2)).month == monday.month else 190
    total = f"{minutes // 60} h {minutes % 60:02d} min"
    assert f"Total: <b>{total}</b>" in w.facts.text()
    week_row = ("Week of " + monday.strftime("%d %b"), pytest.approx(minutes * 60))
    assert week_row in w.days_chart.rows
    assert tray.my_week.summary is None  # the month's answer is not the week window's

    collector.stop()
    w.refresh()
    qtbot.waitUntil(lambda: w.summary_state == "unreachable", timeout=WAIT_MS)
    assert "Collector unreachable" in w.status.text() and not w.functions_chart.isVisible()
