"""The SQLite job lock: an exclusive `flock` on ``<db>.jobs.lock`` beside the
database.

The kernel drops a flock when the last descriptor of its open file is
closed, so a process killed with -9 gives it up at once; another process
opening the file takes it on its next try. Each process opens the file
itself (a descriptor inherited over fork would share the one lock). A flock
holds across processes of one machine only, which is all a SQLite database
can be shared by (docs/scale.md).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from collector.store.errors import StoreUnavailable
from collector.store.job_lock import JobLock


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".jobs.lock")


class FileJobLock(JobLock):
    def __init__(self, db: Path):
        self.path = lock_path(db)
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StoreUnavailable(f"cannot open the job lock {self.path}: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # BlockingIOError: another process holds it
            os.close(fd)
            return False
        os.ftruncate(fd, 0)  # who holds it, for an operator's `cat`
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None  # a flock is lost only with its descriptor

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def describe(self) -> str:
        return f"flock {self.path}"
