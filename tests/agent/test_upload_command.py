"""``backlight-agent upload`` and the upload schedule in ``status``, with a real collector.

- no agent runs: ``upload`` sends what waits itself and prints what it sent;
- an agent runs (uploading hourly, so its own schedule cannot be what sends):
  ``upload`` asks it, it sends at once, and the CLI prints what it sent;
- ``status`` shows the upload interval and the next upload;
- the collector's own 429 (its per-device limit set low): ``upload`` says how
  long the collector asked to wait, ``status`` shows it, and an ``upload``
  before then does not even ask; every segment arrives once in the end.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from agent.config import Paths
from agent.outbox import Outbox
from shared.segments import Segment
from tests.agent.test_faults_collector_down import (
    TEST_SETTINGS,
    AgentProcess,
    collector_segments,
    start_collector,
    wait_for,
)
from tests.fixtures.collector_server import CollectorServer, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def queue_segments(agent: AgentProcess, n: int, minutes_ago: float = 30) -> None:
    """Segments recorded earlier and not sent yet, straight into the profile's outbox."""
    box = Outbox(Paths(agent.home / "config.json", agent.home / "data").outbox)
    end = datetime.now().astimezone() - timedelta(minutes=minutes_ago)
    segs = [
        Segment(end + timedelta(seconds=10 * i), end + timedelta(seconds=10 * i + 10),
                "payroll", None, "excel", "active", 1, 0)
        for i in range(n)
    ]  # fmt: skip
    assert box.save(segs, None, 0, "UTC")
    box.close()


def test_upload_without_a_running_agent_sends_and_says_what(tmp_path: Path):
    server = start_collector(tmp_path / "server")
    agent = AgentProcess(tmp_path / "agent")
    try:
        agent.enroll(server, "maria")
        queue_segments(agent, 3)
        out = agent.cli("upload")
        assert "sent 3 segment(s)" in out.stdout, out
        assert "nothing is waiting" in out.stdout or "0 segment(s) still queued" in out.stdout
        assert len(collector_segments(server, agent.device_id)) == 3
        again = agent.cli("upload")
        assert "nothing was waiting" in again.stdout, again
        status = agent.cli("status").stdout
        assert "upload every: 5 s" in status, status
    finally:
        server.stop()


def test_upload_asks_the_running_agent_which_sends_at_once(tmp_path: Path):
    server = start_collector(tmp_path / "server", **{"agent.upload_interval_s": 3600})
    agent = AgentProcess(tmp_path / "agent")
    try:
        agent.enroll(server, "maria")
        agent.start(cycle_s=0.5)  # segments close twice a second
        wait_for("the first round", lambda: agent.status()["next_upload_at"], timeout=20)
        snap = agent.status()
        assert snap["upload_interval_s"] == 3600
        next_at = datetime.fromisoformat(snap["next_upload_at"])
        assert timedelta(minutes=55) < next_at - datetime.now().astimezone() <= timedelta(hours=1)
        assert "upload every: 3600 s" in agent.cli("status").stdout
        wait_for("segments to wait", lambda: agent.status()["queue"]["segments"] >= 2, 20)
        before = len(collector_segments(server, agent.device_id))
        out = agent.cli("upload")
        assert "the running agent sent" in out.stdout, out
        sent = int(out.stdout.split("sent ", 1)[1].split(" segment")[0])
        assert sent >= 2
        assert len(collector_segments(server, agent.device_id)) >= before + sent
    finally:
        agent.stop_quietly()
        server.stop()


def test_the_collectors_429_is_waited_out_and_shown(tmp_path: Path):
    folder = tmp_path / "server"
    folder.mkdir()
    server = CollectorServer(
        folder / "collector.db",
        folder / "collector.log",
        env={"BACKLIGHT_RATE_LIMIT_DEVICE": "1 per 1 minute"},
    )
    run_cli(server.db, "team", "add", "ops")
    run_cli(server.db, "settings", "set", *(f"{k}={v}" for k, v in TEST_SETTINGS.items()))
    server.start()
    agent = AgentProcess(tmp_path / "agent")
    try:
        agent.enroll(server, "maria")
        queue_segments(agent, 2, minutes_ago=30)
        assert "sent 2 segment(s)" in agent.cli("upload").stdout  # the minute's one request
        queue_segments(agent, 2, minutes_ago=20)
        refused = agent.cli("upload", check=False)
        assert refused.returncode == 1
        assert "rate limited" in refused.stderr and "asked to wait" in refused.stderr, refused
        assert "2 segment(s) stay queued" in refused.stderr
        snap = agent.status()
        until = datetime.fromisoformat(snap["rate_limited_until"])
        assert timedelta(seconds=1) < until - datetime.now().astimezone() <= timedelta(minutes=1)
        assert "rate limited:" in agent.cli("status").stdout
        posts = server.log.read_text().count("POST /api/v1/summaries")  # the access log
        assert posts == 2  # the one let through, the one refused
        early = agent.cli("upload", check=False)
        assert early.returncode == 1 and "not asked again before" in early.stderr, early
        assert server.log.read_text().count("POST /api/v1/summaries") == posts
        # nothing lost, nothing doubled
        assert len(collector_segments(server, agent.device_id)) == 2
        assert agent.status()["queue"]["segments"] == 2
    finally:
        server.stop()


def test_enrolling_past_the_collectors_limit_says_when_to_try_again(tmp_path: Path):
    folder = tmp_path / "server"
    folder.mkdir()
    server = CollectorServer(
        folder / "collector.db",
        folder / "collector.log",
        env={"BACKLIGHT_RATE_LIMIT_ADDRESS": "1 per 1 minute"},
    )
    run_cli(server.db, "team", "add", "ops")
    server.start()
    try:
        token = run_cli(server.db, "token", "create", "--team", "ops", "--uses", "5").strip()
        first = AgentProcess(tmp_path / "a1")
        first.cli("enroll", "--collector", server.url, "--token", token, "--user", "maria")
        second = AgentProcess(tmp_path / "a2")
        out = second.cli(
            "enroll", "--collector", server.url, "--token", token, "--user", "ines", check=False
        )
        assert out.returncode == 1
        assert "rate limiting enrollments (429)" in out.stderr, out.stderr
        wait = int(out.stderr.split("try again in ", 1)[1].split(" s")[0])
        assert 1 <= wait <= 60
    finally:
        server.stop()
