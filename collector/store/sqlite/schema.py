"""The database schema, as an ordered list of migrations.

sqlite-utils records each applied migration in `_sqlite_migrations`, so a
database made by any earlier release is brought forward on start. Never edit
a migration that has shipped; add a new one.
"""

from __future__ import annotations

from importlib.resources import files

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("backlight")


def _sql(name: str) -> str:
    """A migration's SQL kept beside this module, where it reads as SQL."""
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(_sql("m001_initial.sql"))


@migrations()
def m002_device_queue_health(db: Database) -> None:
    """Agents report their queue with each batch; the admin page shows it."""
    devices = db["devices"]
    devices.add_column("queue_segments", int)  # type: ignore[union-attr]
    devices.add_column("quarantined_batches", int)  # type: ignore[union-attr]
    db.execute("UPDATE devices SET queue_segments = 0, quarantined_batches = 0")


@migrations()
def m003_coarser_rollups(db: Database) -> None:
    """Monthly per-person rollups and per-team daily totals.

    A year of daily rollups for a thousand people is two million rows; the
    reports that span months read these instead (docs/design.md §7: report cost grows
    with people x days — here with people x months and teams x days).
    """
    from collector.store.sqlite.rollups import rebuild

    db.executescript(
        """
        CREATE TABLE rollups_monthly (
            person_id INTEGER NOT NULL,
            team_id INTEGER NOT NULL,
            month TEXT NOT NULL,
            category TEXT NOT NULL,
            client TEXT NOT NULL,
            active_s REAL NOT NULL,
            idle_s REAL NOT NULL,
            PRIMARY KEY (person_id, month, category, client)
        ) WITHOUT ROWID;
        CREATE INDEX rollups_monthly_month
            ON rollups_monthly (month, team_id, category, client, person_id, active_s);
        CREATE INDEX rollups_day_covering
            ON rollups (day, team_id, category, client, person_id, active_s);
        DROP INDEX rollups_day;
        CREATE INDEX output_units_covering
            ON output_units (date, function, team_id, units, corrections);

        -- Per team and day: hours per category, without people.
        CREATE TABLE team_rollups (
            team_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            category TEXT NOT NULL,
            active_s REAL NOT NULL,
            PRIMARY KEY (day, team_id, category)
        ) WITHOUT ROWID;

        -- Per team and day: people tracked, working time and interruptions.
        CREATE TABLE team_days (
            team_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            people INTEGER NOT NULL,
            working_s REAL NOT NULL,
            interruptions INTEGER NOT NULL,
            away_s REAL NOT NULL,
            task_switches INTEGER NOT NULL,
            PRIMARY KEY (day, team_id)
        ) WITHOUT ROWID;
        """
    )
    rebuild(db.conn, weeks=False)


@migrations()
def m004_interruption_backlog(db: Database) -> None:
    """Person-days whose interruption counts wait for a recount (interruptions.py)."""
    db.executescript(
        """
        CREATE TABLE interruption_backlog (
            person_id INTEGER NOT NULL,
            team_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            PRIMARY KEY (person_id, day)
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m005_batch_digest(db: Database) -> None:
    """Each batch's content digest (batch_digest.py), so a reused batch_id
    with another body is refused (409) instead of answered as a duplicate.

    Batches stored before this migration keep NULL: their body was not kept,
    so a retry of one is answered as a duplicate, as before, until retention
    removes it."""
    db.execute("ALTER TABLE batches ADD COLUMN body_digest TEXT")


@migrations()
def m006_sessions(db: Database) -> None:
    """Dashboard sessions on the server: signing out ends them (docs/design.md §6).

    Only the hash of the cookie's secret is kept. Times are Unix seconds, as
    users.locked_until, so expiry is one comparison.
    """
    db.executescript(
        """
        CREATE TABLE web_sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at REAL NOT NULL,
            last_seen_at REAL NOT NULL,
            idle_s REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL,
            revoked_reason TEXT,
            user_agent TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX web_sessions_user ON web_sessions (user_id, revoked_at);
        """
    )


@migrations()
def m007_user_disabled(db: Database) -> None:
    """Account lifecycle (issue 13): who owns an API key, who sees client finance,
    and failed sign-ins for names that match no open account.

    * ``api_keys.user_id``: the user who made the key (admin page) or was named
      with ``apikey create --user``; while that user is disabled the key is
      refused, and it works again when they are enabled.
    * ``sees_client_finance`` on users and keys: the clients report (revenue,
      agent cost and back-office hours of whole clients) is for admins and for
      managers granted it, not for every manager.
    * ``sign_in_names``: failures counted per typed name when no open account
      has it, keyed by an HMAC of the name (never the name: people type
      passwords into the name field), so an unknown name locks exactly like a
      real one and the sign-in page can say "locked until" without telling
      which names exist.
    """
    db.executescript(
        """
        ALTER TABLE api_keys ADD COLUMN user_id INTEGER REFERENCES users(id);
        ALTER TABLE api_keys ADD COLUMN sees_client_finance INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE users ADD COLUMN sees_client_finance INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE sign_in_names (
            name_key TEXT PRIMARY KEY,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until REAL
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m008_integer_units(db: Database) -> None:
    """Output units and corrections are counts (docs/design.md §4); older releases
    accepted 2.5. Round the fractional rows, say how many, then store whole
    numbers only.

    Rounding is half away from zero (SQLite's ROUND); a non-payroll row whose
    rounded corrections would exceed its rounded units keeps as many
    corrections as units. A non-zero count goes to stderr and the audit log so an
    operator can find the rows' imports again.
    """
    import sys

    from collector.store.sqlite.counts import round_fractional_units

    rounded = round_fractional_units(db.conn)
    db["output_units"].transform(  # type: ignore[union-attr]
        types={"units": int, "corrections": int}
    )
    if rounded:  # a new database (every test, every `init`) has nothing to say
        print(f"m008_integer_units: rounded {rounded} output-unit row(s)", file=sys.stderr)


@migrations()
def m009_absences(db: Database) -> None:
    """Days a person was away, for available hours (docs/design.md §4 Workload).

    There is no reason column on purpose: a reason such as sickness is
    health data the product must not hold (seed 004; docs/design.md §5).
    """
    db.executescript(
        """
        CREATE TABLE absences (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id),
            first_day TEXT NOT NULL,
            last_day TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL,
            CHECK (first_day <= last_day)
        );
        CREATE INDEX absences_person ON absences (person_id, first_day);
        """
    )


@migrations()
def m010_person_start_day(db: Database) -> None:
    """An admin-set first working day per person (docs/design.md §4 Workload):
    targets count the person from it when set, else from their first tracked day.
    """
    db.execute("ALTER TABLE people ADD COLUMN start_day TEXT")


@migrations()
def m012_interruption_recount(db: Database) -> None:
    """A recount of every stored person-day after the interruption thresholds
    change (interruption_recount.py): the person-days still to do, and one row
    of progress and of the thresholds the counts had before."""
    db.executescript(
        """
        CREATE TABLE interruption_recount_queue (
            person_id INTEGER NOT NULL,
            team_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            PRIMARY KEY (person_id, day)
        ) WITHOUT ROWID;
        CREATE TABLE interruption_recount (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            total INTEGER NOT NULL DEFAULT 0,
            previous_min_focus_s REAL,
            previous_max_away_s REAL,
            started_at TEXT,
            finished_at TEXT
        );
        INSERT INTO interruption_recount (id, total) VALUES (1, 0);
        """
    )


@migrations()
def m013_person_weeks(db: Database) -> None:
    """Working seconds per person and ISO week (its Monday), kept at ingest.

    Workload rates people over whole weeks; summing a year of daily rows per
    person and week took 0.9 s at 1,000 people x 1 year, this level a few ms.
    m010-m012 are taken by work in flight; numbers need not be contiguous.
    """
    from collector.store.sqlite.rollups import WORKING

    db.executescript(
        f"""
        CREATE TABLE person_weeks (
            person_id INTEGER NOT NULL,
            week TEXT NOT NULL,
            working_s REAL NOT NULL,
            PRIMARY KEY (person_id, week)
        ) WITHOUT ROWID;
        INSERT INTO person_weeks
            SELECT person_id, date(day, 'weekday 0', '-6 days') AS week, SUM(active_s)
            FROM rollups WHERE {WORKING} GROUP BY person_id, week;
        """
    )


#: The settings row holding the organisation's work-item salt (never a setting
#: the settings API lists: `settings()` returns declared keys only).
WORK_ITEM_SALT = "_work_item_salt"

WORK_ITEM_TABLES = """
CREATE TABLE work_types (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    function TEXT NOT NULL,
    sla_business_days INTEGER,
    sla_hours REAL,
    position INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((sla_business_days IS NULL) != (sla_hours IS NULL))
);
CREATE TABLE work_items (
    type TEXT NOT NULL REFERENCES work_types(key),
    ref TEXT NOT NULL,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    person_id INTEGER REFERENCES people(id),
    client_key TEXT,
    received_at REAL NOT NULL,
    completed_at REAL,
    quality_passed INTEGER,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (completed_at IS NULL OR completed_at >= received_at),
    PRIMARY KEY (type, ref)
);
CREATE INDEX work_items_received ON work_items (team_id, type, received_at);
CREATE INDEX work_items_completed ON work_items (team_id, type, completed_at);
CREATE INDEX work_items_person ON work_items (person_id);
CREATE TABLE work_item_timings (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    team_id INTEGER NOT NULL REFERENCES teams(id),
    type TEXT NOT NULL,
    ref TEXT NOT NULL,
    started REAL NOT NULL,
    ended REAL NOT NULL,
    active_s REAL NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'not_completed'))
);
CREATE INDEX work_item_timings_type ON work_item_timings (team_id, type, ended);
CREATE INDEX work_item_timings_person ON work_item_timings (person_id);
"""


@migrations()
def m014_work_items(db: Database) -> None:
    """Deferred work (docs/design.md §3, §4 Deferred work; issue 12): the work
    types, the workflow system's items and the tray's timings of them, and
    the organisation's salt.

    An item's reference is kept only as HMAC-SHA256(salt, id), hex: the
    collector hashes imported ids with it and agents get it in their policy
    (`work_item_salt`) to hash what the tray times, so both join without the
    reference leaving a workstation in clear. It is made once, here, in the
    settings table under a key `settings()` never returns.
    """
    import secrets

    db.executescript(WORK_ITEM_TABLES)
    db.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
        (WORK_ITEM_SALT, secrets.token_hex(32)),
    )


@migrations()
def m015_alerts(db: Database) -> None:
    """The weekly digest and the alerts (docs/design.md §4 "Digest and alerts").

    * ``users.email``: where a manager's digest and alerts go (empty: none).
    * ``alert_deliveries``: one row per message and recipient, claimed before
      it is sent and stamped when it was, so nothing goes out twice whatever
      process or command sends; a send that failed removes its claim and is
      tried again on the next round. ``recipient`` is an address or "webhook".
    It runs after m014 (deferred work) and before m016.
    """
    db.executescript(
        """
        ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
        CREATE TABLE alert_deliveries (
            key TEXT NOT NULL,
            recipient TEXT NOT NULL,
            kind TEXT NOT NULL,
            team TEXT NOT NULL DEFAULT '',
            period TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            sent_at TEXT,
            PRIMARY KEY (key, recipient)
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m016_changes(db: Database) -> None:
    """Changes an admin marks (a new rule pack, a process change, a training)
    with the day they took effect and the teams they concern, for the
    before/after comparison (issue 14). m015 is the routines work's."""
    db.executescript(
        """
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            note TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        );
        CREATE TABLE change_teams (
            change_id INTEGER NOT NULL REFERENCES changes(id),
            team_id INTEGER NOT NULL REFERENCES teams(id),
            PRIMARY KEY (change_id, team_id)
        ) WITHOUT ROWID;
        """
    )


@migrations()
def m017_focus(db: Database) -> None:
    """Focus sessions per person-day (shared/focus.py), beside the interruption
    counts the same recount makes (interruptions.py). NULL until counted: the
    person-days already stored go to the recount of history
    (interruption_recount.py), which the background job works off, so an
    upgraded database gets focus for its whole history without a report
    recounting it in memory."""
    db.executescript(
        """
        ALTER TABLE interruption_days ADD COLUMN focus_s REAL;
        ALTER TABLE interruption_days ADD COLUMN focus_sessions INTEGER;
        INSERT OR IGNORE INTO interruption_recount_queue (person_id, team_id, day)
            SELECT person_id, team_id, day FROM interruption_days;
        """
    )
    queued = db.execute("SELECT COUNT(*) FROM interruption_recount_queue").fetchone()[0]
    if queued:
        from datetime import datetime

        db.execute(
            "UPDATE interruption_recount SET total = ?, started_at = ?, finished_at = NULL "
            "WHERE id = 1",
            (queued, datetime.now().astimezone().isoformat()),
        )
