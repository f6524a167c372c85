"""Auto-enrollment from the machine config, against a real collector process.

The real headless agent (``python -m agent --headless``) with a profile that
was never enrolled and a machine config (``BACKLIGHT_MACHINE_CONFIG``) naming
a collector and a token: it enrolls as the login name mapped through
``user_name``, tracks nothing until consent, and uploads after consent. A
collector that is down at first is waited for; a refused token is shown in
``status`` and the agent keeps running until the admin's new token arrives.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.config import Paths
from agent.core.auto_enroll import AutoEnroller, login_name
from tests.agent.test_faults_collector_down import (
    TEST_SETTINGS,
    AgentProcess,
    collector_segments,
    start_collector,
    wait_for,
)
from tests.fixtures.collector_server import CollectorServer, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class AutoAgent(AgentProcess):
    """An agent profile with a machine config, started without waiting for tracking."""

    def __init__(self, home: Path, machine: Path):
        super().__init__(home)
        self.machine = machine
        self.env["BACKLIGHT_MACHINE_CONFIG"] = str(machine)
        self.env["BACKLIGHT_AGENT_ENROLL_RETRY_S"] = "0.3"
        self.env["BACKLIGHT_AGENT_PROBE"] = "fake:excel:Payroll run - Excel"

    def write_machine_config(self, url: str, token: str, user_name: str = "{login}") -> None:
        self.machine.write_text(
            f'collector_url = "{url}"\nenrollment_token = "{token}"\nuser_name = "{user_name}"\n'
        )

    def launch(self) -> None:
        log = open(self.log, "ab")  # noqa: SIM115 - the child holds its own copy
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "agent", "--headless"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def alive_status(self) -> dict:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"agent exited {self.proc.returncode}: {self.log.read_text()}")
        return self.status()


@pytest.fixture
def auto_agent(tmp_path: Path):
    agent = AutoAgent(tmp_path / "agent", tmp_path / "agent.toml")
    yield agent
    agent.stop_quietly()


def people(server: CollectorServer) -> list[str]:
    return [d["person"] for d in server.store().devices()]


def test_enrolls_as_the_mapped_login_waits_for_consent_then_uploads(tmp_path, auto_agent):
    server = start_collector(tmp_path / "server")
    try:
        token = server.cli("token", "create", "--team", "ops", "--uses", "1").strip()
        auto_agent.write_machine_config(server.url, token, "{login}@corp.example")
        auto_agent.launch()
        snap = wait_for(
            "auto-enrollment",
            lambda: auto_agent.alive_status()["enrolled"] and auto_agent.status(),
            timeout=20,
        )
        assert people(server) == [f"{login_name()}@corp.example"]
        assert snap["device_id"] == server.store().devices()[0]["id"]
        text = auto_agent.cli("status").stdout
        assert f"device:       {snap['device_id']}" in text
        time.sleep(1.0)  # a while with no consent: nothing may be tracked
        snap = auto_agent.status()
        assert snap["running"] and not snap["tracking"] and snap["consent"] == "none"
        assert not collector_segments(server, snap["device_id"])

        auto_agent.cli("consent", "grant")
        wait_for("tracking", lambda: auto_agent.alive_status()["tracking"], timeout=20)
        time.sleep(1.0)
        auto_agent.terminate()
        assert collector_segments(server, snap["device_id"]), auto_agent.log.read_text()[-2000:]
        assert len(server.store().devices()) == 1  # enrolled once, not at every start
        auto_agent.launch()
        wait_for("tracking again", lambda: auto_agent.alive_status()["tracking"], timeout=20)
        assert len(server.store().devices()) == 1
    finally:
        server.stop()


def test_a_collector_that_is_down_at_first_is_retried_until_it_answers(tmp_path, auto_agent):
    folder = tmp_path / "server"
    folder.mkdir()
    server = CollectorServer(folder / "collector.db", folder / "collector.log")
    run_cli(server.db, "team", "add", "ops")
    run_cli(server.db, "settings", "set", *(f"{k}={v}" for k, v in TEST_SETTINGS.items()))
    token = run_cli(server.db, "token", "create", "--team", "ops").strip()
    auto_agent.write_machine_config(server.url, token)  # its port, nothing listening yet
    auto_agent.launch()
    try:
        snap = wait_for(
            "a failed first try",
            lambda: (s := auto_agent.alive_status())["auto_enrollment"] and s,
            timeout=20,
        )
        assert snap["auto_enrollment"]["state"] == "retrying", snap
        assert "cannot reach the collector" in auto_agent.cli("status").stdout
        time.sleep(1.5)  # several failed tries: the agent must still be there
        auto_agent.alive_status()
        server.start()
        wait_for("auto-enrollment", lambda: auto_agent.alive_status()["enrolled"], timeout=30)
        assert people(server) == [login_name()]
        assert auto_agent.status()["auto_enrollment"] is None
    finally:
        server.stop()


def test_a_refused_token_shows_in_status_and_a_new_token_is_picked_up(tmp_path, auto_agent):
    server = start_collector(tmp_path / "server")
    try:
        used = server.cli("token", "create", "--team", "ops", "--uses", "1").strip()
        server.api(
            "POST",
            "/enroll",
            json={
                "enrollment_token": used,
                "hostname": "other-pc",
                "os": "linux",
                "agent_version": "test",
                "user": "someone-else",
            },
        ).raise_for_status()
        auto_agent.write_machine_config(server.url, used)
        auto_agent.launch()
        snap = wait_for(
            "the refusal",
            lambda: (s := auto_agent.alive_status())["auto_enrollment"] and s,
            timeout=20,
        )
        assert snap["auto_enrollment"]["state"] == "refused", snap
        assert snap["auto_enrollment"]["status"] in (401, 403)
        assert "auto-enroll:  REFUSED" in auto_agent.cli("status").stdout
        assert "refused" in auto_agent.log.read_text()
        time.sleep(1.0)  # refused is final for this token: no retries pile up
        assert people(server) == ["someone-else"]

        fresh = server.cli("token", "create", "--team", "ops").strip()
        auto_agent.write_machine_config(server.url, fresh)
        wait_for(
            "enrollment with the new token",
            lambda: auto_agent.alive_status()["enrolled"],
            timeout=30,
        )
        assert sorted(people(server)) == sorted(["someone-else", login_name()])
    finally:
        server.stop()


def test_a_chosen_profile_ignores_the_machine_config_unless_named(tmp_path, monkeypatch):
    paths = Paths(tmp_path / "config.json", tmp_path / "data")
    monkeypatch.delenv("BACKLIGHT_MACHINE_CONFIG", raising=False)
    assert AutoEnroller.for_default_profile(chosen_profile=True)(paths) is None
    assert isinstance(AutoEnroller.for_default_profile(chosen_profile=False)(paths), AutoEnroller)
    monkeypatch.setenv("BACKLIGHT_MACHINE_CONFIG", str(tmp_path / "agent.toml"))
    assert isinstance(AutoEnroller.for_default_profile(chosen_profile=True)(paths), AutoEnroller)


def test_a_broken_machine_config_is_recorded_not_fatal(tmp_path, monkeypatch):
    machine = tmp_path / "agent.toml"
    machine.write_text("collector_url = 3\n")
    monkeypatch.setenv("BACKLIGHT_MACHINE_CONFIG", str(machine))
    paths = Paths(tmp_path / "config.json", tmp_path / "data")
    assert AutoEnroller(paths).attempt() == "invalid"
    state = json.loads((paths.data_dir / "auto_enroll.json").read_text())
    assert "collector_url must be a string" in state["error"]
