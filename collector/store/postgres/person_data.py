"""The employee's erasure on PostgreSQL: the shared deletes (sqlite/person_data.py)
in one transaction, then no byte of them left in the tables' files.

PostgreSQL deletes by marking rows dead; plain VACUUM only makes their space
reusable, leaving the bytes in place until overwritten. `VACUUM FULL`
rewrites each table the erasure touched into a new file without dead rows and
removes the old one (docs/design.md §5: nothing of the person remains). It
holds each table's lock while it copies, so an erasure pauses ingest for the
time of one copy of the largest touched table (segments): erasures are rare
and run by an operator. Copies outside the database (pg_dump files, archived
WAL, replicas' lag) are the operator's retention to keep, as for SQLite's
backups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.store.sqlite.person_data import NAMING_TABLES, PERSON_TABLES

if TYPE_CHECKING:
    from collector.store.postgres.connection import PostgresConnection as Store

#: Every table `person_erase` deletes from or recounts.
TOUCHED = tuple(
    dict.fromkeys(
        [
            "consents",
            "batches",
            *(table for table, _column in PERSON_TABLES + NAMING_TABLES),
            "devices",
            "audit_log",
            "people",
            "team_rollups",
            "team_days",
        ]
    )
)


class PostgresWipeMixin:
    def wipe_free_space(self: Store) -> None:
        for table in TOUCHED:  # VACUUM runs outside a transaction, one table at a time
            self.conn.execute(f"VACUUM FULL {table}")
