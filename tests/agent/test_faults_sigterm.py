"""SIGTERM (logout, shutdown, `systemctl stop`): the open segment is closed at
that moment, written, and sent in one last upload before the process exits 0.

The real `backlight-agent --headless` with the fixed test probe: its one
segment closes only when the agent stops, so whatever the collector holds
afterwards came from the shutdown path. When the collector does not answer,
the agent still exits promptly and the segment waits in the outbox for the
next start.
"""

from __future__ import annotations

import socket
import sys
import time

import pytest

from agent.service import FINAL_UPLOAD_TIMEOUT_S
from tests.agent.test_faults_collector_down import (
    agent_home,  # noqa: F401 - fixture
    assert_same_segments_once,
    collector_segments,
    fast_collector,  # noqa: F401 - fixture
    wait_for,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def test_sigterm_closes_writes_and_sends_the_open_segment(
    fast_collector,  # noqa: F811
    agent_home,  # noqa: F811
):
    server, agent = fast_collector, agent_home
    agent.enroll(server, "hana")  # production checkpoint (60 s): no help from it here
    agent.start()
    time.sleep(3)
    assert collector_segments(server, agent.device_id) == []
    at, code, took = agent.terminate()
    assert code == 0
    assert took < FINAL_UPLOAD_TIMEOUT_S + 2, took

    rows = assert_same_segments_once(agent, server)
    assert len(rows) == 1
    start, end, category, app = rows[0]
    assert (category, app) == ("payroll", "excel")
    assert agent.started_at < start and at - agent.poll_s - 0.3 <= end <= at + 0.3
    snap = agent.status()
    assert not snap["running"] and snap["queue"]["segments"] == 0
    assert snap["last_upload_at"] and not snap["last_error"]
    assert "stopped; 0 segment(s) still queued" in agent.log.read_text()


def test_sigterm_with_the_collector_silent_exits_promptly_and_keeps_the_segment(
    fast_collector,  # noqa: F811
    agent_home,  # noqa: F811
):
    server, agent = fast_collector, agent_home
    agent.enroll(server, "ivan")
    with socket.socket() as hole:  # accepts connections, never answers
        hole.bind(("127.0.0.1", 0))
        hole.listen(16)
        agent.update_config(collector_url=f"http://127.0.0.1:{hole.getsockname()[1]}")
        agent.start()
        time.sleep(2)
        at, code, took = agent.terminate(timeout=30)
    assert code == 0
    # The service thread may be stuck in a request: the core waits 5 s for its
    # threads, then tries the last upload for at most FINAL_UPLOAD_TIMEOUT_S.
    assert took < 5 + FINAL_UPLOAD_TIMEOUT_S + 2, took
    snap = agent.status()
    assert snap["queue"]["segments"] == 1, snap
    assert "1 segment(s) still queued" in agent.log.read_text()

    agent.update_config(collector_url=server.url)
    agent.start()
    wait_for("the kept segment", lambda: collector_segments(server, agent.device_id), 15)
    agent.terminate()
    rows = assert_same_segments_once(agent, server)
    assert len(rows) == 2
    assert at - agent.poll_s - 0.3 <= rows[0][1] <= at + 0.3
