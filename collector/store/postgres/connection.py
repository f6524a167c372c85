"""The PostgreSQL connection every shared entity mixin works through.

`PgConnection` answers the calls the mixins make of a sqlite3 connection
(execute, executemany, rows by name or position, rowcount, lastrowid,
in_transaction), on a connection borrowed from the URL's pool (pool.py) for
one transaction or, outside one, for one statement. Each statement is made
PostgreSQL's by dialect.py, and psycopg's failures become the store's:

* the server gone, a connection that cannot be had, a deadlock: `StoreUnavailable`
  (503; agents keep the batch and retry)
* a full disk (SQLSTATE 53100): `StorageFull` (507)
* a unique, foreign-key or check violation: `Conflict` (409)

A programming error (a statement PostgreSQL does not understand) is a bug and
is left as it is, so a test names it.

Round trips are what a statement costs most here (SQLite's are function
calls), so a transaction's BEGIN goes to the server with its first statement,
a transaction that ran none sends neither BEGIN nor COMMIT, and `pipeline()`
sends a run of statements in one go (ingest's hot path, postgres/ingest.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import PoolTimeout

from collector.store.base import DayCounter, Store
from collector.store.errors import Conflict, StorageFull, StoreError, StoreUnavailable
from collector.store.postgres import pool as pools
from collector.store.postgres.dialect import parameters, row_factory, translate


def store_error(exc: Exception) -> StoreError | None:
    """The store's error for a driver's failure; None for a bug to re-raise."""
    if isinstance(exc, pg_errors.DiskFull):
        return StorageFull(str(exc))
    if isinstance(exc, psycopg.IntegrityError):
        return Conflict(str(exc))
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError | PoolTimeout):
        return StoreUnavailable(str(exc))
    busy = (pg_errors.InsufficientResources, pg_errors.ReadOnlySqlTransaction)
    if isinstance(exc, busy):
        return StoreUnavailable(str(exc))
    return None


class Cursor:
    """A finished statement: its rows (read at once), rowcount and lastrowid."""

    def __init__(self, rows: list, rowcount: int, lastrowid: int | None = None):
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list:
        return self._rows

    def __iter__(self) -> Iterator:
        return iter(self._rows)


class PipelinedCursor:
    """A statement sent inside `pipeline()`: its answer is read when asked for,
    which after the pipeline has ended costs nothing (inside it, a round trip)."""

    def __init__(self, cur: psycopg.Cursor):
        self._cur = cur

    def _read(self) -> list:
        with _mapped():
            return self._cur.fetchall() if self._cur.description is not None else []

    def fetchone(self) -> Any:
        rows = self._read()
        return rows[0] if rows else None

    def fetchall(self) -> list:
        return self._read()

    def __iter__(self) -> Iterator:
        return iter(self._read())

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount


@contextmanager
def _mapped() -> Iterator[None]:
    """psycopg's failures as the store's (store_error); a bug's as it is."""
    try:
        yield
    except psycopg.Error as exc:
        mapped = store_error(exc)
        if mapped is None:
            raise
        raise mapped from exc


class _StatementRunner:
    def __init__(self, conn: PgConnection):
        self._conn = conn
        self.row_factory: Any = None

    def execute(self, sql: str, params: Sequence | dict = ()) -> Cursor:
        return self._conn.execute(sql, params)


class PgConnection:
    """What the shared mixins take for `self.conn` and for what `write()` yields."""

    def __init__(self, url: str):
        self.url = url
        self._pool = pools.acquire(url)
        self._held: psycopg.Connection | None = None
        self._begin: str | None = None  # the held transaction's BEGIN, until it is sent
        self._pipelined = False
        self._commit_sent = False
        self._nested = 0  # transaction() blocks joined to the held one
        self._closed = False

    # -- transactions ------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._held is not None

    @contextmanager
    def transaction(self, begin: str = "BEGIN") -> Iterator[PgConnection]:
        """One server transaction on one borrowed connection; nested calls join it."""
        if self._held is not None:
            self._nested += 1
            try:
                yield self
            finally:
                self._nested -= 1
            return
        try:
            conn = self._pool.getconn()
        except PoolTimeout as exc:
            raise StoreUnavailable(f"no PostgreSQL connection free: {exc}") from exc
        try:
            self._held, self._begin, self._commit_sent = conn, begin, False
            try:
                yield self
            except BaseException:
                self._held = None
                if self._begin is None:  # else nothing was sent
                    self._finish(conn, "ROLLBACK")
                raise
            self._held = None
            if self._begin is None and not self._commit_sent:
                self._finish(conn, "COMMIT", strict=True)
        finally:
            self._held, self._begin, self._pipelined = None, None, False
            self._pool.putconn(conn)

    def _begun(self) -> psycopg.Connection:
        """The held connection, its transaction's BEGIN sent (or queued in a pipeline)."""
        conn = self._held
        assert conn is not None
        if self._begin is not None:
            begin, self._begin = self._begin, None
            with _mapped():
                conn.execute(begin)
        return conn

    @contextmanager
    def pipeline(self) -> Iterator[PgConnection]:
        """Statements inside are sent without waiting for each answer; the
        answers (and the first error, as the store's) come when the block
        ends, or when one of them is read inside it. Only in a transaction:
        after an error the server skips the rest, and the transaction rolls back."""
        if self._held is None:
            raise StoreError("a pipeline belongs in a transaction (write())")
        if self._pipelined:
            yield self
            return
        with _mapped(), self._held.pipeline():
            self._pipelined = True
            try:
                self._begun()
                yield self
            finally:
                self._pipelined = False

    def commit_in_pipeline(self) -> None:
        """Send the COMMIT with the pipeline's statements (one round trip fewer).
        The last thing in the transaction: once the pipeline ends it is committed."""
        if not self._pipelined:
            raise StoreError("commit_in_pipeline() outside a pipeline")
        if self._nested:  # inside a caller's transaction: it commits, with its own
            return
        self._begun().execute("COMMIT")
        self._commit_sent = True

    def _finish(self, conn: psycopg.Connection, sql: str, strict: bool = False) -> None:
        try:
            conn.execute(sql)
        except psycopg.Error as exc:
            if strict:
                mapped = store_error(exc)
                raise (mapped or exc) from exc
            # A rollback on a broken connection: the pool discards it.

    def commit(self) -> None:
        """Statements outside a transaction commit one by one (autocommit)."""

    def rollback(self) -> None:
        if self._held is not None:
            raise StoreError("roll a PostgreSQL transaction back by leaving write() with an error")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            pools.release(self.url)

    # -- statements --------------------------------------------------------
    def cursor(self) -> _StatementRunner:
        """For callers that make a cursor to set its row factory: rows here
        are always plain tuples that can also be read by name."""
        return _StatementRunner(self)

    def run_script(self, sql: str) -> None:
        """Run PostgreSQL's own statements (the schema) as written, in a transaction."""
        with self.transaction():
            self._run(self._begun(), sql, None)

    def execute(self, sql: str, params: Sequence | dict = ()) -> Cursor:
        if sql.lstrip()[:6].upper() == "PRAGMA":  # SQLite's connection settings
            return Cursor([], -1)
        text, identity = translate(sql)
        if identity is not None:
            text += " RETURNING id"
        return self._execute(text, parameters(params), identity is not None)

    def execute_native(self, text: str, params: Sequence | dict = ()) -> Any:
        """PostgreSQL's own statement (this backend's SQL, not the shared
        mixins'), as written: no dialect rewrite."""
        return self._execute(text, parameters(params), False)

    def _execute(self, text: str, values: Any, returning: bool) -> Any:
        if self._pipelined:
            cur = self._begun().cursor(row_factory=row_factory)
            with _mapped():
                cur.execute(text, values)
            return PipelinedCursor(cur)
        if self._held is not None:
            return self._run(self._begun(), text, values, returning)
        try:
            with self._pool.connection() as conn:
                return self._run(conn, text, values, returning)
        except PoolTimeout as exc:
            raise StoreUnavailable(f"no PostgreSQL connection free: {exc}") from exc

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> Cursor:
        """Upserts go in sorted order: concurrent batches then lock shared rollup
        rows (a team's day) in one order and cannot deadlock each other."""
        text, _identity = translate(sql)
        values = [parameters(r) for r in rows]
        if not values:
            return Cursor([], 0)
        if "ON CONFLICT" in text:
            # A NULL beside a value has no order (and is in no shared rollup row).
            with suppress(TypeError):
                values.sort()
        with self.transaction():
            conn = self._begun()
            with _mapped(), conn.cursor() as cur:
                cur.executemany(text, values)
                return PipelinedCursor(cur) if self._pipelined else Cursor([], cur.rowcount)

    def _run(
        self, conn: psycopg.Connection, text: str, values: Any = (), returning: bool = False
    ) -> Cursor:
        with _mapped(), conn.cursor(row_factory=row_factory) as cur:
            cur.execute(text, values)
            rows = cur.fetchall() if cur.description is not None else []
            lastrowid = rows[0][0] if returning and rows else None
            return Cursor([] if returning else rows, cur.rowcount, lastrowid)


T = TypeVar("T")


class PostgresConnection(Store):
    """The connection half of `PostgresStore`; abstract on its own."""

    def __init__(self, url: str, count_day: DayCounter | None = None):
        self.path = url
        self.count_day_with = count_day
        self.conn = PgConnection(url)

    def close(self) -> None:
        self.conn.close()

    def migrate(self) -> None:
        from collector.store.postgres.schema import apply

        apply(self.conn)

    def pending_migrations(self) -> list[str]:
        from collector.store.postgres.schema import pending

        return pending(self.conn)

    @contextmanager
    def write(self) -> Iterator[PgConnection]:
        """One transaction (READ COMMITTED, PostgreSQL's default): row locks and
        unique keys keep concurrent writers apart, and everything inside
        commits or nothing does."""
        with self.conn.transaction() as c:
            yield c

    def grouped_write(self, fn: Callable[[PostgresConnection], T]) -> T:
        """`fn(store)` in a write transaction of its own (or the one open).
        PostgreSQL groups concurrent commits by itself (one WAL flush for
        the transactions waiting on it), so this needs none of SQLite's
        group commit (store/sqlite/group_commit.py)."""
        with self.write():
            return fn(self)

    @contextmanager
    def snapshot(self) -> Iterator[PgConnection]:
        """One read transaction that sees a single committed state and writes nothing."""
        with self.conn.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") as c:
            yield c

    def end_request(self) -> None:
        """Transactions end with their `with` block, and a connection is held
        only inside one; nothing can be left open between requests."""

    def one(self, sql: str, params: Sequence | dict = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence | dict = ()) -> list:
        return self.conn.execute(sql, params).fetchall()

    def count_day(
        self, rows: list[tuple[float, float, int, str]], day: str, limits: tuple[float, float]
    ) -> tuple[int, float, int, float, int]:
        if self.count_day_with is None:
            raise StoreError(
                "this store was opened without an interruption counter "
                "(open_store(..., count_day=collector.jobs.count_day))"
            )
        return self.count_day_with(rows, day, *limits)
