"""Storing a batch of segments: once, whole, with its rollups.

A batch is stored in one transaction together with its `batches` row, so a
crash leaves either all of it or none, and a retry of the same batch_id finds
the row and stores nothing twice. Rollups and the person-day's interruption
counts are brought up to date in the same transaction, so reports never see
segments without their rollups.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from collector.metrics.interruptions import Span, detect, per_day
from collector.store.aggregates import purge_derived
from shared.payload import SummaryBatch

if TYPE_CHECKING:
    from collector.store import Store
    from collector.store.accounts import Device


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def split_by_local_day(start: datetime, end: datetime) -> list[tuple[str, float]]:
    """Seconds of [start, end) on each local calendar day, in start's offset."""
    out = []
    cursor = start
    while cursor < end:
        midnight = datetime.combine(
            cursor.date() + timedelta(days=1), datetime.min.time(), cursor.tzinfo
        )
        stop = min(end, midnight)
        out.append((cursor.date().isoformat(), (stop - cursor).total_seconds()))
        cursor = stop
    return out


class IngestMixin:
    def ingest(
        self: Store,
        device: Device,
        batch: SummaryBatch,
        *,
        min_focus_s: float,
        max_away_s: float,
        queue: tuple[int, int] | None = None,
    ) -> tuple[int, bool]:
        """Store a validated batch. Returns (segments stored, was it a duplicate)."""
        segments = []
        roll: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
        uncategorised: dict[tuple[str, str], float] = defaultdict(float)
        days: set[str] = set()
        for s in batch.segments:
            offset = s.start.utcoffset() or timedelta(0)
            end = s.end.astimezone(s.start.tzinfo)
            day = s.start.date().isoformat()
            segments.append(
                (
                    device.id,
                    device.person_id,
                    s.start.timestamp(),
                    s.end.timestamp(),
                    int(offset.total_seconds() // 60),
                    day,
                    s.category,
                    s.client,
                    s.app,
                    s.state,
                    s.keys,
                    s.clicks,
                )
            )
            client = s.client or ""
            if end.date() == s.start.date():  # the common case: no midnight inside
                pieces = [(day, (s.end - s.start).total_seconds())]
            else:
                pieces = split_by_local_day(s.start, end)
            for i, (d, seconds) in enumerate(pieces):
                days.add(d)
                r = roll[(d, s.category, client)]
                r[0 if s.state == "active" else 1] += seconds
                if i == 0:  # input counts go to the day the segment began
                    r[2] += s.keys
                    r[3] += s.clicks
                if s.category == "uncategorised" and s.state == "active":
                    uncategorised[(d, s.app)] += seconds

        with self.write() as c:
            seen = c.execute(
                "SELECT 1 FROM batches WHERE device_id = ? AND batch_id = ?",
                (device.id, batch.batch_id),
            ).fetchone()
            if seen:
                self.touch_device(device.id, queue)
                return 0, True
            c.execute(
                """INSERT INTO batches (device_id, batch_id, received_at, segment_count)
                   VALUES (?, ?, ?, ?)""",
                (device.id, batch.batch_id, _now(), len(segments)),
            )
            c.executemany(
                """INSERT INTO segments (device_id, person_id, start, end, utc_offset_min, day,
                   category, client, app, state, keys, clicks)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                segments,
            )
            known = {
                row[0]
                for row in c.execute(
                    f"""SELECT DISTINCT day FROM rollups WHERE person_id = ?
                        AND day IN ({",".join("?" * len(days))})""",
                    (device.person_id, *days),
                )
            }
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
            team_days = {d: [0 if d in known else 1, 0.0, 0, 0.0, 0] for d in days}
            for d in sorted(days):
                team_days[d][2:] = self._recount_interruptions(
                    device.person_id, device.team_id, d, min_focus_s, max_away_s
                )
            self._add_to_coarser_rollups(device, roll, team_days)
            self.touch_device(device.id, queue)
        return len(segments), False

    def _add_to_coarser_rollups(
        self: Store,
        device: Device,
        roll: dict[tuple[str, str, str], list[float]],
        team_days: dict[str, list],
    ) -> None:
        """Bring the monthly and per-team levels (store/aggregates.py) along."""
        monthly: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        team: dict[tuple[str, str], float] = defaultdict(float)
        for (d, cat, client), (active, idle, _k, _c) in roll.items():
            m = monthly[(d[:7], cat, client)]
            m[0] += active
            m[1] += idle
            team[(d, cat)] += active
            if cat != "non_work":
                team_days[d][1] += active
        self.conn.executemany(
            """INSERT INTO rollups_monthly (person_id, team_id, month, category, client,
               active_s, idle_s) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (person_id, month, category, client) DO UPDATE SET
               active_s = active_s + excluded.active_s, idle_s = idle_s + excluded.idle_s""",
            [(device.person_id, device.team_id, *k, *v) for k, v in monthly.items()],
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

    def _recount_interruptions(
        self: Store, person_id: int, team_id: int, day: str, min_focus_s: float, max_away_s: float
    ) -> list:
        """Detect again over the whole person-day, so batch borders do not matter.

        Returns the change in (count, away seconds, task switches), for the
        per-team totals."""
        rows = self.conn.execute(
            """SELECT start, end, utc_offset_min, category, state FROM segments
               WHERE person_id = ? AND day = ? ORDER BY start""",
            (person_id, day),
        ).fetchall()
        zones: dict[int, timezone] = {}
        spans = []
        for start, end, offset, category, state in rows:
            tz = zones.get(offset) or zones.setdefault(offset, timezone(timedelta(minutes=offset)))
            spans.append(
                Span(
                    datetime.fromtimestamp(start, tz),
                    datetime.fromtimestamp(end, tz),
                    category,
                    state,
                )
            )
        counts = per_day(detect(spans, min_focus_s=min_focus_s, max_away_s=max_away_s))
        today = counts.get(date.fromisoformat(day))
        new = (today.count, today.away_s, today.task_switches) if today else (0, 0.0, 0)
        old = self.conn.execute(
            """SELECT count, away_s, task_switches FROM interruption_days
               WHERE person_id = ? AND day = ?""",
            (person_id, day),
        ).fetchone() or (0, 0.0, 0)
        self.conn.execute(
            """INSERT INTO interruption_days (person_id, team_id, day, count, away_s, task_switches)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (person_id, day) DO UPDATE SET count = excluded.count,
               away_s = excluded.away_s, task_switches = excluded.task_switches""",
            (person_id, team_id, day, *new),
        )
        return [n - o for n, o in zip(new, old, strict=True)]

    def purge_before(self: Store, cutoff: datetime) -> dict[str, int]:
        """Retention: drop personal data older than the cutoff (DESIGN §5)."""
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
                "uncategorised_apps": c.execute(
                    "DELETE FROM uncategorised_apps WHERE day < ?", (day,)
                ).rowcount,
                "batches": c.execute(
                    "DELETE FROM batches WHERE received_at < ?", (cutoff.isoformat(),)
                ).rowcount,
            }
            purge_derived(c, day)
        return counts
