"""The collector killed with -9 in the middle of ingest, ten times over.

Each round starts a real collector on the same database, four agents (one
thread each) post 20-segment batches back to back (as after a long time offline), and after a random
fraction of a second the process is killed with SIGKILL. A batch whose
answer did not arrive is sent again in a later round, as an agent would;
it may or may not have been stored before the kill. After the last round
every batch not yet acknowledged is sent once more, then: the database
passes integrity_check, every acknowledged batch is stored exactly once
with all its segments, no batch is stored in part, the retries stored
nothing twice, and the rollups sum to the segments.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from collector.store.sqlite.integrity import integrity_problems
from tests.collector.batches import batch, day_at, segment
from tests.fixtures.collector_server import CollectorServer, run_cli

pytestmark = pytest.mark.slow

ROUNDS = 10
AGENTS = 4
SEGMENTS = 20


def _plan(agent: int, n: int = 1000) -> list[dict]:
    """n batches of 20 15-second segments, back to back from five days ago."""
    t = day_at(5, 0) + timedelta(minutes=agent)  # distinct per agent, never overlapping
    out = []
    for _ in range(n):
        segs = []
        for i in range(SEGMENTS):
            segs.append(segment(t, 0.25, ("payroll", "invoicing", "scheduling")[i % 3]))
            t += timedelta(seconds=15)
        out.append(batch(segs))
    return out


def _epochs(body: dict) -> tuple[float, float]:
    segs = body["segments"]
    return (
        datetime.fromisoformat(segs[0]["start"]).timestamp(),
        datetime.fromisoformat(segs[-1]["end"]).timestamp(),
    )


class Agent:
    def __init__(self, token: str, plan: list[dict]):
        self.token = token
        self.pending = list(plan)  # in order; the head is retried until acknowledged
        self.acked: list[dict] = []
        self.duplicates = 0

    def run(self, server: CollectorServer, stop: threading.Event) -> None:
        while self.pending and not stop.is_set():
            body = self.pending[0]
            try:
                r = server.api("POST", "/summaries", self.token, json=body)
            except requests.RequestException:
                return  # the collector is gone; this batch is retried next round
            if r.status_code != 200:  # e.g. 503 while the kill lands
                return
            assert r.json()["accepted"] in (0, SEGMENTS), r.text
            self.duplicates += r.json()["duplicate"]
            self.acked.append(self.pending.pop(0))


def _check(db: Path, agents: list[Agent], device_of: dict[str, str]) -> None:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        assert integrity_problems(c) == []
        stored = {r[0]: r[1] for r in c.execute("SELECT batch_id, segment_count FROM batches")}
        for agent in agents:
            device = device_of[agent.token]
            for body in agent.acked:
                assert stored.get(body["batch_id"]) == SEGMENTS, "an acknowledged batch is lost"
            for body in agent.acked + agent.pending:
                start, end = _epochs(body)
                n = c.execute(
                    """SELECT COUNT(*) FROM segments
                       WHERE device_id = ? AND start >= ? AND start < ?""",
                    (device, start - 0.001, end),
                ).fetchone()[0]
                expected = SEGMENTS if body["batch_id"] in stored else 0
                assert n == expected, f"batch {body['batch_id']}: {n} segments stored"
        segments = c.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        assert segments == SEGMENTS * len(stored)
        seg_s = c.execute("SELECT SUM(end - start) FROM segments").fetchone()[0] or 0
        roll_s = c.execute("SELECT SUM(active_s + idle_s) FROM rollups").fetchone()[0] or 0
        assert roll_s == pytest.approx(seg_s)


def test_kill_9_during_ingest_loses_no_acknowledged_batch_and_keeps_no_partial(tmp_path: Path):
    server = CollectorServer(tmp_path / "c.db", tmp_path / "c.log")
    run_cli(server.db, "team", "add", "ops")
    server.start()
    rng = random.Random(13)
    tokens = [server.enroll(f"agent{i}") for i in range(AGENTS)]
    with sqlite3.connect(server.db) as c:
        ids = [r[0] for r in c.execute("SELECT id FROM devices ORDER BY created_at, rowid")]
    device_of = dict(zip(tokens, ids, strict=True))
    agents = [Agent(t, _plan(i)) for i, t in enumerate(tokens)]
    kills_mid_stream = 0
    try:
        for _round in range(ROUNDS):
            if server.proc is None:
                server.start()
            stop = threading.Event()
            threads = [threading.Thread(target=a.run, args=(server, stop)) for a in agents]
            before = sum(len(a.acked) for a in agents)
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.2, 0.7))
            server.proc.kill()  # SIGKILL: no handler, no cleanup
            server.proc.wait(10)
            stop.set()
            for t in threads:
                t.join(30)
            kills_mid_stream += sum(len(a.acked) for a in agents) > before
            server.stop()  # closes the log; the process is dead already
            _check(server.db, agents, device_of)

        server.start()
        stop = threading.Event()
        for agent in agents:  # the unanswered head once more, and two never sent
            agent.pending = agent.pending[:3]
            agent.run(server, stop)
            assert agent.pending == []
        _check(server.db, agents, device_of)
        assert kills_mid_stream == ROUNDS, "every kill landed while batches were flowing"
        acked = sum(len(a.acked) for a in agents)
        with sqlite3.connect(server.db) as c:
            assert c.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == acked
        print(
            f"{acked} batches acknowledged over {ROUNDS} kills, "
            f"{sum(a.duplicates for a in agents)} retries answered duplicate"
        )
    finally:
        server.stop()
