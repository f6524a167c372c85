"""A batch that can never be accepted is quarantined, shown, and blocks nothing.

Two such batches are put in a real agent's outbox before it starts, as an
older agent version or a wrong clock could have left them:

* one the real collector refuses with 400: its segment ends an hour in the
  future (the collector accepts at most its own clock plus five minutes);
* one the agent itself refuses before sending (a category this version does
  not know), which must be kept in quarantine too, not dropped.

Then the agent runs against a real collector: both batches are quarantined
and listed by `backlight-agent status`, and every segment recorded meanwhile
still reaches the collector, once.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta

import pytest

from tests.agent.test_faults_collector_down import (
    AgentProcess,
    agent_home,  # noqa: F401 - fixture
    assert_same_segments_once,
    collector_segments,
    fast_collector,  # noqa: F401 - fixture
    wait_for,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def inject_batch(agent: AgentProcess, batch_id: str, start: datetime, category: str) -> None:
    end = start + timedelta(seconds=60)
    with agent.outbox() as c:
        c.execute(
            "INSERT INTO batches (batch_id, created_at, rules_version, timezone) "
            "VALUES (?, ?, 1, 'UTC')",
            (batch_id, datetime.now().astimezone().isoformat()),
        )
        c.execute(
            "INSERT INTO segments (start, end, start_ts, end_ts, category, client, app, state, "
            "keys, clicks, rules_version, timezone, batch_id) "
            "VALUES (?, ?, ?, ?, ?, NULL, 'excel', 'active', 3, 1, 1, 'UTC', ?)",
            (
                start.isoformat(),
                end.isoformat(),
                start.timestamp(),
                end.timestamp(),
                category,
                batch_id,
            ),
        )


def test_refused_batches_are_quarantined_shown_and_the_rest_keep_flowing(
    fast_collector,  # noqa: F811
    agent_home,  # noqa: F811
):
    server, agent = fast_collector, agent_home
    agent.enroll(server, "gina", checkpoint_s=1)
    now = datetime.now().astimezone()
    inject_batch(agent, "future-batch-0001", now + timedelta(hours=1), "payroll")
    inject_batch(agent, "unknown-category-0001", now - timedelta(hours=1), "teleportation")

    agent.start(cycle_s=1.5)
    wait_for("two quarantined batches", lambda: len(agent.status()["quarantined"]) == 2, timeout=20)
    before = len(collector_segments(server, agent.device_id))
    time.sleep(7)  # more than one upload interval
    assert len(collector_segments(server, agent.device_id)) >= before + 3, "nothing flows"

    snap = agent.status()
    assert snap["running"] and snap["tracking"]
    held = {q["batch_id"]: q for q in snap["quarantined"]}
    assert set(held) == {"future-batch-0001", "unknown-category-0001"}
    assert held["future-batch-0001"]["status_code"] == 400
    assert "future" in held["future-batch-0001"]["error"]
    assert held["unknown-category-0001"]["status_code"] is None
    assert "refused locally" in held["unknown-category-0001"]["error"]
    assert all(q["segments"] == 1 for q in held.values())
    text = agent.cli("status").stdout
    assert "quarantined:  2 batch(es)" in text
    assert "future-batch-0001: 1 segment(s), 400:" in text

    _, code, _ = agent.terminate()
    assert code == 0
    rows = assert_same_segments_once(agent, server)  # all but the quarantined two
    assert len(rows) >= 6
    assert max(e for _, e, *_ in rows) < time.time() + 1  # the future one was not stored
    with agent.outbox() as c:  # kept, never silently dropped
        kept = c.execute(
            "SELECT COUNT(*) FROM segments WHERE batch_id IN "
            "('future-batch-0001', 'unknown-category-0001')"
        ).fetchone()[0]
    assert kept == 2


def test_a_batch_whose_id_the_collector_holds_with_other_content_is_quarantined(
    fast_collector,  # noqa: F811
    agent_home,  # noqa: F811
):
    """409 batch_id_reused: kept in quarantine, said in status, the collector's copy
    untouched (before, the agent took the 200 "duplicate" and marked it sent)."""
    server, agent = fast_collector, agent_home
    agent.enroll(server, "hugo", checkpoint_s=1)
    start = datetime.now().astimezone().replace(microsecond=0) - timedelta(hours=2)
    held_there = {
        "batch_id": "reused-batch-0001",
        "sent_at": datetime.now().astimezone().isoformat(),
        "rules_version": 1,
        "timezone": "UTC",
        "segments": [
            {
                "start": start.isoformat(),
                "end": (start + timedelta(seconds=60)).isoformat(),
                "category": "invoicing",
                "app": "excel",
                "state": "active",
                "keys": 3,
                "clicks": 1,
            }
        ],
    }
    r = server.api("POST", "/summaries", agent.config["device_token"], json=held_there)
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    inject_batch(agent, "reused-batch-0001", start, "payroll")  # the same id, other content

    agent.start(cycle_s=1.5)
    wait_for("a quarantined batch", lambda: len(agent.status()["quarantined"]) == 1, timeout=20)
    (held,) = agent.status()["quarantined"]
    assert held["batch_id"] == "reused-batch-0001" and held["status_code"] == 409
    assert held["reason"].startswith("batch_id_reused: ")
    text = agent.cli("status").stdout
    assert (
        "reused-batch-0001: 1 segment(s), 409: batch_id_reused: the collector already holds "
        "a different batch under this id" in text
    ), text
    _, code, _ = agent.terminate()
    assert code == 0
    theirs = [
        r for r in collector_segments(server, agent.device_id) if r["start"] == start.timestamp()
    ]
    assert [r["category"] for r in theirs] == ["invoicing"]  # the collector's copy, unchanged
    with agent.outbox() as c:  # kept, not marked sent
        kept = c.execute(
            "SELECT sent FROM segments WHERE batch_id = 'reused-batch-0001'"
        ).fetchall()
    assert [k[0] for k in kept] == [0]
