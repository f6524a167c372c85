"""Reads never write: on a full disk every report and /me/summary still answer.

A real collector process keeps its database on a small tmpfs. A batch with
one interruption is posted and the disk filled at once, so its person-day
waits in the interruption backlog (the background settle fails on the full
disk). Then `/me/summary`, every report of the API and every dashboard page
answer 200 with the right figures; a write answers 507 `storage_full` with a JSON error and
`Retry-After`; and once space is freed, writes work again and the settle
thread catches up.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CollectorServer, run_cli, web_sign_in
from tests.fixtures.small_disk import fill, small_disk  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="tmpfs"),
]

PASSWORD = "a long enough password"
#: Reports with the query that selects the test's day (or its month).
API_REPORTS = [
    "/reports/time-per-unit?from={day}&to={day}&team=ops",
    "/reports/interruptions?from={day}&to={day}&team=ops",
    "/reports/clients?month={month}",
    "/reports/monthly-review?month={month}&team=ops",
    "/reports/workload?from={day}&to={day}&team=ops",
    "/reports/overview?from={day}&to={day}&team=ops",
    "/reports/uncategorised?from={day}&to={day}",
]
PAGES = ["overview", "functions", "interruptions", "clients", "review", "workload"]


def _backlog(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return c.execute("SELECT COUNT(*) FROM interruption_backlog").fetchone()[0]


def _sign_in(base: str) -> requests.Session:
    s, r = web_sign_in(base, "root", PASSWORD)
    assert r.status_code in (302, 303), r.text
    return s


def _start(folder: Path) -> CollectorServer:
    server = CollectorServer(folder / "collector.db", folder.parent / "collector.log")
    run_cli(server.db, "team", "add", "ops")
    run_cli(server.db, "settings", "set", "privacy.min_group_size=1")
    run_cli(server.db, "user", "add", "root", "--role", "admin", stdin=PASSWORD + "\n")
    server.admin_key = run_cli(server.db, "apikey", "create", "--role", "admin").strip()
    server.start()
    return server


def _assert_reads_answer(server: CollectorServer, device: str, session, days_ago: int) -> None:
    day = day_at(days_ago, 9).date().isoformat()
    me = server.api("GET", f"/me/summary?from={day}&to={day}", device)
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["interruptions"]["count"] == 1
    assert body["interruptions"]["away_minutes"] == pytest.approx(3)
    assert body["total_hours"] == pytest.approx(23 / 60)
    for path in API_REPORTS:
        r = server.api("GET", path.format(day=day, month=day[:7]), server.admin_key)
        assert r.status_code == 200, (path, r.text)
    r = server.api("GET", f"/reports/interruptions?from={day}&to={day}&team=ops", server.admin_key)
    assert r.json()["count"] == 1 and r.json()["away_minutes"] == pytest.approx(3)
    for page in PAGES:
        for suffix in ("", ".csv"):
            r = session.get(f"{server.url}/{page}{suffix}?from={day}&to={day}", timeout=30)
            assert r.status_code == 200, (page, suffix, r.text[:300])


def _interrupted(days_ago: int) -> dict:
    return batch(
        plan(day_at(days_ago, 9), [("payroll", 10), ("communication", 3), ("payroll", 10)])
    )


def test_reads_answer_on_a_full_disk_and_writes_recover(small_disk: Path):  # noqa: F811
    server = _start(small_disk)
    try:
        device = server.enroll("ana")
        session = _sign_in(server.url)
        # Post and fill at once, so the person-day waits unsettled; should the
        # settle thread have run in between, try again with another day.
        for days_ago in (1, 2, 3):
            r = server.api("POST", "/summaries", device, json=_interrupted(days_ago))
            assert r.status_code == 200, r.text
            filler = fill(small_disk)
            if _backlog(server.db):
                break
            filler.unlink()
        else:
            pytest.fail("the settle thread always ran before the disk was full")

        refused = server.api("POST", "/summaries", device, json=_interrupted(5))
        assert refused.status_code == 507, refused.text
        assert refused.json()["error"] == "storage_full"
        assert refused.headers["Retry-After"].isdigit()

        _assert_reads_answer(server, device, session, days_ago)
        time.sleep(6)  # the settle thread has failed at least once meanwhile
        assert _backlog(server.db) == 1
        _assert_reads_answer(server, device, session, days_ago)
        assert server.proc.poll() is None

        filler.unlink()
        again = server.api("POST", "/summaries", device, json=_interrupted(5))
        assert again.status_code == 200 and again.json()["accepted"] == 3, again.text
        deadline = time.monotonic() + 20
        while _backlog(server.db) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _backlog(server.db) == 0, "the settle thread did not catch up"
        _assert_reads_answer(server, device, session, days_ago)
        _assert_reads_answer(server, device, session, 5)
    finally:
        server.stop()
