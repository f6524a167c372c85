"""The PostgreSQL job lock: a session-level advisory lock, on a connection of
its own (never one of the pool's, which are lent to requests).

PostgreSQL releases a session lock when the session ends, so a holder that
dies gives it up as soon as the server sees its connection close: at once
for a killed process (the kernel closes the socket), within the keepalive
time set below for a host that vanished. The holder checks its connection
every round (`still_held`); once it is lost (a restart of the server, a
network cut, `pg_terminate_backend`), the lock may be someone else's, so
the jobs stop in this process until it is taken again.

Advisory locks are per database: two collectors' databases on one server
do not share it.
"""

from __future__ import annotations

import os
import zlib
from contextlib import suppress

import psycopg

from collector.store.errors import StoreUnavailable
from collector.store.job_lock import JobLock
from collector.store.postgres.pool import CONNECT_S, _safe

#: The lock's key (pg_advisory_lock(bigint)): stable, and unlikely to be another program's.
KEY = zlib.crc32(b"backlight.jobs")

#: The server closes a silent holder's session after about idle + interval x count
#: seconds (a host that vanished); the client gives up on a silent server as fast.
KEEPALIVE_IDLE_S = 10
KEEPALIVE_INTERVAL_S = 5
KEEPALIVE_COUNT = 3
SERVER_SETTINGS = (
    f"SET tcp_keepalives_idle = {KEEPALIVE_IDLE_S}",
    f"SET tcp_keepalives_interval = {KEEPALIVE_INTERVAL_S}",
    f"SET tcp_keepalives_count = {KEEPALIVE_COUNT}",
)


class AdvisoryJobLock(JobLock):
    def __init__(self, url: str):
        self.url = url
        self._conn: psycopg.Connection | None = None

    def _connect(self) -> psycopg.Connection:
        try:
            conn = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=CONNECT_S,
                application_name=f"backlight-jobs {os.getpid()}",
                keepalives=1,
                keepalives_idle=KEEPALIVE_IDLE_S,
                keepalives_interval=KEEPALIVE_INTERVAL_S,
                keepalives_count=KEEPALIVE_COUNT,
                tcp_user_timeout=(KEEPALIVE_IDLE_S + KEEPALIVE_INTERVAL_S) * 1000,
            )
            for sql in SERVER_SETTINGS:
                conn.execute(sql)
            return conn
        except psycopg.Error as exc:
            raise StoreUnavailable(f"job lock on {_safe(self.url)}: {exc}") from exc

    def try_acquire(self) -> bool:
        if self._conn is not None and self.still_held():
            return True
        self.release()
        conn = self._connect()
        try:
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (KEY,)).fetchone()[0]
        except psycopg.Error as exc:
            conn.close()
            raise StoreUnavailable(f"job lock on {_safe(self.url)}: {exc}") from exc
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            row = self._conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND database = (SELECT oid FROM pg_database"
                " WHERE datname = current_database()) AND classid::bigint = %s"
                " AND objid::bigint = %s AND objsubid = 1",
                (KEY >> 32, KEY & 0xFFFFFFFF),
            ).fetchone()
        except psycopg.Error:
            return False
        return bool(row and row[0])

    def release(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with suppress(psycopg.Error):
                conn.close()  # the session ends, and its lock with it

    def describe(self) -> str:
        return f"advisory lock {KEY} on {_safe(self.url)}"
