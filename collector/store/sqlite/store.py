"""The SQLite backend: one `SqliteStore` per connection, made of one mixin per
entity (people, devices, users, API keys, ingest, rollups, reports ...), so
each file holds one idea and all of this backend's SQL stays in this folder.

Driver errors do not leave it: an `sqlite3.OperationalError` (a full or
read-only disk, a lock held too long) becomes `StoreUnavailable`, and an
`sqlite3.IntegrityError` in a write (a unique key, a foreign key) `Conflict`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from collector.store.base import DayCounter, Store
from collector.store.errors import Conflict, StoreError, StoreUnavailable
from collector.store.sqlite.absences import AbsencesMixin
from collector.store.sqlite.api_keys import ApiKeysMixin
from collector.store.sqlite.audit import AuditMixin
from collector.store.sqlite.clients import ClientsMixin
from collector.store.sqlite.configuration import ConfigurationMixin
from collector.store.sqlite.devices import DevicesMixin
from collector.store.sqlite.ingest import IngestMixin
from collector.store.sqlite.interruptions import InterruptionsMixin
from collector.store.sqlite.output_units import OutputUnitsMixin
from collector.store.sqlite.people import TeamsMixin
from collector.store.sqlite.reports import QueriesMixin
from collector.store.sqlite.schema import migrations
from collector.store.sqlite.sessions import WebSessionsMixin
from collector.store.sqlite.users import UsersMixin

#: One writer at a time per database file in this process. SQLite would
#: serialise writers anyway, but its busy handler polls with growing sleeps,
#: which under concurrent ingest turns into second-long tail latencies; a
#: lock hands the database over as soon as the previous writer commits.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()

_SESSION_SECRET = "_session_secret"


def _write_lock(path: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(path, threading.Lock())


class SqliteStore(
    TeamsMixin,
    DevicesMixin,
    UsersMixin,
    ApiKeysMixin,
    ConfigurationMixin,
    ClientsMixin,
    OutputUnitsMixin,
    AuditMixin,
    IngestMixin,
    InterruptionsMixin,
    QueriesMixin,
    AbsencesMixin,
    WebSessionsMixin,
    Store,
):
    def __init__(self, path: str | Path, count_day: DayCounter | None = None):
        self.path = str(path)
        self.count_day_with = count_day
        try:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            # WAL lets readers (reports) run beside the writer (ingest).
            # synchronous=FULL: a batch we answered 200 for survives power loss,
            # because the agent deletes its copy on that answer.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"cannot open {self.path}: {exc}") from exc
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
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.conn
                except BaseException:
                    self.conn.rollback()
                    raise
                else:
                    self.conn.commit()
            except sqlite3.OperationalError as exc:
                raise StoreUnavailable(str(exc)) from exc
            except sqlite3.IntegrityError as exc:  # a unique or foreign key refused it
                raise Conflict(str(exc)) from exc

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same committed state
        (WAL), so a read that combines tables cannot straddle a writer's commit.
        It takes no write lock and writes nothing."""
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN DEFERRED")
            try:
                yield self.conn
            finally:
                self.conn.rollback()
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(str(exc)) from exc

    def end_request(self) -> None:
        if self.conn.in_transaction:
            self.conn.rollback()

    def one(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Row | None:
        try:
            return self.conn.execute(sql, params).fetchone()
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(str(exc)) from exc

    def all(self, sql: str, params: tuple | list | dict = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(str(exc)) from exc

    def count_day(
        self, rows: list[tuple[float, float, int, str]], day: str, limits: tuple[float, float]
    ) -> tuple[int, float, int]:
        if self.count_day_with is None:
            raise StoreError(
                "this store was opened without an interruption counter "
                "(open_store(..., count_day=collector.jobs.count_day))"
            )
        return self.count_day_with(rows, day, *limits)

    # -- odd needs of callers outside the store ---------------------------
    def session_secret(self, make: Any) -> str:
        """The database's dashboard-session secret, made with `make()` on first use."""
        row = self.one("SELECT value FROM settings WHERE key = ?", (_SESSION_SECRET,))
        if row:
            return row["value"]
        secret = make()
        with self.write() as c:
            c.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                (_SESSION_SECRET, secret),
            )
        return self.one("SELECT value FROM settings WHERE key = ?", (_SESSION_SECRET,))["value"]

    def has_people(self) -> bool:
        return self.one("SELECT 1 FROM people LIMIT 1") is not None

    def row_count(self, table: str) -> int:
        """Rows in one table, for checks that nothing was stored twice or lost."""
        if table not in self.db.table_names():
            raise StoreError(f"no table {table!r}")
        return int(self.one(f"SELECT COUNT(*) FROM [{table}]")[0])


def open_sqlite(path: str | Path, migrate: bool, count_day: DayCounter | None) -> SqliteStore:
    store = SqliteStore(path, count_day)
    if migrate:
        store.migrate()
    return store
