"""The SQLite connection every entity mixin of this backend works through:
opening the file with the pragmas durability needs, one write transaction at
a time, consistent reads, and the driver's failures turned into the store's.

Apart from the mixins (store.py puts them together) so that they can name
this class in their type hints without importing the whole store back.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlite_utils import Database

from collector.store.base import DayCounter, Store
from collector.store.errors import Conflict, StorageFull, StoreError, StoreUnavailable
from collector.store.sqlite.group_commit import WriteQueue
from collector.store.sqlite.schema import migrations

#: One writer at a time per database file in this process. SQLite would
#: serialise writers anyway, but its busy handler polls with growing sleeps,
#: which under concurrent ingest turns into second-long tail latencies; a
#: lock hands the database over as soon as the previous writer commits.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
#: The work waiting for each file's write lock, to be committed together.
_WRITE_QUEUES: dict[str, WriteQueue] = {}
_LOCKS_GUARD = threading.Lock()


def _write_lock(path: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(path, threading.Lock())


def write_queue(path: str) -> WriteQueue:
    """The group-commit queue (group_commit.py) of one database file."""
    with _LOCKS_GUARD:
        queue = _WRITE_QUEUES.get(path)
        if queue is None:
            lock = _WRITE_LOCKS.setdefault(path, threading.Lock())
            queue = _WRITE_QUEUES[path] = WriteQueue(lock, unavailable)
        return queue


def unavailable(exc: sqlite3.Error) -> StoreUnavailable:
    """The store's error for a driver's failure: a full disk says so (507)."""
    if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL:
        return StorageFull(str(exc))
    return StoreUnavailable(str(exc))


T = TypeVar("T")


class SqliteConnection(Store):
    """The connection half of `SqliteStore`; abstract on its own."""

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
        resolved = str(Path(self.path).resolve())
        self._write_lock = _write_lock(resolved)
        self._write_queue = write_queue(resolved)

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
                raise unavailable(exc) from exc
            except sqlite3.IntegrityError as exc:  # a unique or foreign key refused it
                raise Conflict(str(exc)) from exc

    def grouped_write(self, fn: Callable[[SqliteConnection], T]) -> T:
        """`fn(store)` in a write transaction shared with other threads' grouped
        work, committed once for all (group_commit.py); inside a transaction
        already open, simply part of it."""
        if self.conn.in_transaction:
            return fn(self)
        return self._write_queue.run(self, fn)

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
            raise unavailable(exc) from exc

    def end_request(self) -> None:
        if self.conn.in_transaction:
            self.conn.rollback()

    def one(self, sql: str, params: tuple | list | dict = ()) -> sqlite3.Row | None:
        try:
            return self.conn.execute(sql, params).fetchone()
        except sqlite3.OperationalError as exc:
            raise unavailable(exc) from exc

    def all(self, sql: str, params: tuple | list | dict = ()) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise unavailable(exc) from exc

    def count_day(
        self, rows: list[tuple[float, float, int, str]], day: str, limits: tuple[float, float]
    ) -> tuple[int, float, int, float, int]:
        if self.count_day_with is None:
            raise StoreError(
                "this store was opened without an interruption counter "
                "(open_store(..., count_day=collector.jobs.count_day))"
            )
        return self.count_day_with(rows, day, *limits)
