"""`backlight-collector serve --workers 2`, as an operator runs it, on SQLite
and on PostgreSQL: two processes answer on one port, batches posted through
both at once (each one twice, as a retry) are stored exactly once with exact
rollups, the background jobs run in one process, and when that one is killed
with -9 they move to a live one. On PostgreSQL, a holder whose lock session
is cut stops its jobs until it holds the lock again.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests

from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CollectorServer, now_iso

pytestmark = pytest.mark.slow

WORKERS = 2
JOBS_LINE = "background jobs (retention, settling, recount, alerts) run in pid"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'collector.db'}"
    return request.getfixturevalue("postgres_url")


def _serve(db_url: str, tmp: Path) -> Iterator[CollectorServer]:
    server = CollectorServer(db_url, tmp / "collector.log")  # type: ignore[arg-type]
    server.cli("team", "add", "ops")
    server.serve_args = ["--workers", str(WORKERS), "--log-format", "json"]
    server.start()  # returns once one worker answers; the other may still be booting
    _wait(f"{WORKERS} workers", lambda: len(_workers(server)) == WORKERS, server=server)
    yield server
    server.stop()


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[CollectorServer]:
    yield from _serve(db_url, tmp_path)


@pytest.fixture
def served_on_postgres(postgres_url: str, tmp_path: Path) -> Iterator[CollectorServer]:
    yield from _serve(postgres_url, tmp_path)


def _records(server: CollectorServer) -> list[dict]:
    """Every line of the log, each one JSON object (--log-format json)."""
    return [json.loads(line) for line in server.log.read_text().splitlines() if line.strip()]


def _workers(server: CollectorServer) -> set[int]:
    assert server.proc is not None
    return {p.pid for p in psutil.Process(server.proc.pid).children()}


def _wait(what: str, check, timeout: float = 20.0, server: CollectorServer | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    log = server.log.read_text()[-4000:] if server else ""
    raise AssertionError(f"{what} within {timeout} s\n{log}")


def _holders(server: CollectorServer) -> list[int]:
    """The pids that took the job lock, in the order the log says so."""
    return [r["jobs_pid"] for r in _records(server) if r["message"].startswith(JOBS_LINE)]


def _enroll(server: CollectorServer, people: int) -> list[str]:
    token = server.cli("token", "create", "--team", "ops").strip()
    devices = []
    for n in range(people):
        r = server.api(
            "POST",
            "/enroll",
            json={
                "enrollment_token": token,
                "hostname": f"pc-{n}",
                "os": "linux",
                "agent_version": "test",
                "user": f"person-{n}",
            },
        )
        assert r.status_code == 201, r.text
        device = r.json()["device_token"]
        version = r.json()["policy"]["consent"]["version"]
        r = server.api(
            "POST",
            "/consent",
            device,
            json={"decision": "granted", "consent_version": version, "at": now_iso()},
        )
        assert r.status_code == 200, r.text
        devices.append(device)
    return devices


def test_two_processes_answer_on_one_port_and_stop_together(served: CollectorServer):
    workers = _workers(served)
    assert len(workers) == WORKERS
    started = [r for r in _records(served) if "Backlight collector on" in r["message"]]
    assert started and f"{WORKERS} worker processes" in started[0]["message"], started

    seen: set[int] = set()

    def one(_n: int) -> int:
        r = requests.get(f"{served.url}/api/v1/health", timeout=10)  # a connection each
        assert r.ok
        return int(r.headers["X-Backlight-Pid"])

    deadline = time.monotonic() + 20
    with ThreadPoolExecutor(16) as pool:
        while seen != workers and time.monotonic() < deadline:
            seen |= set(pool.map(one, range(64)))
    assert seen == workers

    assert served.proc is not None
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(15) == 0
    assert not [pid for pid in workers if psutil.pid_exists(pid)]


def test_concurrent_ingest_through_both_workers_stores_every_batch_once(served: CollectorServer):
    devices = _enroll(served, 12)
    categories = ["payroll", "meetings", "communication", "invoicing"]
    bodies = []
    for d, device in enumerate(devices):
        for b in range(5):
            # Every device writes the same team-days and categories, in another
            # order each: the rows concurrent upserts of two processes share.
            mix = categories[d % 4 :] + categories[: d % 4]
            steps = plan(day_at(b % 3 + 1, 8, 5 * b), [(c, 4 + b) for c in mix])
            bodies.append((device, batch(steps, f"batch-{d}-{b}")))
    posts = bodies + bodies  # each batch twice: a retry racing its original
    local = threading.local()

    def post(job: tuple[str, dict]) -> tuple[str, int, dict, int]:
        device, body = job
        session = getattr(local, "session", None) or requests.Session()
        local.session = session  # keep-alive, as an agent's uploader
        r = session.post(
            f"{served.url}/api/v1/summaries",
            json=body,
            headers={"Authorization": f"Bearer {device}"},
            timeout=60,
        )
        assert r.status_code == 200, r.text
        return body["batch_id"], int(r.headers["X-Backlight-Pid"]), r.json(), len(body["segments"])

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(post, posts))
    assert {pid for _b, pid, _a, _n in answers} == _workers(served)
    per_batch: dict[str, list[bool]] = {}
    for batch_id, _pid, answer, _n in answers:
        per_batch.setdefault(batch_id, []).append(answer["duplicate"])
    assert len(per_batch) == len(bodies)
    assert all(sorted(d) == [False, True] for d in per_batch.values()), per_batch

    store = served.store()
    try:
        assert store.row_count("batches") == len(bodies)
        assert store.row_count("segments") == sum(len(b["segments"]) for _d, b in bodies)
        recount = {
            (r[0], r[1]): r[2]
            for r in store.all(
                "SELECT day, category, SUM(end - start) FROM segments GROUP BY day, category"
            )
        }
        team = {
            (r[0], r[1]): r[2]
            for r in store.all("SELECT day, category, active_s FROM team_rollups")
        }
        daily = {
            (r[0], r[1]): r[2]
            for r in store.all(
                "SELECT day, category, SUM(active_s) FROM rollups GROUP BY day, category"
            )
        }
        assert team.keys() == recount.keys() == daily.keys()
        for key, seconds in recount.items():
            assert team[key] == pytest.approx(seconds) and daily[key] == pytest.approx(seconds)
        people = store.all("SELECT day, people FROM team_days ORDER BY day")
        assert [r[1] for r in people] == [len(devices)] * 3
        # The settling job ran (somewhere) and emptied the recount backlog.
        _wait("the backlog settled", lambda: store.recount_backlog() == 0, server=served)
    finally:
        store.close()


def test_jobs_run_in_one_process_and_move_when_it_is_killed(served: CollectorServer):
    workers = _workers(served)
    first = _wait("a process taking the job lock", lambda: _holders(served), server=served)
    time.sleep(3)  # three rounds of everyone trying the lock
    assert _holders(served) == first and len(first) == 1
    (holder,) = first
    assert holder in workers

    os.kill(holder, signal.SIGKILL)
    killed_at = time.monotonic()
    moved = _wait("the jobs moving", lambda: _holders(served)[1:], server=served)
    took = time.monotonic() - killed_at
    assert len(moved) == 1 and moved[0] != holder, moved
    assert psutil.pid_exists(moved[0]) and moved[0] in _workers(served)
    assert took < 10, took

    # The new holder really runs them: a new batch's backlog is settled.
    (device,) = _enroll(served, 1)
    body = batch(plan(day_at(1, 9), [("payroll", 20), ("meetings", 5)]))
    r = served.api("POST", "/summaries", device, json=body)
    assert r.status_code == 200, r.text
    store = served.store()
    try:
        _wait("the backlog settled", lambda: store.recount_backlog() == 0, server=served)
    finally:
        store.close()


def test_a_holder_that_loses_its_lock_session_stops_and_takes_it_again(
    served_on_postgres: CollectorServer, postgres_url: str
):
    """PostgreSQL only: a flock is lost only with its process, a session is not."""
    import psycopg

    served, db_url = served_on_postgres, postgres_url

    (holder,) = _wait("a process taking the job lock", lambda: _holders(served), server=served)
    with psycopg.connect(db_url, autocommit=True) as conn:
        cut = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            (f"backlight-jobs {holder}",),
        ).fetchall()
    assert cut == [(True,)]

    def lost() -> bool:
        return any(
            r["message"].startswith(f"pid {holder} lost the job lock") for r in _records(served)
        )

    _wait("the holder noticing", lost, server=served)
    again = _wait("the lock taken again", lambda: _holders(served)[1:], server=served)
    assert len(again) == 1 and again[0] in _workers(served)
    # The lock is held by the new holder's session alone. (Another process's
    # session may be open for a moment while it tries the lock and fails, so
    # the sessions themselves are not counted, only who is granted the lock.)
    with psycopg.connect(db_url, autocommit=True) as conn:
        granted = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
            " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
            " AND a.datname = current_database()"
            " AND a.application_name LIKE 'backlight-jobs %'"
        ).fetchall()
    assert granted == [(f"backlight-jobs {again[0]}",)]
