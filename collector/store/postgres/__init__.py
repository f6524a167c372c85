"""The PostgreSQL backend (docs/storage.md)."""

from collector.store.postgres.store import PostgresStore, open_postgres

__all__ = ["PostgresStore", "open_postgres"]
