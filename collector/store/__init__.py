"""All SQL lives in this package; the rest of the collector calls `Store`.

`Store` is one object per connection, made of one mixin per concern
(accounts, ingest, organisation data, report queries) so each file holds one
idea. A PostgreSQL backend would be a second implementation of these methods.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from collector.store.absences import AbsencesMixin
from collector.store.accounts import AccountsMixin
from collector.store.admin import AdminMixin
from collector.store.dashboard import DashboardMixin
from collector.store.health import HealthMixin
from collector.store.ingest import IngestMixin
from collector.store.interruptions import InterruptionsMixin
from collector.store.organisation import OrganisationMixin
from collector.store.person_data import PersonDataMixin
from collector.store.queries import QueriesMixin
from collector.store.schema import migrations
from collector.store.users import UsersMixin
from collector.store.web_sessions import WebSessionsMixin


class StoreError(Exception):
    """A write refused by the store's own rules (not by validation)."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: One writer at a time per database file in this process. SQLite would
#: serialise writers anyway, but its busy handler polls with growing sleeps,
#: which under concurrent ingest turns into second-long tail latencies; a
#: lock hands the database over as soon as the previous writer commits.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _write_lock(path: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(path, threading.Lock())


class Store(
    AccountsMixin,
    IngestMixin,
    InterruptionsMixin,
    OrganisationMixin,
    QueriesMixin,
    DashboardMixin,
    AdminMixin,
    AbsencesMixin,
    UsersMixin,
    WebSessionsMixin,
    HealthMixin,
    PersonDataMixin,
):
    def __init__(self, path: str | Path):
        self.path = str(path)
        conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        # WAL lets readers (reports) run beside the writer (ingest).
        # synchronous=FULL: a batch we answered 200 for survives power loss,
        # because the agent deletes its copy on that answer.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        self.conn = conn
        self.db = Database(conn)
        self._write_lock = _write_lock(str(Path(self.path).resolve()))

    def close(self) -> None:
        self.conn.close()

    def migrate(self) -> None:
        migrations.apply(self.db)

    def pending_migrations(self) -> list[str]:
        return [m.name for m in migrations.pending(self.db)]

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE.

        Immediate, so two writers queue on the lock instead of both reading
        and then failing to upgrade; everything inside commits or nothing does.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        with self._write_lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.rollback()
                raise
            else:
                self.conn.commit()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same committed state
        (WAL), so a read that combines tables cannot straddle a writer's commit.
        It takes no write lock and writes nothing."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield self.conn
        finally:
            self.conn.rollback()

    def one(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | list | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()


def open_store(path: str | Path, migrate: bool = True) -> Store:
    store = Store(path)
    if migrate:
        store.migrate()
    return store
