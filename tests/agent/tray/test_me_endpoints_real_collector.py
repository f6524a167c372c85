"""The collector's device endpoints do what the tray needs (a real collector process).

My day asks ``GET /me/summary`` for the employee's own totals; Log completed
work posts ``POST /me/output-units``. Both are driven here through the same
core calls the tray makes, against ``backlight-collector serve``.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from agent.cli import main as agent_cli
from agent.config import Paths
from agent.core.facade import AgentCore
from agent.platform.fixed import FixedProbe

pytestmark = pytest.mark.slow


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def core(collector, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKLIGHT_AGENT_POLL_S", "0.05")
    collector.cli("settings", "set", "agent.upload_interval_s=5")
    r = collector.api("POST", "/clients", collector.admin_key, json={"key": "acme", "name": "Acme"})
    assert r.status_code in (200, 201), r.text
    token = collector.cli("token", "create", "--team", "ops").strip()
    config = tmp_path / "profile" / "config.json"
    assert (
        agent_cli(
            [
                "enroll",
                "--config",
                str(config),
                "--collector",
                collector.url,
                "--token",
                token,
                "--user",
                "dana",
            ]
        )
        == 0
    )
    c = AgentCore(
        Paths.resolve(config),
        probe_factory=lambda: FixedProbe("excel", "Payroll run - Excel"),
        input_factory=None,
    )
    c.start()
    yield c
    c.stop()


def test_me_summary_returns_this_persons_totals_for_my_day(core, collector):
    assert core.collector_summary(date.today(), date.today())["categories"] == []
    core.grant_consent()
    time.sleep(1.5)  # a second and a half of payroll
    core.pause(15)  # closes the open segment
    core.upload_now()
    wait_for(lambda: core.state().queued_segments == 0 and core.state().last_upload_at)
    body = core.collector_summary(date.today(), date.today())
    assert body is not None
    assert [c["category"] for c in body["categories"]] == ["payroll"]
    assert 0 < body["total_hours"] * 3600 < 10
    assert set(body["interruptions"]) >= {"count", "away_minutes"}


def test_me_output_units_stores_the_employees_own_work_in_their_team(core, collector):
    assert [c.key for c in core.clients()] == ["acme"]
    core.log_work("payroll", 3, 1, client="acme")
    wait_for(lambda: core.state().pending_units == 0)
    assert core.state().last_error is None
    today = date.today().isoformat()
    rows = collector.store().output_units(None, today, today)
    assert rows == [
        {
            "date": today,
            "function": "payroll",
            "team": "ops",
            "employee": "dana",
            "client": "acme",
            "units": 3.0,
            "corrections": 1.0,
            "source": "employee",
        }
    ]


def test_the_summary_is_none_when_the_collector_is_gone(core, collector):
    collector.stop()
    assert core.collector_summary(date.today(), date.today()) is None
