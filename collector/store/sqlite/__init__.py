"""The SQLite backend of the store (see collector/store/base.py)."""

from collector.store.sqlite.store import SqliteStore, open_sqlite

__all__ = ["SqliteStore", "open_sqlite"]
