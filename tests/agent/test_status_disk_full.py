"""``backlight-agent status`` on a full disk: it says so, and says it no longer once freed.

The profile lives on a small tmpfs (``tests/fixtures/small_disk.py``) that a
ballast file fills to the last byte, with a real headless agent running on
it against a real collector: ``status`` still answers (exit 0, no traceback),
names the folder and the free space, and the agent is still running.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.agent.test_faults_collector_down import AgentProcess, start_collector
from tests.fixtures.small_disk import fill, small_disk  # noqa: F401 - fixture

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="tmpfs")


def test_status_shows_a_full_disk_and_the_agent_keeps_running(tmp_path: Path, small_disk: Path):  # noqa: F811
    server = start_collector(tmp_path / "server")
    agent = AgentProcess(small_disk / "agent")
    try:
        agent.enroll(server, "maria")
        agent.start()
        assert agent.status()["disk"]["full"] is False
        assert "disk:" not in agent.cli("status").stdout
        ballast = fill(small_disk)
        snap = agent.status()
        assert snap["disk"]["full"] is True and snap["disk"]["free_bytes"] < 1 << 20
        assert snap["disk"]["folder"] == str(agent.home / "data")
        text = agent.cli("status").stdout
        line = next(x for x in text.splitlines() if x.startswith("disk:"))
        assert "FULL" in line and str(agent.home / "data") in line, text
        assert snap["running"] is True and agent.proc.poll() is None
        ballast.unlink()
        assert agent.status()["disk"]["full"] is False
        assert "disk:" not in agent.cli("status").stdout
    finally:
        agent.stop_quietly()
        server.stop()
