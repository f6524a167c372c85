"""The lock that lets one process run the background jobs (collector/jobs.py)
while several serve one database: a file lock for SQLite, an advisory lock
for PostgreSQL. Whoever holds it runs retention and settling; the others
keep trying, so when the holder dies another takes over.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path


class JobLock(ABC):
    """Held by at most one process at a time for one database.

    Not reentrant and not shared between threads: the jobs' leader thread
    (collector/jobs.py) owns it."""

    @abstractmethod
    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never waits. Raises StoreUnavailable
        when the database cannot be reached (the caller tries again later)."""

    @abstractmethod
    def still_held(self) -> bool:
        """Whether this process still holds it: False once what carried it (a
        database session) is gone, after which another process may hold it."""

    @abstractmethod
    def release(self) -> None:
        """Give it up (and whatever carried it); harmless when not held."""

    @abstractmethod
    def describe(self) -> str:
        """Where the lock is, for the log (no password)."""


def open_job_lock(url: str | Path) -> JobLock:
    """The job lock of the database at `url`, not yet taken."""
    from collector.store import backend_of, sqlite_path

    if backend_of(url) == "postgresql":
        from collector.store.postgres.job_lock import AdvisoryJobLock

        return AdvisoryJobLock(str(url))
    from collector.store.sqlite.job_lock import FileJobLock

    return FileJobLock(Path(sqlite_path(url)))
