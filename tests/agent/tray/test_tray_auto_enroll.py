"""The real tray, never enrolled, with a machine config: it enrolls itself and asks consent.

What an employee meets at the first login after the admin's silent install:
no command typed, the consent window opens on its own once the agent has
enrolled from the machine config, and tracking starts only after Agree.
"""

from __future__ import annotations

import time

import pytest

from agent.core.auto_enroll import login_name
from tests.agent.tray.test_tray_x11 import Agent, collector_segments, wait_for

pytestmark = [pytest.mark.x11, pytest.mark.slow]


def test_the_tray_enrolls_from_the_machine_config_then_shows_consent(
    tray_desktop, collector, tmp_path
):
    collector.cli("settings", "set", "agent.upload_interval_s=5")
    token = collector.cli("token", "create", "--team", "ops", "--uses", "1").strip()
    machine = tmp_path / "agent.toml"
    machine.write_text(
        f'collector_url = "{collector.url}"\nenrollment_token = "{token}"\n'
        'user_name = "{login}@corp.example"\n'
    )
    agent = Agent(tmp_path / "home", tray_desktop, tmp_path / "shots")
    agent.env["BACKLIGHT_MACHINE_CONFIG"] = str(machine)
    try:
        agent.start_tray()
        wid = tray_desktop.find("Backlight — consent", timeout=30)
        (device,) = collector.store().devices()
        assert device["person"] == f"{login_name()}@corp.example"
        assert agent.status()["device_id"] == device["id"]
        time.sleep(1.0)
        assert not agent.status()["tracking"] and collector_segments(collector) == []

        tray_desktop.key("alt+a", window=wid)  # Agree
        wait_for(lambda: agent.status()["tracking"], what="tracking after Agree")
        time.sleep(1.5)
    finally:
        assert agent.stop_tray() == 0, agent.log.read_text()[-2000:]
    # The fixed probe never switches windows: quitting closes the segment and sends it.
    assert collector_segments(collector), agent.log.read_text()[-2000:]
