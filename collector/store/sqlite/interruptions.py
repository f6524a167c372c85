"""Interruption counts per person-day, settled after ingest rather than in it.

Detection needs the whole person-day in order (a batch border can fall
inside an interruption), so it re-reads every segment of the day. Doing that
inside each ingest transaction made an upload cost more the later in the day
it came, and was the larger half of the write path. Instead, ingest marks the
(person, day) in `interruption_backlog` in the batch's own transaction, and
`settle_interruptions` recounts the marked days later: a background thread
in `serve` does it every few seconds.

Reads never write (docs/design.md §6: a report works on a full or read-only disk),
so a query does not settle; it recounts the days still marked in memory
(`unsettled_changes`, `unsettled_person_counts`) and adds the change to what
is stored, so a report never shows a stale count either. The backlog is a
few seconds of uploads, so that costs little.

The same recount finds the day's focus sessions (shared/focus.py), kept
beside the counts in `interruption_days` (focus_s, focus_sessions), so focus
is settled, corrected in memory and erased exactly as interruptions are.
Counts below are 5-vectors: (interruptions, away seconds, task switches,
focus seconds, focus sessions); team_days carries the first three.

Crash safety: the mark commits with the segments, and a settle deletes the
marks in the same transaction that writes the counts, so a crash on either
side leaves the day marked and the next settle recounts it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.store.sqlite.sql import in_list

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

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

    def recount_backlog(self: Store) -> int:
        return int(self.one("SELECT COUNT(*) FROM interruption_backlog")[0])

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
                if pending:
                    self.take_counting_turn()
                for person_id, team_id, day in pending:
                    self.recount_into_totals(person_id, team_id, day, _limits(s))
                    c.execute(
                        "DELETE FROM interruption_backlog WHERE person_id = ? AND day = ?",
                        (person_id, day),
                    )
            done += len(pending)
            if len(pending) < SETTLE_CHUNK:
                return done

    def take_counting_turn(self: Store) -> None:
        """Inside a write transaction that recounts: wait for any other recount
        (the settle job, the recount of history, another process) to commit.

        SQLite has one writer anyway; on PostgreSQL (READ COMMITTED) two
        recounts of one person-day would each add the same change to the
        team's totals, so both lock the recount's one row first."""
        self.conn.execute("UPDATE interruption_recount SET id = id WHERE id = 1")

    def recount_into_totals(
        self: Store, person_id: int, team_id: int, day: str, limits: tuple[float, float]
    ) -> None:
        """Recount one person-day and carry the change into its team's day
        (inside a write transaction, after take_counting_turn)."""
        change = self._recount(person_id, team_id, day, *limits)
        self.conn.execute(
            """UPDATE team_days SET interruptions = interruptions + ?,
               away_s = away_s + ?, task_switches = task_switches + ?
               WHERE day = ? AND team_id = ?""",
            (*change[:3], day, team_id),
        )

    def unsettled_changes(
        self: Store, team_ids: list[int] | None, start: str, end: str
    ) -> dict[str, list]:
        """Per day in the range: the change in the five counts (see the module)
        that settling the marked person-days will bring, worked out without writing.

        Call it in the same read transaction as the read it corrects."""
        where, team_params = in_list("team_id", team_ids)
        params: list = [start, end, *team_params]
        marked = self.all(
            f"SELECT person_id, day FROM interruption_backlog WHERE day BETWEEN ? AND ?{where}",
            params,
        )
        return self._changes(marked)

    def unsettled_person_counts(self: Store, person_id: int, start: str, end: str) -> list[float]:
        """The change in one person's five counts (see the module) over a range
        that settling will bring, without writing; see unsettled_changes."""
        marked = self.all(
            """SELECT person_id, day FROM interruption_backlog
               WHERE person_id = ? AND day BETWEEN ? AND ?""",
            (person_id, start, end),
        )
        total = [0, 0.0, 0, 0.0, 0]
        for change in self._changes(marked).values():
            total = [t + c for t, c in zip(total, change, strict=True)]
        return total

    def _changes(self: Store, marked: list) -> dict[str, list]:
        """Per day: new counts minus stored ones, summed over the marked (person, day)s."""
        changes: dict[str, list] = {}
        if not marked:
            return changes
        limits = _limits(self.settings())
        for person_id, day in marked:
            new = self._count_day(person_id, day, *limits)
            old = self._stored_counts(person_id, day)
            total = changes.setdefault(day, [0, 0.0, 0, 0.0, 0])
            for i, (n, o) in enumerate(zip(new, old, strict=True)):
                total[i] += n - o
        return changes

    def _recount(
        self: Store, person_id: int, team_id: int, day: str, min_focus_s: float, max_away_s: float
    ) -> list:
        """Detect again over the whole person-day, so batch borders do not matter,
        and store the result (inside settle's transaction).

        Returns the change in the five counts; the per-team totals take the
        first three."""
        new = self._count_day(person_id, day, min_focus_s, max_away_s)
        old = self._stored_counts(person_id, day)
        self.conn.execute(
            """INSERT INTO interruption_days (person_id, team_id, day, count, away_s,
               task_switches, focus_s, focus_sessions) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (person_id, day) DO UPDATE SET count = excluded.count,
               away_s = excluded.away_s, task_switches = excluded.task_switches,
               focus_s = excluded.focus_s, focus_sessions = excluded.focus_sessions""",
            (person_id, team_id, day, *new),
        )
        return [n - o for n, o in zip(new, old, strict=True)]

    def _count_day(
        self: Store, person_id: int, day: str, min_focus_s: float, max_away_s: float
    ) -> tuple[int, float, int, float, int]:
        """The five counts of one person-day, from its segments.

        Detection itself is not storage: the counter the store was opened with
        (collector/jobs.py) turns the day's active spans into counts."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: a day can be a thousand rows
        rows = cursor.execute(
            """SELECT start, end, utc_offset_min, category FROM segments
               WHERE person_id = ? AND day = ? AND state = 'active' ORDER BY start""",
            (person_id, day),
        ).fetchall()
        return self.count_day(rows, day, (min_focus_s, max_away_s))

    def _stored_counts(self: Store, person_id: int, day: str) -> tuple[int, float, int, float, int]:
        row = self.conn.execute(
            """SELECT count, away_s, task_switches, COALESCE(focus_s, 0),
                      COALESCE(focus_sessions, 0)
               FROM interruption_days WHERE person_id = ? AND day = ?""",
            (person_id, day),
        ).fetchone()
        return tuple(row) if row else (0, 0.0, 0, 0.0, 0)


def _limits(settings: dict) -> tuple[float, float]:
    return settings["interruptions.min_focus_s"], settings["interruptions.max_away_s"]
