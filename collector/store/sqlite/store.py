"""The SQLite backend: one `SqliteStore` per connection, made of one mixin per
entity (people, devices, users, API keys, ingest, rollups, reports ...), so
each file holds one idea and all of this backend's SQL stays in this folder.

Driver errors do not leave it: an `sqlite3.OperationalError` (a full or
read-only disk, a lock held too long) becomes `StoreUnavailable`, and an
`sqlite3.IntegrityError` in a write (a unique key, a foreign key) `Conflict`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from collector.store.base import DayCounter
from collector.store.errors import StoreError
from collector.store.sqlite.absences import AbsencesMixin
from collector.store.sqlite.alert_log import AlertLogMixin
from collector.store.sqlite.api_keys import ApiKeysMixin
from collector.store.sqlite.audit import AuditMixin
from collector.store.sqlite.changes import ChangesMixin
from collector.store.sqlite.clients import ClientsMixin
from collector.store.sqlite.configuration import ConfigurationMixin
from collector.store.sqlite.connection import SqliteConnection
from collector.store.sqlite.daily import DailyQueriesMixin
from collector.store.sqlite.devices import DevicesMixin
from collector.store.sqlite.health import HealthMixin
from collector.store.sqlite.ingest import IngestMixin
from collector.store.sqlite.interruption_recount import InterruptionRecountMixin
from collector.store.sqlite.interruptions import InterruptionsMixin
from collector.store.sqlite.output_units import OutputUnitsMixin
from collector.store.sqlite.people import TeamsMixin
from collector.store.sqlite.person_data import PersonDataMixin
from collector.store.sqlite.reports import QueriesMixin
from collector.store.sqlite.sessions import WebSessionsMixin
from collector.store.sqlite.users import UsersMixin
from collector.store.sqlite.work_items import WorkItemsMixin

_SESSION_SECRET = "_session_secret"


class SqliteStore(
    TeamsMixin,
    AlertLogMixin,
    DevicesMixin,
    UsersMixin,
    ApiKeysMixin,
    ConfigurationMixin,
    ClientsMixin,
    OutputUnitsMixin,
    AuditMixin,
    IngestMixin,
    InterruptionsMixin,
    InterruptionRecountMixin,
    QueriesMixin,
    DailyQueriesMixin,
    ChangesMixin,
    AbsencesMixin,
    WorkItemsMixin,
    WebSessionsMixin,
    HealthMixin,
    PersonDataMixin,
    SqliteConnection,
):
    """Every entity's SQL over one connection (connection.py)."""

    # -- odd needs of callers outside the store ---------------------------
    def session_secret(self, make: Any) -> str:
        """The database's dashboard-session secret, made with `make()` on first use."""
        row = self.one("SELECT value FROM settings WHERE key = ?", (_SESSION_SECRET,))
        if row:
            return row["value"]
        secret = make()
        with self.write() as c:
            c.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                (_SESSION_SECRET, secret),
            )
        return self.one("SELECT value FROM settings WHERE key = ?", (_SESSION_SECRET,))["value"]

    def has_people(self) -> bool:
        return self.one("SELECT 1 FROM people LIMIT 1") is not None

    def row_count(self, table: str) -> int:
        """Rows in one table, for checks that nothing was stored twice or lost."""
        if table not in self.db.table_names():
            raise StoreError(f"no table {table!r}")
        return int(self.one(f"SELECT COUNT(*) FROM [{table}]")[0])


def open_sqlite(path: str | Path, migrate: bool, count_day: DayCounter | None) -> SqliteStore:
    store = SqliteStore(path, count_day)
    if migrate:
        store.migrate()
    return store
