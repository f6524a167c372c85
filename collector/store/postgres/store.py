"""The PostgreSQL backend: the shared entity mixins (collector/store/sqlite/,
whose SQL is the subset both databases speak; docs/storage.md) over a
PostgreSQL connection, with this backend's own parts where the two differ:
the connection and its pool, the schema, the duplicate check of ingest,
the health probe and the erasure's wipe.
"""

from __future__ import annotations

from typing import Any

from collector.store.base import DayCounter
from collector.store.errors import StoreError
from collector.store.postgres.connection import PostgresConnection
from collector.store.postgres.grouping import PostgresApiKeysMixin, PostgresOutputUnitsMixin
from collector.store.postgres.health import PostgresHealthMixin
from collector.store.postgres.ingest import PostgresIngestMixin
from collector.store.postgres.person_data import PostgresWipeMixin
from collector.store.sqlite.absences import AbsencesMixin
from collector.store.sqlite.alert_log import AlertLogMixin
from collector.store.sqlite.audit import AuditMixin
from collector.store.sqlite.changes import ChangesMixin
from collector.store.sqlite.clients import ClientsMixin
from collector.store.sqlite.configuration import ConfigurationMixin
from collector.store.sqlite.daily import DailyQueriesMixin
from collector.store.sqlite.devices import DevicesMixin
from collector.store.sqlite.interruption_recount import InterruptionRecountMixin
from collector.store.sqlite.interruptions import InterruptionsMixin
from collector.store.sqlite.people import TeamsMixin
from collector.store.sqlite.person_data import PersonDataMixin
from collector.store.sqlite.reports import QueriesMixin
from collector.store.sqlite.sessions import WebSessionsMixin
from collector.store.sqlite.users import UsersMixin
from collector.store.sqlite.work_items import WorkItemsMixin

_SESSION_SECRET = "_session_secret"


class PostgresStore(
    TeamsMixin,
    AlertLogMixin,
    DevicesMixin,
    UsersMixin,
    PostgresApiKeysMixin,
    ConfigurationMixin,
    ClientsMixin,
    PostgresOutputUnitsMixin,
    AuditMixin,
    PostgresIngestMixin,
    InterruptionsMixin,
    InterruptionRecountMixin,
    QueriesMixin,
    DailyQueriesMixin,
    ChangesMixin,
    AbsencesMixin,
    WorkItemsMixin,
    WebSessionsMixin,
    PostgresHealthMixin,
    PostgresWipeMixin,
    PersonDataMixin,
    PostgresConnection,
):
    """Every entity's SQL over one pooled PostgreSQL connection (connection.py)."""

    def session_secret(self, make: Any) -> str:
        """The database's dashboard-session secret, made with `make()` on first use;
        two processes starting at once keep the first one stored."""
        self.conn.execute(
            "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (_SESSION_SECRET, make())
        )
        return self.one("SELECT value FROM settings WHERE key = ?", (_SESSION_SECRET,))["value"]

    def has_people(self) -> bool:
        return self.one("SELECT 1 FROM people LIMIT 1") is not None

    def row_count(self, table: str) -> int:
        """Rows in one table, for checks that nothing was stored twice or lost."""
        known = self.one(
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        )
        if known is None:
            raise StoreError(f"no table {table!r}")
        return int(self.one(f'SELECT COUNT(*) FROM "{table}"')[0])


def open_postgres(url: str, migrate: bool, count_day: DayCounter | None) -> PostgresStore:
    store = PostgresStore(url, count_day)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store
