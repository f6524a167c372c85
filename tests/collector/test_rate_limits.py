"""Ingest rate limits on a real collector: 429, Retry-After, the API's error, nothing stored.

Small limits set through the environment show each limit (per device token,
per address) refusing with a `Retry-After` that is honest (waiting it is
enough), and another device unaffected by one device's limit. With the
defaults, a backfill (hundreds of batches back to back from one device) is
never refused.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

from tests.collector.batches import batch, day_at, segment
from tests.fixtures.collector_server import CollectorServer, run_cli


def _segments(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return c.execute("SELECT COUNT(*) FROM segments").fetchone()[0]


def _one(n: int) -> dict:
    """A one-segment batch on its own minute, so no two overlap."""
    return batch([segment(day_at(2, 6) + timedelta(minutes=n), 1, "payroll")])


def _enroll_body(token: str) -> dict:
    return {
        "enrollment_token": token,
        "hostname": "pc",
        "os": "linux",
        "agent_version": "test",
        "user": "zed",
    }


def _refused(r, who: str) -> int:
    assert r.status_code == 429, r.text
    body = r.json()
    assert body["error"] == "rate_limited" and body["fields"] == []
    assert who in body["message"] and "nothing was stored" in body["message"]
    wait = int(r.headers["Retry-After"])
    assert wait >= 1
    return wait


def _at_start_of_window(seconds: int) -> None:
    """Sleep until just after a window boundary. The limiter's sliding-window
    counter weighs the previous window down as the new one goes on, so hits
    that straddle a boundary count for less than their number: a test that
    expects the limit exactly must fit inside one window."""
    time.sleep(seconds - time.time() % seconds + 0.05)


def test_per_device_and_per_address_limits_answer_429_with_an_honest_retry_after(
    tmp_path: Path,
):
    # The address window is an hour so the whole test sits in one; the device
    # window is 3 s so waiting its Retry-After stays short.
    server = CollectorServer(
        tmp_path / "c.db",
        tmp_path / "c.log",
        env={
            "BACKLIGHT_RATE_LIMIT_DEVICE": "4 per 3 seconds",
            "BACKLIGHT_RATE_LIMIT_ADDRESS": "10 per 1 hour",
        },
    )
    run_cli(server.db, "team", "add", "ops")
    enroll_tokens = [run_cli(server.db, "token", "create", "--team", "ops").strip() for _ in (1, 2)]
    server.start()
    try:
        a, b = (
            server.enroll("ana"),
            server.enroll("ben"),
        )  # 2 limited requests (enroll; consent is not limited)
        _at_start_of_window(3)
        for n in range(4):  # device a's 4 per 3 s; the address is at 6
            r = server.api("POST", "/summaries", a, json=_one(n))
            assert r.status_code == 200, r.text
        stored = _segments(server.db)
        wait = _refused(server.api("POST", "/summaries", a, json=_one(10)), "this device")  # 7
        assert wait <= 3
        assert _segments(server.db) == stored, "a refused batch stores nothing"
        assert server.api("POST", "/summaries", b, json=_one(20)).status_code == 200  # 8
        time.sleep(wait)
        r = server.api("POST", "/summaries", a, json=_one(10))  # 9
        assert r.status_code == 200, f"Retry-After {wait} s was not enough: {r.text}"
        r = server.api("POST", "/enroll", json=_enroll_body(enroll_tokens[0]))  # 10
        assert r.status_code == 201, r.text
        wait = _refused(
            server.api("POST", "/enroll", json=_enroll_body(enroll_tokens[1])), "this address"
        )
        assert wait <= 3600
        _refused(server.api("POST", "/summaries", b, json=_one(30)), "this address")
        # Reads are not limited.
        assert server.api("GET", "/health").status_code == 200
    finally:
        server.stop()


def test_a_backfill_with_the_default_limits_is_never_refused(collector):
    device = collector.enroll("ana")
    statuses = [
        collector.api("POST", "/summaries", device, json=_one(n)).status_code for n in range(300)
    ]
    assert statuses == [200] * 300
    assert _segments(collector.db) == 300
