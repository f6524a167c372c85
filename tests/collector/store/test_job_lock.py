"""The job lock on both backends (collector/store/job_lock.py): one holder
at a time, free again when the holder releases it or its process is killed
with -9, and on PostgreSQL lost (and known to be lost) with its session."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from collector import jobs
from collector.store.job_lock import open_job_lock

HOLD = """
import sys, time
from collector.store.job_lock import open_job_lock
lock = open_job_lock(sys.argv[1])
assert lock.try_acquire()
print("held", flush=True)
time.sleep(600)
"""


def _eventually(check, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_one_holder_at_a_time(store_url: str):
    first, second = open_job_lock(store_url), open_job_lock(store_url)
    try:
        assert first.try_acquire() and first.still_held()
        assert first.try_acquire()  # asking again while holding it keeps it
        assert not second.try_acquire() and not second.still_held()
        first.release()
        assert not first.still_held()
        assert second.try_acquire()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


def test_a_holder_killed_with_9_frees_it(store_url: str):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, store_url], stdout=subprocess.PIPE, text=True
    )
    lock = open_job_lock(store_url)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert not lock.try_acquire()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        assert _eventually(lock.try_acquire)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
        lock.release()


def test_the_leader_holds_it_while_it_runs_and_gives_it_up_when_stopped(store_url: str):
    holding, stop = threading.Event(), threading.Event()
    leader = threading.Thread(target=jobs.lead, args=(open_job_lock(store_url), holding, stop))
    leader.start()
    other = open_job_lock(store_url)
    try:
        assert holding.wait(10)
        assert not other.try_acquire()
        stop.set()
        leader.join(10)
        assert not holding.is_set()
        assert other.try_acquire()
    finally:
        stop.set()
        leader.join(10)
        other.release()


def test_a_cut_postgresql_session_is_noticed_and_the_lock_taken_again(
    postgres_url: str, caplog: pytest.LogCaptureFixture
):
    """PostgreSQL only: a flock is lost only with its process, a session is not."""
    import psycopg

    store_url = postgres_url
    caplog.set_level(logging.INFO, logger="backlight.server")

    holding, stop = threading.Event(), threading.Event()
    leader = threading.Thread(target=jobs.lead, args=(open_job_lock(store_url), holding, stop))
    leader.start()
    try:
        assert holding.wait(10)
        with psycopg.connect(store_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = %s",
                (f"backlight-jobs {os.getpid()}",),
            )
        lost = f"pid {os.getpid()} lost the job lock"
        assert _eventually(lambda: lost in caplog.text), caplog.text

        def taken() -> int:
            return sum(r.getMessage().startswith("background jobs") for r in caplog.records)

        assert _eventually(lambda: taken() == 2), caplog.text
        assert holding.is_set()  # the leader took it again, on a new session
    finally:
        stop.set()
        leader.join(10)
