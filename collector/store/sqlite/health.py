"""Can the database take a write right now? For `/api/v1/health`.

A rolled-back write proves the file is writable and the write lock can be
had, but SQLite keeps a small uncommitted change in memory, so it would say
"writable" on a full disk; the free space of the database's file system is
checked beside it. Nothing is left behind either way.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

#: Below this a batch of 500 segments (and its WAL frames) may not fit.
MIN_FREE_BYTES = 4 * 1024 * 1024
LOCK_WAIT_S = 3.0


class HealthMixin:
    def write_problem(self: Store, min_free_bytes: int = MIN_FREE_BYTES) -> str | None:
        """None when a write would succeed; otherwise the reason, for an operator."""
        folder = Path(self.path).resolve().parent
        try:
            free = shutil.disk_usage(folder).free
        except OSError as exc:
            return f"cannot read the free space of {folder}: {exc.strerror}"
        if free < min_free_bytes:
            return f"disk full: {free} bytes free where the database lives (need {min_free_bytes})"
        if not os.access(self.path, os.W_OK):
            return "the database file is not writable by the collector"
        if self.conn.in_transaction or not self._write_lock.acquire(timeout=LOCK_WAIT_S):
            return f"the database is busy: no write lock within {LOCK_WAIT_S:.0f} s"
        # Another process's writer (a CLI command) may hold the file: wait for
        # it as long as a load balancer's probe would, not the store's 30 s.
        self.conn.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT_S * 1000)}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES ('_health_probe', '1')"
                )
            finally:
                self.conn.rollback()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return f"the database is busy: another writer held it for {LOCK_WAIT_S:.0f} s"
            return f"a test write failed: {exc}"
        except sqlite3.Error as exc:
            return f"a test write failed: {exc}"
        finally:
            self.conn.execute("PRAGMA busy_timeout=30000")
            self._write_lock.release()
        return None
