"""429 with ``Retry-After``: the uploader and enrollment wait at least that long.

Against the scriptable stand-in (real HTTP on 127.0.0.1) answering 429 with
``Retry-After`` in seconds and as an HTTP date; the real collector's own
429s are driven in ``tests/agent/test_upload_command.py``.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from agent.config import Paths, load_config
from agent.core.auto_enroll import AutoEnroller
from agent.core.collector_client import MAX_RETRY_AFTER_S, CollectorClient, retry_after_s
from agent.core.enrollment import EnrollmentFailed, enroll_profile
from agent.core.policy import PolicyStore
from agent.core.uploader import Uploader
from agent.machine_config import MachineConfig
from agent.outbox import Outbox
from shared.segments import Segment
from tests.agent.core.test_uploader_fake_collector import (
    DEVICE_TOKEN,
    ENROLL_TOKEN,
    FakeCollector,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake_collector():
    server = FakeCollector()
    yield server
    server.stop()


def test_retry_after_is_seconds_or_an_http_date() -> None:
    assert retry_after_s("120", NOW) == 120
    assert retry_after_s(" 0 ", NOW) == 0
    assert retry_after_s("Thu, 03 Dec 2026 12:02:00 GMT", NOW) == 120
    assert retry_after_s("Thu, 03 Dec 2026 11:00:00 GMT", NOW) == 0  # already past
    assert retry_after_s(str(10**9), NOW) == MAX_RETRY_AFTER_S
    for unreadable in (None, "", "soon", "-5", "1.5e3", "Thu, 99 Foo 2026"):
        assert retry_after_s(unreadable, NOW) is None, unreadable


def _segment(minutes_ago: float) -> Segment:
    end = datetime.now().astimezone() - timedelta(minutes=minutes_ago)
    return Segment(end - timedelta(minutes=1), end, "payroll", None, "excel", "active", 3, 1)


def test_the_uploader_waits_retry_after_and_keeps_every_segment(fake_collector, tmp_path: Path):
    fake_collector.consent = {"decision": "granted"}
    fake_collector.script["/summaries"] = [(429, {"Retry-After": "120"})]
    box = Outbox(tmp_path / "outbox.db")
    box.save([_segment(5), _segment(3)], None, 3, "UTC")
    now = [1000.0]

    def uploader() -> Uploader:
        return Uploader(
            box,
            CollectorClient(fake_collector.url, DEVICE_TOKEN),
            PolicyStore(tmp_path / "policy.json"),
            lambda: None,
            clock=lambda: now[0],
            jitter=lambda: 0.0,  # the backoff alone would be 2.5 s
        )

    up = uploader()
    assert up.run() is False
    assert up.due_in() >= 120 - 1
    assert up.rate_limited_until is not None
    assert box.stats().queued_segments == 2 and fake_collector.segments() == []
    assert "429" in box.stats().last_error

    again = uploader()  # a restart: the wait is in the outbox, not only in memory
    assert again.due_in() >= 120 - 5
    posts = fake_collector.paths().count("/summaries")
    assert again.run() is False  # asked too early: not even tried
    assert fake_collector.paths().count("/summaries") == posts

    now[0] += 121
    assert up.due_in() == 0
    assert up.run() is True
    assert len(fake_collector.segments()) == 2 and box.stats().queued_segments == 0
    assert up.rate_limited_until is None
    box.close()


def test_enrollment_refused_with_429_says_when_to_try_again(fake_collector, tmp_path: Path):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    fake_collector.script["/enroll"] = [(429, {"Retry-After": when})]
    paths = Paths.resolve(tmp_path / "config.json")
    with pytest.raises(EnrollmentFailed) as failed:
        enroll_profile(paths, fake_collector.url, ENROLL_TOKEN, "maria")
    assert 80 <= failed.value.retry_after <= 90
    assert not failed.value.refused  # asking again later helps
    assert "try again in" in str(failed.value) and "429" in str(failed.value)


def test_auto_enrollment_waits_retry_after_before_asking_again(fake_collector, tmp_path: Path):
    fake_collector.script["/enroll"] = [(429, {"Retry-After": "2"})]
    machine = MachineConfig(
        collector_url=fake_collector.url, enrollment_token=ENROLL_TOKEN, source="test"
    )
    paths = Paths.resolve(tmp_path / "config.json")
    enroller = AutoEnroller(paths, load=lambda: machine, login=lambda: "maria", retry_base_s=0.1)
    stop = threading.Event()
    started = time.monotonic()
    thread = enroller.start(stop)
    times: list[float] = []
    deadline = time.monotonic() + 15
    while len(times) < 2 and time.monotonic() < deadline:
        n = fake_collector.paths().count("/enroll")
        while len(times) < n:
            times.append(time.monotonic() - started)
        time.sleep(0.02)
    thread.join(10)
    stop.set()
    assert len(times) == 2, fake_collector.paths()
    assert times[1] - times[0] >= 2.0 - 0.05  # the backoff alone would be ~0.1 s
    assert enroller.attempts == 2 and load_config(paths).enrolled
