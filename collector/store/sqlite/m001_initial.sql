-- The first release's schema (migration m001; collector/store/sqlite/schema.py).
-- Never edit it: a shipped migration is history. Add a migration instead.

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
