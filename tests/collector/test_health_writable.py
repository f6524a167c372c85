"""/health on a real collector says whether the database can take a write.

A write lock held by another process (say a long CLI import) makes it answer
503 naming the reason within a few seconds, and 200 again once released; it
writes nothing itself. (A full disk: tests/collector/test_disk_full_507.py.)
"""

from __future__ import annotations

import sqlite3
import time


def test_health_reports_a_database_that_cannot_take_a_write(collector):
    ok = collector.api("GET", "/health")
    assert ok.status_code == 200 and ok.json()["database"] == "writable"
    with sqlite3.connect(collector.db) as c:
        before = c.execute("SELECT COUNT(*), MAX(rowid) FROM settings").fetchone()

    holder = sqlite3.connect(collector.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        busy = collector.api("GET", "/health")
        assert busy.status_code == 503, busy.text
        assert busy.json()["error"] == "unavailable"
        assert "busy" in busy.json()["message"]
        assert time.monotonic() - started < 10
    finally:
        holder.rollback()
        holder.close()

    again = collector.api("GET", "/health")
    assert again.status_code == 200, again.text
    with sqlite3.connect(collector.db) as c:
        assert c.execute("SELECT COUNT(*), MAX(rowid) FROM settings").fetchone() == before
        assert c.execute("SELECT 1 FROM settings WHERE key = '_health_probe'").fetchone() is None
