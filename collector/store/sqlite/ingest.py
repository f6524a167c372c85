"""Storing a batch of segments: once, whole, with its rollups.

A batch is stored in one transaction together with its `batches` row, so a
crash leaves either all of it or none, and a retry of the same batch_id finds
the row and stores nothing twice; the row keeps the batch's digest, so the
same id with another body is refused (batch_digest.py). Rollups are
brought up to date in the same transaction, so reports never see segments
without their rollups; the person-day's interruption counts are marked for a
recount in it too (interruptions.py says why that is not done here).

This is the collector's hot path: every segment passes through the loop in
`_rows`, so it works on the POSIX seconds the payload check already computed
and on day numbers, and makes no datetime objects of its own.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from collector.store.sqlite.batch_digest import BatchIdReused, batch_digest
from collector.store.sqlite.rollups import purge_derived, week_monday
from collector.store.sqlite.sql import now_iso
from collector.store.sqlite.work_items import INSERT_TIMING
from shared.payload import SummaryBatch, TimedBatch

if TYPE_CHECKING:
    from collector.store.records import Device
    from collector.store.sqlite.connection import SqliteConnection as Store

DAY_S = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def split_by_local_day(start: float, end: float, offset_s: float) -> list[tuple[int, float]]:
    """Seconds of [start, end) on each local calendar day, as (day number, seconds).

    Times are POSIX seconds; the local day is taken at the start's UTC offset,
    the offset the agent reported. Day numbers count days since 1970-01-01."""
    out = []
    cursor = start
    while cursor < end:
        day = int((cursor + offset_s) // DAY_S)
        stop = min(end, (day + 1) * DAY_S - offset_s)
        out.append((day, stop - cursor))
        cursor = stop
    return out


class _DayNames(dict):
    """Day number -> ISO date, made once per day a batch touches."""

    def __missing__(self, day: int) -> str:
        name = self[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
        return name


class IngestMixin:
    def ingest(
        self: Store,
        device: Device,
        batch: SummaryBatch,
        *,
        queue: tuple[int, int] | None = None,
    ) -> tuple[int, bool]:
        """Store a validated batch. Returns (segments stored, was it a duplicate).

        Raises BatchIdReused, storing nothing, when the device already stored
        a different batch under this id."""
        segments, roll, uncategorised = _rows(device, batch)
        timings = timings_of(device, batch)
        digest = batch_digest(batch.rules_version, batch.timezone, segments, timings)
        if self._seen(device.id, batch.batch_id, digest):  # a retry: store nothing
            self.grouped_write(lambda store: store.touch_device(device.id, queue))
            return 0, True
        return self.grouped_write(
            lambda store: store._store_batch(
                device, batch.batch_id, digest, segments, roll, uncategorised, queue, timings
            )
        )

    def _store_batch(
        self: Store,
        device: Device,
        batch_id: str,
        digest: str,
        segments: list[tuple],
        roll: dict[tuple[str, str, str], list[float]],
        uncategorised: dict[tuple[str, str], float],
        queue: tuple[int, int] | None,
        timings: list[dict] | None = None,
    ) -> tuple[int, bool]:
        """Inside the write transaction (grouped with other batches' on SQLite,
        group_commit.py): everything this batch stores, or, for a retry racing
        the first copy, only that the device was seen."""
        if self._seen(device.id, batch_id, digest):
            self.touch_device(device.id, queue)
            return 0, True
        days = {d for d, _cat, _client in roll}
        known = {row[0] for row in self.conn.execute(*known_days(device.person_id, days))}
        self._write_batch(
            device, batch_id, digest, segments, roll, uncategorised, queue, known, timings
        )
        return len(segments), False

    def _write_batch(
        self: Store,
        device: Device,
        batch_id: str,
        digest: str,
        segments: list[tuple],
        roll: dict[tuple[str, str, str], list[float]],
        uncategorised: dict[tuple[str, str], float],
        queue: tuple[int, int] | None,
        known: set[str],
        timings: list[dict] | None = None,
    ) -> None:
        """Every statement that stores a new batch; none reads, so PostgreSQL
        sends them all in one round trip (postgres/ingest.py). `known`: the
        batch's days the person already had rollups on (known_days)."""
        days = {d for d, _cat, _client in roll}
        c = self.conn
        c.execute(
            """INSERT INTO batches (device_id, batch_id, received_at, segment_count,
               body_digest) VALUES (?, ?, ?, ?, ?)""",
            (device.id, batch_id, now_iso(), len(segments), digest),
        )
        c.executemany(
            """INSERT INTO segments (device_id, person_id, start, end, utc_offset_min, day,
               category, client, app, state, keys, clicks)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            segments,
        )
        if timings:
            c.executemany(INSERT_TIMING, timings)
        c.executemany(
            """INSERT INTO rollups (person_id, team_id, day, category, client,
               active_s, idle_s, keys, clicks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (person_id, day, category, client) DO UPDATE SET
               active_s = active_s + excluded.active_s, idle_s = idle_s + excluded.idle_s,
               keys = keys + excluded.keys, clicks = clicks + excluded.clicks""",
            [
                (device.person_id, device.team_id, d, cat, cl, *v)
                for (d, cat, cl), v in roll.items()
            ],
        )
        c.executemany(
            """INSERT INTO uncategorised_apps (day, app, seconds) VALUES (?, ?, ?)
               ON CONFLICT (day, app) DO UPDATE SET seconds = seconds + excluded.seconds""",
            [(d, app, secs) for (d, app), secs in uncategorised.items()],
        )
        # New person-days add a person; interruption figures come at settling.
        team_days = {d: [0 if d in known else 1, 0.0, 0, 0.0, 0] for d in days}
        self._add_to_coarser_rollups(device, roll, team_days)
        self.mark_for_recount(device.person_id, device.team_id, days)
        self.touch_device(device.id, queue)

    def _seen(self: Store, device_id: str, batch_id: str, digest: str) -> bool:
        """True for a retry of a stored batch; raises BatchIdReused for another body."""
        return stored_before(self.one(SEEN_SQL, (device_id, batch_id)), batch_id, digest)

    def _add_to_coarser_rollups(
        self: Store,
        device: Device,
        roll: dict[tuple[str, str, str], list[float]],
        team_days: dict[str, list],
    ) -> None:
        """Bring the monthly, weekly and per-team levels (rollups.py) along."""
        monthly, team, weekly = coarser_levels(roll, team_days)
        self.conn.executemany(
            """INSERT INTO rollups_monthly (person_id, team_id, month, category, client,
               active_s, idle_s) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (person_id, month, category, client) DO UPDATE SET
               active_s = active_s + excluded.active_s, idle_s = idle_s + excluded.idle_s""",
            [(device.person_id, device.team_id, *k, *v) for k, v in monthly.items()],
        )
        self.conn.executemany(
            """INSERT INTO person_weeks (person_id, week, working_s) VALUES (?, ?, ?)
               ON CONFLICT (person_id, week) DO UPDATE SET
               working_s = working_s + excluded.working_s""",
            [(device.person_id, w, secs) for w, secs in weekly.items()],
        )
        self.conn.executemany(
            """INSERT INTO team_rollups (team_id, day, category, active_s) VALUES (?, ?, ?, ?)
               ON CONFLICT (day, team_id, category) DO UPDATE SET
               active_s = active_s + excluded.active_s""",
            [(device.team_id, d, cat, secs) for (d, cat), secs in team.items()],
        )
        self.conn.executemany(
            """INSERT INTO team_days (team_id, day, people, working_s, interruptions, away_s,
               task_switches) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (day, team_id) DO UPDATE SET people = people + excluded.people,
               working_s = working_s + excluded.working_s,
               interruptions = interruptions + excluded.interruptions,
               away_s = away_s + excluded.away_s,
               task_switches = task_switches + excluded.task_switches""",
            [(device.team_id, d, *v) for d, v in team_days.items()],
        )

    def purge_before(self: Store, cutoff: datetime) -> dict[str, int]:
        """Retention: drop personal data older than the cutoff (docs/design.md §5)."""
        day = cutoff.date().isoformat()
        with self.write() as c:
            counts = {
                "segments": c.execute(
                    "DELETE FROM segments WHERE start < ?", (cutoff.timestamp(),)
                ).rowcount,
                "rollups": c.execute("DELETE FROM rollups WHERE day < ?", (day,)).rowcount,
                "interruption_days": c.execute(
                    "DELETE FROM interruption_days WHERE day < ?", (day,)
                ).rowcount,
                "interruption_backlog": c.execute(
                    "DELETE FROM interruption_backlog WHERE day < ?", (day,)
                ).rowcount,
                "uncategorised_apps": c.execute(
                    "DELETE FROM uncategorised_apps WHERE day < ?", (day,)
                ).rowcount,
                "batches": c.execute(
                    "DELETE FROM batches WHERE received_at < ?", (cutoff.isoformat(),)
                ).rowcount,
                "absences": c.execute("DELETE FROM absences WHERE last_day < ?", (day,)).rowcount,
                "work_item_timings": c.execute(
                    "DELETE FROM work_item_timings WHERE ended < ?", (cutoff.timestamp(),)
                ).rowcount,
                # The work stays (backlog trends count items, not people); who did
                # it is personal data and goes with retention, as erasure unnames.
                "work_items_unnamed": c.execute(
                    """UPDATE work_items SET person_id = NULL WHERE person_id IS NOT NULL
                       AND COALESCE(completed_at, received_at) < ?""",
                    (cutoff.timestamp(),),
                ).rowcount,
            }
            purge_derived(c, day)
        return counts


SEEN_SQL = "SELECT body_digest FROM batches WHERE device_id = ? AND batch_id = ?"


def stored_before(row: Any, batch_id: str, digest: str) -> bool:
    """From SEEN_SQL's row: True for a retry of a stored batch; raises
    BatchIdReused for another body under its id. A batch stored before
    digests were kept (NULL) cannot be compared and is taken as the same,
    the answer it always had."""
    if row is None:
        return False
    if row[0] is not None and row[0] != digest:
        raise BatchIdReused(batch_id)
    return True


def coarser_levels(
    roll: dict[tuple[str, str, str], list[float]], team_days: dict[str, list]
) -> tuple[dict, dict, dict]:
    """A batch's sums per (day, category, client) as the coarser levels'
    (rollups.py): per (month, category, client) [active, idle], per (day,
    category) the team's active seconds, per week the person's working
    seconds; working seconds are added into `team_days` as well."""
    monthly: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    team: dict[tuple[str, str], float] = defaultdict(float)
    weekly: dict[str, float] = defaultdict(float)
    for (d, cat, client), (active, idle, _k, _c) in roll.items():
        m = monthly[(d[:7], cat, client)]
        m[0] += active
        m[1] += idle
        team[(d, cat)] += active
        if cat != "non_work":
            team_days[d][1] += active
            weekly[week_monday(d)] += active
    return monthly, team, weekly


def known_days(person_id: int, days: set[str]) -> tuple[str, tuple]:
    """The statement (and its parameters) for which of `days` the person
    already has rollups on: a day not among them adds the person to the
    team's day count."""
    return (
        f"""SELECT DISTINCT day FROM rollups WHERE person_id = ?
            AND day IN ({",".join("?" * len(days))})""",
        (person_id, *days),
    )


def timings_of(device: Device, batch: SummaryBatch) -> list[dict]:
    """The tray's timed items of a batch (docs/design.md §3), as stored.

    A type that is not, or no longer, one of the work types is stored all
    the same: the policy can change between the timer's stop and the upload,
    and refusing would quarantine the batch's segments with it; the backlog
    report reads the current types only."""
    if not isinstance(batch, TimedBatch):
        return []
    return [
        {
            "device_id": device.id,
            "batch_id": batch.batch_id,
            "person_id": device.person_id,
            "team_id": device.team_id,
            "type": w.type,
            "ref": w.ref,
            "started": w.started.timestamp(),
            "ended": w.ended.timestamp(),
            "active_s": float(w.active_seconds),
            "outcome": w.outcome,
        }
        for w in batch.work_items
    ]


def _rows(device: Device, batch: SummaryBatch) -> tuple[list[tuple], dict, dict]:
    """Segment rows, and their sums per (day, category, client) and per uncategorised app."""
    segments = []
    roll: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    uncategorised: dict[tuple[str, str], float] = defaultdict(float)
    names = _DayNames()
    offsets: dict[object, float] = {}
    person, device_id = device.person_id, device.id
    for s, (start, end) in zip(batch.segments, batch.epochs, strict=True):
        tz = s.start.tzinfo
        offset_s = offsets.get(tz)
        if offset_s is None:
            offset_s = offsets[tz] = s.start.utcoffset().total_seconds()
        day = int((start + offset_s) // DAY_S)
        name = names[day]
        category, client, active = s.category, s.client, s.state == "active"
        segments.append(
            (
                device_id,
                person,
                start,
                end,
                int(offset_s // 60),
                name,
                category,
                client,
                s.app,
                s.state,
                s.keys,
                s.clicks,
            )
        )
        if end + offset_s <= (day + 1) * DAY_S:  # the common case: no midnight inside
            pieces = [(day, end - start)]
        else:
            pieces = split_by_local_day(start, end, offset_s)
        first = True
        for d, seconds in pieces:
            r = roll[(names[d], category, client or "")]
            r[0 if active else 1] += seconds
            if first:  # input counts go to the day the segment began
                r[2] += s.keys
                r[3] += s.clicks
                first = False
            if active and category == "uncategorised":
                uncategorised[(names[d], s.app)] += seconds
    return segments, roll, uncategorised
