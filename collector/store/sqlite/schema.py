"""The database schema, as an ordered list of migrations.

sqlite-utils records each applied migration in `_sqlite_migrations`, so a
database made by any earlier release is brought forward on start. Never edit
a migration that has shipped; add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("backlight")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );

        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES teams(id),
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (team_id, name)
        );

        CREATE TABLE enrollment_tokens (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            team_id INTEGER NOT NULL REFERENCES teams(id),
            uses_left INTEGER,
            expires_at REAL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );

        CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id),
            token_hash TEXT NOT NULL UNIQUE,
            hostname TEXT NOT NULL,
            os TEXT NOT NULL,
            agent_version TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_seen_at TEXT,
            revoked_at TEXT,
            consent_decision TEXT,
            consent_version INTEGER,
            consent_at TEXT
        );

        CREATE TABLE consents (
            id INTEGER PRIMARY KEY,
            device_id TEXT NOT NULL REFERENCES devices(id),
            decision TEXT NOT NULL,
            consent_version INTEGER NOT NULL,
            at TEXT NOT NULL,
            received_at TEXT NOT NULL
        );

        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('admin', 'manager')),
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            disabled_at TEXT,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until REAL
        );

        CREATE TABLE user_teams (
            user_id INTEGER NOT NULL REFERENCES users(id),
            team_id INTEGER NOT NULL REFERENCES teams(id),
            PRIMARY KEY (user_id, team_id)
        );

        CREATE TABLE api_keys (
            id INTEGER PRIMARY KEY,
            key_hash TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('admin', 'manager')),
            label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            last_used_at TEXT
        );

        CREATE TABLE api_key_teams (
            api_key_id INTEGER NOT NULL REFERENCES api_keys(id),
            team_id INTEGER NOT NULL REFERENCES teams(id),
            PRIMARY KEY (api_key_id, team_id)
        );

        CREATE TABLE batches (
            device_id TEXT NOT NULL REFERENCES devices(id),
            batch_id TEXT NOT NULL,
            received_at TEXT NOT NULL,
            segment_count INTEGER NOT NULL,
            PRIMARY KEY (device_id, batch_id)
        );

        -- Times are UTC epoch seconds; utc_offset_min keeps the employee's
        -- local clock so days are the employee's days.
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            device_id TEXT NOT NULL,
            person_id INTEGER NOT NULL,
            start REAL NOT NULL,
            end REAL NOT NULL,
            utc_offset_min INTEGER NOT NULL,
            day TEXT NOT NULL,
            category TEXT NOT NULL,
            client TEXT,
            app TEXT NOT NULL,
            state TEXT NOT NULL,
            keys INTEGER NOT NULL,
            clicks INTEGER NOT NULL
        );
        CREATE INDEX segments_person_day ON segments (person_id, day, start);
        CREATE INDEX segments_start ON segments (start);

        -- Daily rollups: what reports read. client '' means none.
        CREATE TABLE rollups (
            person_id INTEGER NOT NULL,
            team_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            category TEXT NOT NULL,
            client TEXT NOT NULL,
            active_s REAL NOT NULL,
            idle_s REAL NOT NULL,
            keys INTEGER NOT NULL,
            clicks INTEGER NOT NULL,
            PRIMARY KEY (person_id, day, category, client)
        ) WITHOUT ROWID;
        CREATE INDEX rollups_team_day ON rollups (team_id, day);
        CREATE INDEX rollups_day ON rollups (day);

        CREATE TABLE interruption_days (
            person_id INTEGER NOT NULL,
            team_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            count INTEGER NOT NULL,
            away_s REAL NOT NULL,
            task_switches INTEGER NOT NULL,
            PRIMARY KEY (person_id, day)
        ) WITHOUT ROWID;
        CREATE INDEX interruption_days_team_day ON interruption_days (team_id, day);

        -- Apps no rule matched, by name only, so admins can write rules.
        CREATE TABLE uncategorised_apps (
            day TEXT NOT NULL,
            app TEXT NOT NULL,
            seconds REAL NOT NULL,
            PRIMARY KEY (day, app)
        ) WITHOUT ROWID;

        CREATE TABLE clients (
            key TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE client_financials (
            client_key TEXT NOT NULL REFERENCES clients(key),
            month TEXT NOT NULL,
            revenue REAL NOT NULL,
            agent_cost REAL NOT NULL,
            PRIMARY KEY (client_key, month)
        );

        CREATE TABLE output_units (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            function TEXT NOT NULL,
            team_id INTEGER REFERENCES teams(id),
            person_id INTEGER REFERENCES people(id),
            client_key TEXT,
            units REAL NOT NULL,
            corrections REAL NOT NULL DEFAULT 0,
            source TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        );
        CREATE INDEX output_units_date ON output_units (date, function);

        CREATE TABLE rule_versions (
            version INTEGER PRIMARY KEY,
            rules TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        );

        -- Each distinct consent text gets the next version; agents ask again on a new one.
        CREATE TABLE consent_texts (
            version INTEGER PRIMARY KEY,
            text TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}',
            ip TEXT NOT NULL DEFAULT ''
        );
        """
    )


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
    rebuild(db.conn)


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
    corrections as units. The count goes to stderr and the audit log so an
    operator can find the rows' imports again.
    """
    import sys

    from collector.store.sqlite.counts import round_fractional_units

    rounded = round_fractional_units(db.conn)
    db["output_units"].transform(  # type: ignore[union-attr]
        types={"units": int, "corrections": int}
    )
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
