"""Interruption counts per person-day, settled after ingest rather than in it.

Detection needs the whole person-day in order (a batch border can fall
inside an interruption), so it re-reads every segment of the day. Doing that
inside each ingest transaction made an upload cost more the later in the day
it came, and was the larger half of the write path. Instead, ingest marks the
(person, day) in `interruption_backlog` in the batch's own transaction, and
`settle_interruptions` recounts the marked days later: a background thread
in `serve` does it every few seconds, and every query that returns
interruption figures settles first, so a report never shows a stale count.

Crash safety: the mark commits with the segments, and a settle deletes the
marks in the same transaction that writes the counts, so a crash on either
side leaves the day marked and the next settle recounts it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from collector.metrics.interruptions import Span, detect, per_day

if TYPE_CHECKING:
    from collector.store import Store

#: Person-days recounted per transaction, so a long backlog never holds the
#: write lock (and the agents' uploads behind it) for long.
SETTLE_CHUNK = 50


class InterruptionsMixin:
    def mark_for_recount(self: Store, person_id: int, team_id: int, days: set[str]) -> None:
        """Called inside the ingest transaction."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO interruption_backlog (person_id, team_id, day) VALUES (?, ?, ?)",
            [(person_id, team_id, d) for d in days],
        )

    def settle_interruptions(self: Store) -> int:
        """Recount every marked person-day; returns how many were recounted."""
        if self.one("SELECT 1 FROM interruption_backlog LIMIT 1") is None:
            return 0
        s = self.settings()
        done = 0
        while True:
            with self.write() as c:
                pending = c.execute(
                    "SELECT person_id, team_id, day FROM interruption_backlog LIMIT ?",
                    (SETTLE_CHUNK,),
                ).fetchall()
                for person_id, team_id, day in pending:
                    change = self._recount(
                        person_id,
                        team_id,
                        day,
                        s["interruptions.min_focus_s"],
                        s["interruptions.max_away_s"],
                    )
                    c.execute(
                        """UPDATE team_days SET interruptions = interruptions + ?,
                           away_s = away_s + ?, task_switches = task_switches + ?
                           WHERE day = ? AND team_id = ?""",
                        (*change, day, team_id),
                    )
                    c.execute(
                        "DELETE FROM interruption_backlog WHERE person_id = ? AND day = ?",
                        (person_id, day),
                    )
            done += len(pending)
            if len(pending) < SETTLE_CHUNK:
                return done

    def _recount(
        self: Store, person_id: int, team_id: int, day: str, min_focus_s: float, max_away_s: float
    ) -> list:
        """Detect again over the whole person-day, so batch borders do not matter.

        Returns the change in (count, away seconds, task switches), for the
        per-team totals."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a day can be a thousand rows
        rows = cursor.execute(
            """SELECT start, end, utc_offset_min, category FROM segments
               WHERE person_id = ? AND day = ? AND state = 'active' ORDER BY start""",
            (person_id, day),
        ).fetchall()
        zones: dict[int, timezone] = {}
        spans = []
        for start, end, offset, category in rows:
            tz = zones.get(offset) or zones.setdefault(offset, timezone(timedelta(minutes=offset)))
            spans.append(
                Span(datetime.fromtimestamp(start, tz), datetime.fromtimestamp(end, tz), category)
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
