"""Online backup and restore of a SQLite database (the `backup` and `restore`
commands are collector/backup_commands.py).

Backup uses SQLite's online backup API in one step: the copy is read inside
one read transaction, so it is the database as of one commit, while the
server goes on ingesting beside it (WAL: the reader blocks no writer). The
copy is written to ``PATH.partial``, checked (``PRAGMA integrity_check``),
made durable and only then renamed to PATH, so a crash or a full disk during
a backup never leaves a file at PATH that looks complete and is not. It is a
single self-contained file (rollback journal, no ``-wal`` beside it).

Restore refuses to replace a database a running collector holds: `serve`
keeps a shared lock on ``<db>.serving.lock`` for its lifetime and restore
needs it exclusively (and keeps it, so no server starts half-way). Before
replacing anything it checks the backup, and it keeps the database it
replaces as ``<db>.before-restore-<time>``. The schema of an older backup is
brought up to date when `serve` next starts, as for any database.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from collector.store.errors import StoreError, StoreUnavailable
from collector.store.records import Copied
from collector.store.sqlite.integrity import integrity_problems

#: Tables without which a file is not a Backlight database.
_REQUIRED_TABLES = {"batches", "segments", "rollups", "settings", "devices"}


class RestoreRefused(StoreError):
    """Restore would have replaced something it must not; nothing was changed."""


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".serving.lock")


@contextlib.contextmanager
def _locked(db: Path, exclusive: bool) -> Iterator[bool]:
    """Hold the serving lock; yields False when someone else holds it the other way."""
    if sys.platform == "win32":  # no fcntl: the guard is POSIX only (docs/deploy.md)
        yield True
        return
    import fcntl

    fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


_SERVING: list[contextlib.ExitStack] = []


def hold_while_serving(db: Path) -> None:
    """Called by `serve`: a shared lock for the process's lifetime (several
    servers may share a database; a restore may not run under any of them)."""
    stack = contextlib.ExitStack()
    if not stack.enter_context(_locked(db, exclusive=False)):
        stack.close()
        raise RestoreRefused(f"{db} is being restored; start the collector when it is done")
    _SERVING.append(stack)


def _counts(conn: sqlite3.Connection) -> tuple[int, int]:
    return (
        conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0],
        conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0],
    )


def _check(conn: sqlite3.Connection, what: str) -> None:
    problems = integrity_problems(conn)
    if problems:
        raise RestoreRefused(f"{what} fails its integrity check: {problems[:3]}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables >= _REQUIRED_TABLES:
        raise RestoreRefused(f"{what} is not a Backlight database")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(db: Path, target: Path) -> Copied:
    try:
        return _backup(db, target)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"backup of {db}: {exc}") from exc


def _backup(db: Path, target: Path) -> Copied:
    """Copy the live database at `db` to `target`, consistent as of one commit."""
    if not db.is_file():
        raise RestoreRefused(f"{db}: no database there (check --db)")
    if target.exists():
        raise RestoreRefused(f"{target} exists; remove it or choose another name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(db, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # pages=-1: all in one step, one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")
        _check(copy, "the copy")
        batches, segments = _counts(copy)
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    copy.close()
    _fsync(partial)
    os.replace(partial, target)
    _fsync(target.parent)
    return Copied(target, target.stat().st_size, batches, segments)


def restore(source: Path, db: Path) -> tuple[Copied, Path | None]:
    """Replace the database at `db` by the backup at `source`; returns what was
    restored and where the replaced database was kept (None: there was none)."""
    try:
        return _restore(source, db)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"restore of {source}: {exc}") from exc


def _restore(source: Path, db: Path) -> tuple[Copied, Path | None]:
    if not source.is_file():
        raise RestoreRefused(f"{source}: no backup there")
    backup_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check(backup_conn, str(source))
        db.parent.mkdir(parents=True, exist_ok=True)
        with _locked(db, exclusive=True) as free:
            if not free:
                raise RestoreRefused(
                    f"a running collector holds {db}; stop it (systemctl stop "
                    "backlight-collector), then restore"
                )
            kept = None
            if db.exists():
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                kept = db.with_name(f"{db.name}.before-restore-{stamp}")
                _backup(db, kept)
            target = sqlite3.connect(db, timeout=30)
            try:
                backup_conn.backup(target)
                target.execute("PRAGMA journal_mode=WAL")
                _check(target, f"the restored {db}")
                batches, segments = _counts(target)
            finally:
                target.close()
    finally:
        backup_conn.close()
    return Copied(db, db.stat().st_size, batches, segments), kept
