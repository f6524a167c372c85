"""The collector goes away and comes back: every segment arrives exactly once.

A real collector process (``backlight-collector serve``) and a real headless
agent process. The collector is killed (SIGKILL, no goodbye) while the agent
records, stays away while the agent keeps recording and retrying, and comes
back on the same port with the same database. Afterwards the agent's outbox
(which keeps today's sent segments) and the collector's database must hold
the same segments, each once.

The helpers at the top are shared by the other ``test_faults_*`` modules: a
collector with test settings, and an agent profile run as a subprocess.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fixtures.collector_server import CollectorServer, run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

AGENT = [sys.executable, "-m", "agent"]
FAST_POLL_S = 0.25
#: Collector settings for tests: uploads every 5 s (the agent's floor), and
#: reports for a single person.
TEST_SETTINGS = {
    "agent.upload_interval_s": 5,
    "privacy.min_group_size": 1,
    "privacy.individual_reports": "true",
}

#: The real headless agent (``agent.cli.main``: signals, core, tracker, outbox,
#: uploader) with a probe that switches between two windows every PERIOD
#: seconds of wall-clock time, so segments close all the time. The env var's
#: fixed probe never switches, so nothing closes before the agent stops.
CYCLING_AGENT = r"""
import sys, time
from functools import partial
import agent.service
from agent.core.facade import AgentCore
from agent.platform.base import Window

period = float(sys.argv[1])
windows = [Window("excel", "Payroll run - Excel"),
           Window("excel", "Team schedule - Excel")]

class CyclingProbe:
    name = "cycling"
    def start(self): pass
    def close(self): pass
    def limitations(self): return []
    def idle_seconds(self): return 0.0
    def foreground(self): return windows[int(time.time() // period) % len(windows)]

agent.service.AgentCore = partial(AgentCore, probe_factory=CyclingProbe, input_factory=None)
from agent.cli import main
raise SystemExit(main(["--headless"]))
"""


def start_collector(folder: Path, **settings: object) -> CollectorServer:
    """A collector with team 'ops', an admin key and the test settings, running.

    Settings are set before any agent enrolls: the consent text (and so its
    version) depends on the privacy settings.
    """
    folder.mkdir(parents=True, exist_ok=True)
    server = CollectorServer(folder / "collector.db", folder / "collector.log")
    run_cli(server.db, "team", "add", "ops")
    server.admin_key = run_cli(server.db, "apikey", "create", "--role", "admin").strip()
    values = {**TEST_SETTINGS, **settings}
    run_cli(server.db, "settings", "set", *(f"{k}={v}" for k, v in values.items()))
    server.start()
    return server


def kill_collector(server: CollectorServer) -> None:
    """Gone at once, as in a crash or a pulled cable; `start()` brings it back."""
    assert server.proc is not None
    server.proc.kill()
    server.proc.wait(10)
    server._log.close()
    server.proc = None


@pytest.fixture
def fast_collector(tmp_path: Path) -> Iterator[CollectorServer]:
    server = start_collector(tmp_path / "server")
    yield server
    server.stop()


def wait_for(what: str, check: Callable[[], object], timeout: float, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


class AgentProcess:
    """One agent profile (BACKLIGHT_AGENT_HOME) and the agent process run on it."""

    def __init__(self, home: Path, poll_s: float = FAST_POLL_S, env: dict | None = None):
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            **(env or os.environ),
            "BACKLIGHT_AGENT_HOME": str(home),
            "BACKLIGHT_AGENT_POLL_S": str(poll_s),
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("BACKLIGHT_AGENT_PROBE", None)
        self.poll_s = poll_s
        self.log = home / "agent.log"
        self.proc: subprocess.Popen | None = None
        self.started_at: float | None = None

    # -- the CLI -------------------------------------------------------------
    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        out = subprocess.run(
            [*AGENT, *args], env=self.env, capture_output=True, text=True, timeout=60
        )
        if check and out.returncode != 0:
            raise AssertionError(f"backlight-agent {' '.join(args)}: {out.stderr}")
        return out

    def enroll(self, server: CollectorServer, user: str, url: str | None = None, **config):
        """Enroll with a fresh token, grant consent, then adjust config.json."""
        token = server.cli("token", "create", "--team", "ops").strip()
        self.cli("enroll", "--collector", url or server.url, "--token", token, "--user", user)
        self.cli("consent", "grant")
        if config:
            self.update_config(**config)

    @property
    def config(self) -> dict:
        return json.loads((self.home / "config.json").read_text())

    def update_config(self, **values: object) -> None:
        path = self.home / "config.json"
        path.write_text(json.dumps({**self.config, **values}))
        os.chmod(path, 0o600)

    @property
    def device_id(self) -> str:
        return self.config["device_id"]

    def status(self) -> dict:
        return json.loads(self.cli("status", "--json").stdout)

    # -- the process ---------------------------------------------------------
    def start(self, probe: str | None = "fake:excel:Payroll run - Excel", cycle_s: float = 0):
        """`backlight-agent --headless` with the env var's fixed probe, or (cycle_s)
        the same entry point with a probe switching windows every cycle_s."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        env = dict(self.env)
        if cycle_s:
            argv = [sys.executable, "-c", CYCLING_AGENT, str(cycle_s)]
        else:
            argv = [*AGENT, "--headless"]
            if probe:
                env["BACKLIGHT_AGENT_PROBE"] = probe
        log = open(self.log, "ab")  # noqa: SIM115 - the child holds its own copy
        self.started_at = time.time()
        self.proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_for("the agent to track", self._tracking, timeout=20)
        return self.proc

    def _tracking(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"agent exited {self.proc.returncode}: {self.log.read_text()}")
        try:
            snap = self.status()
        except (AssertionError, ValueError):
            return False
        return snap["running"] and snap["tracking"]

    def send(self, sig: int) -> float:
        assert self.proc is not None
        at = time.time()
        self.proc.send_signal(sig)
        return at

    def wait(self, timeout: float = 20) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def terminate(self, timeout: float = 20) -> tuple[float, int, float]:
        """SIGTERM; returns (when it was sent, exit code, seconds to exit)."""
        at = self.send(signal.SIGTERM)
        code = self.wait(timeout)
        return at, code, time.time() - at

    def kill(self) -> float:
        at = self.send(signal.SIGKILL)
        self.wait(10)
        return at

    def stop_quietly(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    # -- the outbox ----------------------------------------------------------
    def outbox(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.home / "data" / "outbox.sqlite", timeout=10)
        conn.row_factory = sqlite3.Row
        return conn

    def outbox_segments(self) -> list[sqlite3.Row]:
        with self.outbox() as c:
            return c.execute(
                "SELECT s.*, b.quarantined_at FROM segments s "
                "LEFT JOIN batches b ON b.batch_id = s.batch_id ORDER BY start_ts"
            ).fetchall()


@pytest.fixture
def agent_home(tmp_path: Path) -> Iterator[AgentProcess]:
    agent = AgentProcess(tmp_path / "agent")
    yield agent
    agent.stop_quietly()


def collector_segments(server: CollectorServer, device_id: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(server.db, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(
            "SELECT * FROM segments WHERE device_id = ? ORDER BY start", (device_id,)
        ).fetchall()
    finally:
        conn.close()


def collector_batches(server: CollectorServer, device_id: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(server.db, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM batches WHERE device_id = ?", (device_id,)).fetchall()
    finally:
        conn.close()


def spans(rows: list[sqlite3.Row], start: str = "start", end: str = "end") -> list[tuple]:
    """(start, end, category, app) with times to the microsecond, for comparing sides."""
    return [(round(r[start], 3), round(r[end], 3), r["category"], r["app"]) for r in rows]


def assert_no_overlap(rows: list[tuple]) -> None:
    for a, b in zip(rows, rows[1:], strict=False):
        assert b[0] >= a[1] - 1e-3, f"overlap (something counted twice): {a} then {b}"


def assert_same_segments_once(agent: AgentProcess, server: CollectorServer) -> list[tuple]:
    """The agent's recorded segments (minus quarantined ones) are the collector's,
    each exactly once; returns them."""
    local = agent.outbox_segments()
    assert all(r["sent"] == 1 for r in local if r["quarantined_at"] is None), [
        dict(r) for r in local if not r["sent"]
    ]
    mine = spans([r for r in local if r["quarantined_at"] is None], start="start_ts", end="end_ts")
    theirs = spans(collector_segments(server, agent.device_id))
    assert len(theirs) == len(set(theirs)), "a segment was stored twice"
    assert theirs == mine
    assert_no_overlap(theirs)
    batches = collector_batches(server, agent.device_id)
    assert sum(b["segment_count"] for b in batches) == len(theirs)
    assert len({b["batch_id"] for b in batches}) == len(batches)
    return theirs


def total_s(rows: list[tuple]) -> float:
    return sum(e - s for s, e, *_ in rows)


# -- the test ---------------------------------------------------------------------


def test_collector_down_and_back_every_segment_arrives_once(fast_collector, agent_home):
    server, agent = fast_collector, agent_home
    agent.enroll(server, "dana", checkpoint_s=1)
    agent.start(cycle_s=1.5)

    wait_for("a first upload", lambda: len(collector_segments(server, agent.device_id)) >= 2, 20)
    kill_collector(server)
    down_at = time.time()
    wait_for("the agent to notice", lambda: agent.status()["last_error"], 15)
    time.sleep(max(0.0, 10 - (time.time() - down_at)))  # records on while it is away
    snap = agent.status()
    assert snap["running"] and snap["tracking"]
    assert snap["queue"]["segments"] >= 4, snap  # about one per 1.5 s, none sent
    assert "Connection" in snap["last_error"], snap["last_error"]
    before = len(collector_segments(server, agent.device_id))

    server.start()  # same port, same database
    wait_for(
        "the backlog to drain",
        lambda: (
            agent.status()["queue"]["segments"] <= 1
            and len(collector_segments(server, agent.device_id)) > before + 4
        ),
        timeout=40,
    )
    time.sleep(2)
    at, code, took = agent.terminate()
    assert code == 0 and took < 10, (code, took)

    rows = assert_same_segments_once(agent, server)
    assert any(s < down_at < e or s > down_at for s, e, *_ in rows)
    local = spans(agent.outbox_segments(), start="start_ts", end="end_ts")
    assert abs(total_s(rows) - total_s(local)) < 0.01
    # Recording never stopped: contiguous from the first sample to the SIGTERM.
    gaps = [b[0] - a[1] for a, b in zip(rows, rows[1:], strict=False)]
    assert max(gaps) < 0.01, gaps
    assert rows[-1][1] > at - 2 * agent.poll_s - 0.5
    assert abs(total_s(rows) - (rows[-1][1] - rows[0][0])) < 0.01
