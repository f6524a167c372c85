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
            for d in sorted(days):
                self._recount_interruptions(
                    device.person_id, device.team_id, d, min_focus_s, max_away_s
                )
            self.touch_device(device.id, queue)
        return len(segments), False

    def _recount_interruptions(
        self: Store, person_id: int, team_id: int, day: str, min_focus_s: float, max_away_s: float
    ) -> None:
        """Detect again over the whole person-day, so batch borders do not matter."""
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
        self.conn.execute(
            """INSERT INTO interruption_days (person_id, team_id, day, count, away_s, task_switches)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (person_id, day) DO UPDATE SET count = excluded.count,
               away_s = excluded.away_s, task_switches = excluded.task_switches""",
            (
                person_id,
                team_id,
                day,
                today.count if today else 0,
                today.away_s if today else 0.0,
                today.task_switches if today else 0,
            ),
        )

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
        return counts
