"""Storage: all SQL lives in this package; the rest of the collector calls
the `Store` interface (base.py) and gets a backend from `open_store(url)`."""

from __future__ import annotations

import re
from pathlib import Path

from collector.store.base import DayCounter, Store
from collector.store.errors import (
    BatchIdReused,
    Conflict,
    StorageFull,
    StoreError,
    StoreUnavailable,
    UnknownBackend,
)
from collector.store.job_lock import JobLock, open_job_lock
from collector.store.records import Copied, Device, Principal

__all__ = [
    "BatchIdReused",
    "Conflict",
    "Copied",
    "DayCounter",
    "Device",
    "JobLock",
    "Principal",
    "StorageFull",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "UnknownBackend",
    "after_fork",
    "backend_of",
    "backup",
    "check_url",
    "copy_to_postgresql",
    "hold_while_serving",
    "open_job_lock",
    "open_store",
    "restore",
    "sqlite_path",
]

SCHEMES = ("sqlite", "postgresql", "postgres")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):")
_POSTGRES = ("postgresql", "postgres")


def backend_of(url: str | Path) -> str:
    """ "sqlite" or "postgresql" for a database URL or a plain SQLite path.
    Raises UnknownBackend for a scheme no backend handles."""
    found = _SCHEME.match(str(url))
    if found is not None and found.group(1) in _POSTGRES:
        if not str(url).startswith(f"{found.group(1)}://"):
            raise UnknownBackend(
                f"a PostgreSQL URL is postgresql://user@host:port/database, not {str(url)!r}"
            )
        return "postgresql"
    sqlite_path(url)  # raises for anything else that is not SQLite's
    return "sqlite"


def check_url(url: str | Path) -> None:
    """Raise UnknownBackend unless some backend opens `url`."""
    backend_of(url)


def sqlite_path(url: str | Path) -> str:
    """The file a SQLite URL or a plain path names. As in SQLAlchemy,
    ``sqlite:///backlight.db`` is relative and ``sqlite:////var/lib/b.db``
    absolute. Raises UnknownBackend for a scheme no backend handles."""
    text = str(url)
    found = _SCHEME.match(text)
    if found is None:  # a path (C:\\ is a drive, not a scheme)
        return text
    scheme = found.group(1)
    if scheme == "sqlite":
        if not text.startswith("sqlite:///"):
            raise UnknownBackend(f"a SQLite URL is sqlite:///path/to/file.db, not {text!r}")
        return text[len("sqlite:///") :]
    raise UnknownBackend(
        f"unknown database scheme {scheme!r} in {text!r}; known: {', '.join(SCHEMES)}"
    )


def open_store(
    url: str | Path, migrate: bool = True, *, count_day: DayCounter | None = None
) -> Store:
    """The store for a database URL or a plain SQLite path; `migrate` brings
    the schema forward first. `count_day` is needed by whoever reads or settles
    interruption counts (collector.jobs.count_day)."""
    if backend_of(url) == "postgresql":
        from collector.store.postgres import open_postgres

        return open_postgres(str(url), migrate, count_day)
    path = sqlite_path(url)
    from collector.store.sqlite import open_sqlite

    return open_sqlite(path, migrate, count_day)


# -- Copies of a whole database (the `backup` and `restore` commands) -------
def _sqlite_only(url: str | Path, what: str, instead: str) -> None:
    if backend_of(url) != "sqlite":
        raise StoreError(
            f"`{what}` copies a SQLite database file; for PostgreSQL use {instead} "
            "(docs/storage.md)"
        )


def backup(url: str | Path, target: Path) -> Copied:
    """Copy the live database to `target`, consistent as of one commit."""
    _sqlite_only(url, "backup", "pg_dump --format=custom")
    from collector.store.sqlite import backup as sqlite_backup

    return sqlite_backup.backup(Path(sqlite_path(url)), target)


def restore(source: Path, url: str | Path) -> tuple[Copied, Path | None]:
    """Replace the database by the backup at `source` (no collector may serve
    it); returns what was restored and where the replaced one was kept."""
    _sqlite_only(url, "restore", "pg_restore into an empty database")
    from collector.store.sqlite import backup as sqlite_backup

    return sqlite_backup.restore(source, Path(sqlite_path(url)))


def copy_to_postgresql(source_url: str | Path, target_url: str) -> list:
    """`migrate --to`: the SQLite database copied whole into an empty PostgreSQL
    one, verified table by table (copy_to_postgres.py); a TableCopied each."""
    _sqlite_only(source_url, "migrate --to", "pg_dump and pg_restore")
    if backend_of(target_url) != "postgresql":
        raise StoreError(f"migrate --to takes a postgresql:// URL, not {target_url!r}")
    from collector.store.copy_to_postgres import copy_to_postgres

    return copy_to_postgres(Path(sqlite_path(source_url)), str(target_url))


def hold_while_serving(url: str | Path) -> None:
    """Called by `serve`: no restore may replace the database while it runs.
    A PostgreSQL server keeps its own clients apart; nothing to hold."""
    if backend_of(url) != "sqlite":
        return
    from collector.store.sqlite import backup as sqlite_backup

    sqlite_backup.hold_while_serving(Path(sqlite_path(url)))


def after_fork() -> None:
    """In a freshly forked server worker: forget the database pools copied
    from the parent, so the first store opened here connects on its own
    (two processes on one server session would interleave their statements)."""
    from collector.store.postgres.pool import forget_after_fork

    forget_after_fork()
