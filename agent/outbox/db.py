"""The outbox's SQLite file: its tables, how it is opened, and its notes.

The queue (``agent.outbox``), what is held aside (``agent.outbox.quarantine``) and
the figures shown in status (``agent.outbox.stats``) all live in this one file.

``synchronous=FULL``: with WAL, NORMAL already survives a killed process, but
may lose the last commits on power loss. Writes here are rare (a segment per
app switch, a checkpoint a minute), so an fsync each is cheap, and a segment
we believe written survives a pulled plug too.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,
    start TEXT NOT NULL, end TEXT NOT NULL,
    start_ts REAL NOT NULL, end_ts REAL NOT NULL,
    category TEXT NOT NULL, client TEXT, app TEXT NOT NULL, state TEXT NOT NULL,
    keys INTEGER NOT NULL, clicks INTEGER NOT NULL,
    rules_version INTEGER NOT NULL, timezone TEXT NOT NULL,
    batch_id TEXT, sent INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS segments_queue ON segments (sent, batch_id, id);
CREATE INDEX IF NOT EXISTS segments_end ON segments (end_ts);
CREATE TABLE IF NOT EXISTS open_segment (
    slot INTEGER PRIMARY KEY CHECK (slot = 1),
    start TEXT NOT NULL, end TEXT NOT NULL, category TEXT NOT NULL, client TEXT,
    app TEXT NOT NULL, state TEXT NOT NULL, keys INTEGER NOT NULL, clicks INTEGER NOT NULL,
    rules_version INTEGER NOT NULL, timezone TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY, created_at TEXT NOT NULL,
    rules_version INTEGER NOT NULL, timezone TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
    quarantined_at TEXT, status_code INTEGER, error_body TEXT
);
CREATE TABLE IF NOT EXISTS consent_queue (
    id INTEGER PRIMARY KEY, body TEXT NOT NULL, upto_segment INTEGER NOT NULL,
    quarantined_at TEXT, status_code INTEGER, error_body TEXT
);
CREATE TABLE IF NOT EXISTS units_queue (
    id INTEGER PRIMARY KEY, body TEXT NOT NULL, upto_segment INTEGER NOT NULL,
    quarantined_at TEXT, status_code INTEGER, error_body TEXT
);
CREATE TABLE IF NOT EXISTS timed_items (
    id INTEGER PRIMARY KEY, type TEXT NOT NULL, ref TEXT NOT NULL, ref_hash TEXT,
    started TEXT NOT NULL, ended TEXT, ended_ts REAL, outcome TEXT, active_s REAL,
    batch_id TEXT, sent INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS timed_item_spans (
    id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES timed_items (id),
    start_ts REAL NOT NULL, end_ts REAL, active_s REAL
);
CREATE TABLE IF NOT EXISTS imports (
    digest TEXT PRIMARY KEY, source TEXT NOT NULL, imported_at TEXT NOT NULL,
    segments INTEGER NOT NULL, seconds REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS imported_spans (
    digest TEXT NOT NULL REFERENCES imports (digest), start_ts REAL NOT NULL, end_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create if new) the outbox file; transactions are begun explicitly."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.executescript(SCHEMA)
    return conn


def write_meta(c: sqlite3.Connection, key: str, value: Any) -> None:
    """A note in the ``meta`` table, inside the caller's transaction; None removes it."""
    if value is None:
        c.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(value)))


def now_iso() -> str:
    return datetime.now().astimezone().isoformat()
