"""`backlight-collector migrate --to postgresql://...`: growing from SQLite to
PostgreSQL without losing history (issue 11).

The SQLite database is copied whole, table by table, into a PostgreSQL
database that holds nothing yet, in one PostgreSQL transaction: either every
row arrives and the counts and totals agree, or the target is left as it was.

* The source is read in one SQLite read transaction, so a collector still
  serving it does not tear the copy (what it stores afterwards is not copied:
  stop it first for a real move).
* The target gets the schema first (migrations), then must be empty: no rows
  in any table but the ones a fresh schema fills itself (the settings a
  collector makes on its own, names starting with `_`, and the recount's
  state row), which are replaced by the source's. The source's session
  secret and work-item salt therefore carry over: sessions stay valid and
  hashed work-item references keep matching.
* Tables are written parents first (their foreign keys), with COPY; identity
  columns then continue after the highest id copied.
* Verified per table, before the commit: the row count and the sum of every
  numeric column, on both sides. Any difference rolls the whole copy back.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from collector.store.errors import StoreError

#: Bookkeeping of each backend's migrations: never copied.
MIGRATION_TABLES = frozenset({"_sqlite_migrations", "backlight_migrations"})
#: Tables whose rows a fresh schema (or a collector on its own) makes; replaced.
SELF_FILLED = ("settings", "interruption_recount")
_NUMERIC = frozenset({"integer", "bigint", "smallint", "double precision", "real", "numeric"})


@dataclass
class TableCopied:
    """One table as copied: its rows, and the sum of each numeric column."""

    table: str
    rows: int
    totals: dict[str, float] = field(default_factory=dict)


def copy_to_postgres(source: Path, target_url: str) -> list[TableCopied]:
    """Copy the SQLite database at `source` into the empty PostgreSQL database
    at `target_url`; returns each table's figures. Raises StoreError, with the
    target untouched but for its schema, when it is not empty, when the two
    schemas differ, or when a count or a total does not match after the copy."""
    from collector.store import open_store

    if not source.is_file():
        raise StoreError(f"no SQLite database at {source}")
    lite_store = open_store(f"sqlite:///{source}", migrate=False)
    try:
        pending = lite_store.pending_migrations()
    finally:
        lite_store.close()
    if pending:
        raise StoreError(
            f"{source} is not at this version's schema ({len(pending)} migrations to run): "
            "open it once with this version (backlight-collector init --db ...) first"
        )
    open_store(target_url).close()  # the schema, migrated as any collector would
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    try:
        lite.execute("BEGIN")  # one consistent state of the source
        with psycopg.connect(target_url) as pg, pg.transaction():
            return _copy(lite, pg)
    except psycopg.Error as exc:
        raise StoreError(f"the copy into PostgreSQL failed, nothing was kept: {exc}") from exc
    finally:
        lite.close()


def _copy(lite: sqlite3.Connection, pg: psycopg.Connection) -> list[TableCopied]:
    columns = _matching_columns(lite, pg)
    order = _parents_first(pg, list(columns))
    names = ", ".join(f'"{t}"' for t in order)
    pg.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")  # no writer between check and copy
    _refuse_non_empty(pg, order)
    for table in SELF_FILLED:
        pg.execute(f'DELETE FROM "{table}"')
    for table in order:
        cols = ", ".join(f'"{c}"' for c in columns[table])
        with pg.cursor().copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in lite.execute(f'SELECT {cols} FROM "{table}"'):
                copy.write_row(row)
    _continue_identities(pg, order)
    return _verify(lite, pg, order, columns)


def _matching_columns(lite: sqlite3.Connection, pg: psycopg.Connection) -> dict[str, list[str]]:
    """Every table's columns, the same on both sides, or a StoreError saying what differs."""
    lite_tables = {
        r[0]
        for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_")
    } - MIGRATION_TABLES
    pg_tables = {
        r[0]
        for r in pg.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    } - MIGRATION_TABLES
    if lite_tables != pg_tables:
        raise StoreError(
            f"the two schemas differ: only in SQLite {sorted(lite_tables - pg_tables)}, "
            f"only in PostgreSQL {sorted(pg_tables - lite_tables)}"
        )
    out = {}
    for table in sorted(lite_tables):
        mine = [r[1] for r in lite.execute(f'PRAGMA table_info("{table}")')]
        theirs = {
            r[0]
            for r in pg.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                (table,),
            )
        }
        if set(mine) != theirs:
            raise StoreError(
                f"table {table}: columns differ "
                f"(SQLite {sorted(mine)}, PostgreSQL {sorted(theirs)})"
            )
        out[table] = mine
    return out


def _parents_first(pg: psycopg.Connection, tables: list[str]) -> list[str]:
    """The tables ordered so that each comes after those its foreign keys name."""
    parents: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in pg.execute(
        """SELECT c.relname, p.relname FROM pg_constraint k
           JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE k.contype = 'f' AND n.nspname = current_schema()"""
    ):
        if child in parents and parent != child:
            parents[child].add(parent)
    order: list[str] = []
    while parents:
        ready = sorted(t for t, ps in parents.items() if not ps - set(order))
        if not ready:
            raise StoreError(f"foreign keys in a cycle among {sorted(parents)}")
        order += ready
        for t in ready:
            del parents[t]
    return order


def _refuse_non_empty(pg: psycopg.Connection, tables: list[str]) -> None:
    held = [
        t
        for t in tables
        if t not in SELF_FILLED and pg.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()
    ]
    own = pg.execute("SELECT key FROM settings WHERE key NOT LIKE '\\_%' ORDER BY key").fetchall()
    if own:
        held.append(f"settings ({', '.join(r[0] for r in own)})")
    if held:
        raise StoreError(
            "the target database is not empty (rows in "
            + ", ".join(held)
            + "): migrate copies only into an empty database"
        )


def _continue_identities(pg: psycopg.Connection, tables: list[str]) -> None:
    for table, column in pg.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ).fetchall():
        if table not in tables:
            continue
        pg.execute(
            f"""SELECT setval(pg_get_serial_sequence(%s, %s),
                   COALESCE((SELECT MAX("{column}") FROM "{table}"), 1),
                   (SELECT MAX("{column}") FROM "{table}") IS NOT NULL)""",
            (f'"{table}"', column),
        )


def _verify(
    lite: sqlite3.Connection,
    pg: psycopg.Connection,
    tables: list[str],
    columns: dict[str, list[str]],
) -> list[TableCopied]:
    numeric = {
        (t, c)
        for t, c, kind in pg.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
        if kind in _NUMERIC
    }
    out = []
    for table in tables:
        sums = [c for c in columns[table] if (table, c) in numeric]
        select = ", ".join(["COUNT(*)", *(f'SUM("{c}")' for c in sums)])
        there = lite.execute(f'SELECT {select} FROM "{table}"').fetchone()
        here = pg.execute(f'SELECT {select} FROM "{table}"').fetchone()
        if there[0] != here[0]:
            raise StoreError(f"table {table}: {there[0]} rows in SQLite, {here[0]} copied")
        for name, a, b in zip(sums, there[1:], here[1:], strict=True):
            if not _same(a, b):
                raise StoreError(f"table {table}: {name} totals {a} in SQLite, {b} copied")
        totals = {n: float(v or 0) for n, v in zip(sums, there[1:], strict=True)}
        out.append(TableCopied(table, int(there[0]), totals))
    return out


def _same(a: object, b: object) -> bool:
    """Equal sums: exactly for whole numbers, to rounding for doubles (the two
    databases add in different orders)."""
    if a is None or b is None:
        return a is None and b is None
    x, y = float(a), float(b)  # type: ignore[arg-type]
    return x == y or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6)
