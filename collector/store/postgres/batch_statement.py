"""A new batch's every write on PostgreSQL as one statement.

The shared ingest SQL (sqlite/ingest.py `_write_batch`) is about thirty
statements a batch once executemany has run a row each; on PostgreSQL each
costs the collector more CPU in the driver than the server spends on it
(benchmarks/profile_ingest.py --cpu). Here the same rows go as JSON (one
text parameter a table: the driver's array dumping cost more than all the
statements it saved) into one statement of data-modifying CTEs: the
batch's row, its segments, the five rollup levels, the uncategorised apps,
the recount marks and the device's last-seen time. It adds exactly what
`_write_batch` adds (the backend parity tests hold both to one answer).

Rows of each upsert go sorted by key, as executemany's do on PostgreSQL
(connection.py), so that concurrent batches lock shared rows (a team's day)
in one order and cannot deadlock.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from collector.store.sqlite.ingest import coarser_levels

if TYPE_CHECKING:
    from collector.store.records import Device

WRITE_BATCH = """
WITH
b AS (
  INSERT INTO batches (device_id, batch_id, received_at, segment_count, body_digest)
  VALUES (%(device)s, %(batch)s, %(now)s, %(count)s, %(digest)s)),
s AS (
  INSERT INTO segments (device_id, person_id, start, "end", utc_offset_min, day,
    category, client, app, state, keys, clicks)
  SELECT %(device)s, %(person)s, (e->>0)::float8, (e->>1)::float8, (e->>2)::int, e->>3,
    e->>4, e->>5, e->>6, e->>7, (e->>8)::int, (e->>9)::int
  FROM json_array_elements(%(segments)s::json) AS e),
r AS (
  INSERT INTO rollups AS t (person_id, team_id, day, category, client, active_s, idle_s,
    keys, clicks)
  SELECT %(person)s, %(team)s, e->>0, e->>1, e->>2, (e->>3)::float8, (e->>4)::float8,
    (e->>5)::int, (e->>6)::int
  FROM json_array_elements(%(rollups)s::json) AS e
  ON CONFLICT (person_id, day, category, client) DO UPDATE SET
    active_s = t.active_s + excluded.active_s, idle_s = t.idle_s + excluded.idle_s,
    keys = t.keys + excluded.keys, clicks = t.clicks + excluded.clicks),
u AS (
  INSERT INTO uncategorised_apps AS t (day, app, seconds)
  SELECT e->>0, e->>1, (e->>2)::float8 FROM json_array_elements(%(uncategorised)s::json) AS e
  ON CONFLICT (day, app) DO UPDATE SET seconds = t.seconds + excluded.seconds),
m AS (
  INSERT INTO rollups_monthly AS t (person_id, team_id, month, category, client,
    active_s, idle_s)
  SELECT %(person)s, %(team)s, e->>0, e->>1, e->>2, (e->>3)::float8, (e->>4)::float8
  FROM json_array_elements(%(monthly)s::json) AS e
  ON CONFLICT (person_id, month, category, client) DO UPDATE SET
    active_s = t.active_s + excluded.active_s, idle_s = t.idle_s + excluded.idle_s),
w AS (
  INSERT INTO person_weeks AS t (person_id, week, working_s)
  SELECT %(person)s, e->>0, (e->>1)::float8 FROM json_array_elements(%(weekly)s::json) AS e
  ON CONFLICT (person_id, week) DO UPDATE SET working_s = t.working_s + excluded.working_s),
tr AS (
  INSERT INTO team_rollups AS t (team_id, day, category, active_s)
  SELECT %(team)s, e->>0, e->>1, (e->>2)::float8 FROM json_array_elements(%(team_rows)s::json) AS e
  ON CONFLICT (day, team_id, category) DO UPDATE SET active_s = t.active_s + excluded.active_s),
td AS (
  INSERT INTO team_days AS t (team_id, day, people, working_s, interruptions, away_s,
    task_switches)
  SELECT %(team)s, e->>0, (e->>1)::int, (e->>2)::float8, (e->>3)::int, (e->>4)::float8,
    (e->>5)::int
  FROM json_array_elements(%(team_days)s::json) AS e
  ON CONFLICT (day, team_id) DO UPDATE SET people = t.people + excluded.people,
    working_s = t.working_s + excluded.working_s,
    interruptions = t.interruptions + excluded.interruptions,
    away_s = t.away_s + excluded.away_s, task_switches = t.task_switches + excluded.task_switches),
ib AS (
  INSERT INTO interruption_backlog (person_id, team_id, day)
  SELECT %(person)s, %(team)s, e FROM json_array_elements_text(%(days)s::json) AS e
  ON CONFLICT DO NOTHING)
UPDATE devices SET last_seen_at = %(now)s,
  queue_segments = CASE WHEN %(queued)s::int IS NULL THEN queue_segments
                        ELSE %(queued)s::int END,
  quarantined_batches = CASE WHEN %(quarantined)s::int IS NULL THEN quarantined_batches
                             ELSE %(quarantined)s::int END
WHERE id = %(device)s
"""


def _rows(rows: list[tuple], order: bool = True) -> str:
    """Rows as one JSON array of arrays, sorted by key (their leading fields).
    Python writes a float as the shortest text that reads back as the same
    double, so the server's `::float8` gets the very value SQLite would."""
    return json.dumps(sorted(rows) if order else rows, separators=(",", ":"))


def batch_parameters(
    device: Device,
    batch_id: str,
    digest: str,
    now: str,
    segments: list[tuple],
    roll: dict[tuple[str, str, str], list[float]],
    uncategorised: dict[tuple[str, str], float],
    queue: tuple[int, int] | None,
    known: set[str],
) -> dict[str, Any]:
    """WRITE_BATCH's parameters: the rows `_write_batch` would write."""
    days = sorted({d for d, _cat, _client in roll})
    team_days = {d: [0 if d in known else 1, 0.0, 0, 0.0, 0] for d in days}
    monthly, team, weekly = coarser_levels(roll, team_days)
    return {
        "device": device.id,
        "person": device.person_id,
        "team": device.team_id,
        "batch": batch_id,
        "digest": digest,
        "now": now,
        "count": len(segments),
        "queued": queue[0] if queue else None,
        "quarantined": queue[1] if queue else None,
        # (device, person, start, end, offset, day, category, client, app, state, keys, clicks)
        "segments": _rows([s[2:] for s in segments], order=False),
        "rollups": _rows([(*k, *v) for k, v in roll.items()]),
        "uncategorised": _rows([(*k, v) for k, v in uncategorised.items()]),
        "monthly": _rows([(*k, *v) for k, v in monthly.items()]),
        "weekly": _rows(list(weekly.items())),
        "team_rows": _rows([(*k, v) for k, v in team.items()]),
        "team_days": _rows([(d, *v) for d, v in team_days.items()]),
        "days": json.dumps(days),
    }
