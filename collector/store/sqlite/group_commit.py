"""Group commit: the batches that wait for SQLite's writer share one commit.

Every commit with synchronous=FULL waits for the disk (an fsync of the
write-ahead log), and the profile of a fleet batch (issue 11) showed that
wait as the largest single item, up to a millisecond on a busy disk, while
one writer at a time holds the database. So threads that want to store a
batch queue their work; whoever takes the write lock next runs every queued
piece of work in one transaction, each inside its own SAVEPOINT, and commits
once. The others find theirs done when they get the lock in turn.

What each batch keeps:

* whole or not at all: a piece of work that fails is rolled back to its
  savepoint and its own caller gets the error; the others are unaffected;
* durable before it is answered: a caller returns only after the commit
  that holds its work (or with the error that says it is not stored);
* a failure of the database itself (disk full, I/O error, the commit
  refused) rolls the whole transaction back and every caller in the group
  gets it: nothing of the group is stored, and each agent keeps its batch.

Work is run on the connection of the thread that commits, so it must use
only the store it is given.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from collector.store.errors import Conflict


@dataclass
class _Work:
    fn: Callable[[Any], Any]
    finished: bool = False
    result: Any = None
    error: BaseException | None = None


@dataclass
class WriteQueue:
    """The work waiting for one database file's writer, in this process."""

    lock: threading.Lock  # the file's write lock (connection.py)
    #: The store's error for a failure of the database (connection.unavailable).
    unavailable: Callable[[sqlite3.Error], Exception]
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _waiting: list[_Work] = field(default_factory=list)
    #: How many pieces of work each commit carried (for tests and benchmarks).
    groups: list[int] = field(default_factory=list)

    def run(self, store: Any, fn: Callable[[Any], Any]) -> Any:
        """`fn(store_that_commits)` inside a write transaction shared with
        whatever else is queued; its result once committed, or its error."""
        work = _Work(fn)
        with self._guard:
            self._waiting.append(work)
        with self.lock:
            if not work.finished:
                with self._guard:
                    group, self._waiting = self._waiting, []
                _commit_group(store, group, self.unavailable)
                with self._guard:
                    self.groups.append(len(group))
                    del self.groups[:-1000]
        if work.error is not None:
            raise work.error
        return work.result


def _commit_group(
    store: Any,
    group: list[_Work],
    unavailable: Callable[[sqlite3.Error], Exception],
) -> None:
    conn = store.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for work in group:
                conn.execute("SAVEPOINT grouped")
                try:
                    work.result = work.fn(store)
                except sqlite3.OperationalError:
                    raise  # the database itself: the whole group fails
                except sqlite3.IntegrityError as exc:
                    conn.execute("ROLLBACK TO grouped")
                    work.error = Conflict(str(exc))
                except Exception as exc:
                    conn.execute("ROLLBACK TO grouped")
                    work.error = exc
                conn.execute("RELEASE grouped")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    except sqlite3.OperationalError as exc:
        failure = unavailable(exc)
        for work in group:
            work.result, work.error = None, failure
    except BaseException as exc:
        for work in group:
            work.result, work.error = None, exc
        raise
    finally:
        for work in group:
            work.finished = True
