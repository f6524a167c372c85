"""What the rest of the collector may ask of storage, whatever holds the data.

`Store` is the one interface; `open_store(url)` (collector/store/__init__.py)
picks the backend by the URL's scheme. Everything a caller gets back is plain
data (dicts, lists, numbers, the records in records.py), never a driver's row,
and every failure is one of errors.py's, never a driver's exception.

Adding a backend (PostgreSQL is next, issue 11):

1. Make a package beside ``sqlite/`` holding a class that subclasses `Store`
   and implements every abstract method below and in access.py (Python refuses to make one
   that misses any), with its own schema and migrations.
2. Turn its driver's failures into `StoreUnavailable` (the disk, the server,
   a lock) and `Conflict` (a write that contradicts what is stored).
3. Add its URL scheme to `open_store` and its name to `BACKENDS` in
   tests/fixtures/store.py: every test in tests/collector/store/ takes the
   `store` fixture, so each one runs once per backend. Under CI=true a backend
   whose server is missing must fail, never skip.

Transactions: `write()` is one transaction that commits whole or not at all
(nested calls join the outer one); `snapshot()` is one consistent read that
writes nothing. What they yield is the backend's own; callers outside the
store only use them as ``with store.write():``.

Interruption counts need detection (collector/metrics), which is not storage:
the store is opened with a `DayCounter` (collector/jobs.py has the real one)
and hands it each recounted person-day's active spans.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from collector.store.access import AccessStore

if TYPE_CHECKING:
    from collector.store.records import Device
    from shared.payload import SummaryBatch

#: (start, end, utc_offset_min, category) of a person-day's active segments in
#: order, the day (ISO), min_focus_s, max_away_s -> (interruptions, away
#: seconds, task switches, focus seconds, focus sessions) of that day.
DayCounter = Callable[
    [list[tuple[float, float, int, str]], str, float, float],
    tuple[int, float, int, float, int],
]


class Store(AccessStore):
    """The storage interface; one instance per connection (per server thread)."""

    #: Where the data lives, as given to open_store (a path or a URL).
    path: str

    # -- lifecycle and transactions ----------------------------------------
    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def migrate(self) -> None:
        """Bring the schema forward; safe to call on every start."""

    @abstractmethod
    def pending_migrations(self) -> list[str]: ...

    @abstractmethod
    def write(self) -> AbstractContextManager[Any]:
        """One write transaction: everything inside commits, or nothing does."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[Any]:
        """One read transaction that sees a single committed state."""

    @abstractmethod
    def end_request(self) -> None:
        """Roll back whatever a failed request left open, so the next starts clean."""

    @abstractmethod
    def session_secret(self, make: Callable[[], str]) -> str:
        """The dashboard-session secret of this database, made once with `make`."""

    @abstractmethod
    def has_people(self) -> bool: ...

    @abstractmethod
    def row_count(self, table: str) -> int: ...

    # -- Settings and rules ------------------------------------------------
    @abstractmethod
    def settings(self) -> dict[str, Any]: ...

    @abstractmethod
    def set_settings(self, changes: dict[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def current_rules(self) -> tuple[int, list[dict]]: ...

    @abstractmethod
    def replace_rules(self, rules: list[dict], actor: str) -> int: ...

    @abstractmethod
    def replace_rules_if_current(
        self, expected_version: int, rules: list[dict], actor: str
    ) -> int | None: ...

    @abstractmethod
    def rule_version_info(self) -> dict | None: ...

    # -- Clients and financials --------------------------------------------
    @abstractmethod
    def clients(self) -> list[dict]: ...

    @abstractmethod
    def client_exists(self, key: str) -> bool: ...

    @abstractmethod
    def upsert_client(self, key: str, name: str) -> bool: ...

    @abstractmethod
    def set_financials(self, key: str, month: str, revenue: float, agent_cost: float) -> None: ...

    @abstractmethod
    def financials(self, month: str) -> dict[str, tuple[float, float]]: ...

    # -- Output units ------------------------------------------------------
    @abstractmethod
    def add_output_units(self, rows: list[dict], source: str, actor: str) -> int: ...

    @abstractmethod
    def output_units(self, team_ids: list[int] | None, start: str, end: str) -> list[dict]: ...

    @abstractmethod
    def output_units_summary(self, team_ids: list[int] | None, start: str, end: str) -> dict: ...

    @abstractmethod
    def recent_output_units(
        self, team_ids: list[int] | None, start: str, end: str, limit: int
    ) -> list[dict]: ...

    @abstractmethod
    def weekly_units_by_function(
        self, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]: ...

    @abstractmethod
    def weekly_units_by_team(
        self, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]: ...

    # -- Deferred work (work types, work items, the tray's timings) --------------
    @abstractmethod
    def work_item_salt(self) -> str:
        """The organisation's salt: item ids are kept as HMAC-SHA256(salt, id)."""

    @abstractmethod
    def work_types(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def replace_work_types(self, types: list[dict[str, Any]]) -> list[str]: ...

    @abstractmethod
    def work_items_by_ref(
        self, keys: list[tuple[str, str]]
    ) -> dict[tuple[str, str], dict[str, Any]]: ...

    @abstractmethod
    def upsert_work_items(self, rows: list[dict[str, Any]], source: str) -> dict[str, int]: ...

    @abstractmethod
    def work_items_between(
        self, team_ids: list[int] | None, types: list[str] | None, start: float, end: float
    ) -> list[dict[str, Any]]: ...

    @abstractmethod
    def add_work_item_timings(self, rows: list[dict[str, Any]]) -> int: ...

    @abstractmethod
    def work_item_timings(
        self, team_ids: list[int] | None, types: list[str] | None, start: float, end: float
    ) -> list[dict[str, Any]]: ...

    # -- Absences ----------------------------------------------------------
    @abstractmethod
    def add_absences(self, rows: list[dict], actor: str) -> list[int]: ...

    @abstractmethod
    def absence(self, absence_id: int) -> dict | None: ...

    @abstractmethod
    def delete_absence(self, absence_id: int) -> bool: ...

    @abstractmethod
    def absences(self, team_ids: list[int] | None, start: str, end: str) -> list[dict]: ...

    @abstractmethod
    def absent_days(self, person_ids: list[int], start: str, end: str) -> dict[int, set]: ...

    @abstractmethod
    def first_tracked_days(self, person_ids: list[int]) -> dict[int, date]: ...

    @abstractmethod
    def counted_from_days(self, person_ids: list[int]) -> dict[int, date]:
        """Per person: the admin-set start day, else the first tracked day."""

    @abstractmethod
    def set_start_day(self, person_id: int, day: str | None) -> bool: ...

    # -- Audit log ---------------------------------------------------------
    @abstractmethod
    def audit(
        self, actor: str, action: str, target: str = "", detail: dict | None = None, ip: str = ""
    ) -> None: ...

    @abstractmethod
    def audit_log(self, limit: int = 200, offset: int = 0) -> list[dict]: ...

    @abstractmethod
    def audit_count(self) -> int: ...

    # -- Digest and alert deliveries (the sent-log) -------------------------
    @abstractmethod
    def claim_delivery(
        self, key: str, recipient: str, kind: str, team: str, period: str
    ) -> bool: ...

    @abstractmethod
    def finish_delivery(self, key: str, recipient: str, sent: bool) -> None: ...

    @abstractmethod
    def purge_deliveries(self, before: datetime) -> int: ...

    @abstractmethod
    def deliveries(self, limit: int = 500) -> list[dict]: ...

    # -- Ingest and retention ----------------------------------------------
    @abstractmethod
    def ingest(
        self, device: Device, batch: SummaryBatch, *, queue: tuple[int, int] | None = None
    ) -> tuple[int, bool]: ...

    @abstractmethod
    def purge_before(self, cutoff: datetime) -> dict[str, int]: ...

    # -- Interruption recounts ---------------------------------------------
    @abstractmethod
    def mark_for_recount(self, person_id: int, team_id: int, days: set[str]) -> None: ...

    @abstractmethod
    def settle_interruptions(self) -> int: ...

    @abstractmethod
    def unsettled_changes(
        self, team_ids: list[int] | None, start: str, end: str
    ) -> dict[str, list]: ...

    @abstractmethod
    def unsettled_person_counts(self, person_id: int, start: str, end: str) -> list[float]: ...

    # -- The recount of history after the thresholds change ------------------
    @abstractmethod
    def queue_interruption_recount(self, previous: dict[str, Any]) -> int:
        """Queue every stored person-day (set_settings calls it in its transaction)."""

    @abstractmethod
    def recount_history_step(self, limit: int = 50) -> int:
        """Recount up to `limit` queued person-days; how many were done."""

    @abstractmethod
    def recount_status(self) -> dict[str, Any]:
        """The thresholds in force and the recount's progress (done, total, running)."""

    # -- Report queries ----------------------------------------------------
    @abstractmethod
    def people_tracked(self, team_ids: list[int] | None, start: str, end: str) -> int: ...

    @abstractmethod
    def people_on_days(self, team_ids: list[int] | None, days: list[str]) -> int: ...

    @abstractmethod
    def hours_by_category(
        self, team_ids: list[int] | None, start: str, end: str
    ) -> dict[str, float]: ...

    @abstractmethod
    def units_by_function(
        self, team_ids: list[int] | None, start: str, end: str
    ) -> dict[str, tuple[float, float]]: ...

    @abstractmethod
    def weekly_hours_by_function(
        self, team_ids: list[int] | None, start: str, end: str
    ) -> list[dict]: ...

    @abstractmethod
    def interruption_days(self, team_ids: list[int] | None, start: str, end: str) -> list[dict]: ...

    @abstractmethod
    def function_days(self, team_ids: list[int] | None, start: str, end: str) -> list[dict]:
        """Per day and work function: {day, function, hours, people}."""

    @abstractmethod
    def tracked_days(self, team_ids: list[int] | None, start: str, end: str) -> dict[str, int]:
        """People tracked per day, for the days anyone was."""

    @abstractmethod
    def unit_days(
        self, team_ids: list[int] | None, start: str, end: str, function: str
    ) -> list[str]:
        """Days with output units of `function` recorded."""

    @abstractmethod
    def active_spans(
        self, team_ids: list[int] | None, start: str, end: str
    ) -> list[tuple[int, str, float, float, str]]:
        """(person_id, day, start, end, category) of the active segments, ordered."""

    # -- Marked changes (before/after) --------------------------------------
    @abstractmethod
    def add_change(self, day: str, note: str, team_ids: list[int], actor: str, ip: str = "") -> int:
        """Store a change and its audit entry in one transaction; its id."""

    @abstractmethod
    def changes(self, team_ids: list[int] | None = None) -> list[dict]:
        """{id, day, note, created_at, created_by, teams, team_ids}, newest first."""

    @abstractmethod
    def change(self, change_id: int) -> dict | None: ...

    @abstractmethod
    def client_hours(self, start: str, end: str) -> dict[str, tuple[float, int]]: ...

    @abstractmethod
    def client_function_hours(self, start: str, end: str) -> list[dict]:
        """Rows {client, function, person, hours}: person is an id, never a name."""

    @abstractmethod
    def client_units(self, start: str, end: str) -> dict[tuple[str, str], int]: ...

    @abstractmethod
    def hours_by_person(self, team_ids: list[int] | None, start: str, end: str) -> list[dict]: ...
    def weekly_hours_by_person(
        self, team_ids: list[int] | None, first_monday: str, last_monday: str
    ) -> list[dict]: ...

    @abstractmethod
    def uncategorised_apps(self, start: str, end: str, limit: int = 50) -> list[dict]: ...

    @abstractmethod
    def person_summary(self, person_id: int, start: str, end: str) -> dict: ...

    @abstractmethod
    def weekly_people(
        self, team_ids: list[int] | None, start: str, end: str, at_least: int | None = None
    ) -> dict[str, int]: ...

    # -- Health --------------------------------------------------------------
    @abstractmethod
    def write_problem(self) -> str | None:
        """None when a write would succeed now; otherwise why not, for /health."""

    @abstractmethod
    def recount_backlog(self) -> int:
        """Person-days waiting for their interruption recount (for /metrics)."""

    # -- One person's data (the employee's rights) ------------------------------
    @abstractmethod
    def people_named(self, name: str) -> list[dict[str, Any]]: ...

    @abstractmethod
    def person_of_device(self, device_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    def person_export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        """Everything held about one person, a list of rows per table, from one snapshot."""

    @abstractmethod
    def person_erase(self, person_id: int, actor: str, ip: str = "") -> dict[str, int]:
        """Remove one person in one transaction; rows removed per table."""

    @abstractmethod
    def wipe_free_space(self) -> None:
        """Leave no byte of deleted rows in the database's files."""
