"""The recount of every stored person-day after the interruption thresholds change.

Settling (interruptions.py) recounts only the person-days that get new
segments, so after `interruptions.min_focus_s` or `interruptions.max_away_s`
changes, the rest of history would keep counts made under the old values.
`set_settings` therefore queues every stored person-day here, in the same
transaction as the change, and a background job (collector/jobs.py; also
`settings set`, while it waits) works the queue off a chunk per transaction
with the thresholds in force. Reports read the progress (`recount_status`)
and say which thresholds their figures were counted with, and, while the
queue is not empty, that some days still carry counts made before.

The queue is kept apart from the ingest backlog on purpose: reports recount
the backlog in memory, which is cheap for a few seconds of uploads and far
too slow for a whole history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from collector.store.sqlite.sql import now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

#: The settings whose change makes the stored counts stale.
THRESHOLDS = ("interruptions.min_focus_s", "interruptions.max_away_s")

#: Person-days recounted per transaction (as settling), so ingest waits little.
RECOUNT_CHUNK = 50


class InterruptionRecountMixin:
    def queue_interruption_recount(self: Store, previous: dict[str, Any]) -> int:
        """Queue every stored person-day for a recount; inside the transaction
        that changes the thresholds. `previous` holds the settings before the
        change. Returns how many person-days are queued."""
        state = self._recount_row()
        running = state["finished_at"] is None and state["started_at"] is not None
        self.conn.execute(
            """INSERT OR IGNORE INTO interruption_recount_queue (person_id, team_id, day)
               SELECT person_id, team_id, day FROM interruption_days"""
        )
        # Days that await settling are recounted by it with the new thresholds
        # too; queued as well, so the total is every person-day there is.
        self.conn.execute(
            """INSERT OR IGNORE INTO interruption_recount_queue (person_id, team_id, day)
               SELECT person_id, team_id, day FROM interruption_backlog"""
        )
        total = int(self.one("SELECT COUNT(*) FROM interruption_recount_queue")[0])
        # While an earlier recount still runs, the days it has not reached keep
        # counts from before it: those are the "previous" thresholds to name.
        before = (
            (state["previous_min_focus_s"], state["previous_max_away_s"])
            if running
            else (previous[THRESHOLDS[0]], previous[THRESHOLDS[1]])
        )
        finished = now_iso() if total == 0 else None
        self.conn.execute(
            """UPDATE interruption_recount SET total = ?, previous_min_focus_s = ?,
               previous_max_away_s = ?, started_at = ?, finished_at = ? WHERE id = 1""",
            (total, *before, now_iso(), finished),
        )
        return total

    def recount_history_step(self: Store, limit: int = RECOUNT_CHUNK) -> int:
        """Recount up to `limit` queued person-days in one transaction with the
        thresholds in force; returns how many were done (0: nothing queued)."""
        if self.one("SELECT 1 FROM interruption_recount_queue LIMIT 1") is None:
            return 0
        s = self.settings()
        limits = (s[THRESHOLDS[0]], s[THRESHOLDS[1]])
        with self.write() as c:
            self.take_counting_turn()
            # In key order: sorting the whole queue by day for every chunk would
            # make a long history cost more than linear time.
            pending = c.execute(
                "SELECT person_id, team_id, day FROM interruption_recount_queue LIMIT ?",
                (limit,),
            ).fetchall()
            for person_id, team_id, day in pending:
                # A day purged or erased since it was queued stays gone.
                if self._stored_row_exists(person_id, day):
                    self.recount_into_totals(person_id, team_id, day, limits)
                c.execute(
                    "DELETE FROM interruption_recount_queue WHERE person_id = ? AND day = ?",
                    (person_id, day),
                )
            if pending and self.one("SELECT 1 FROM interruption_recount_queue LIMIT 1") is None:
                c.execute(
                    "UPDATE interruption_recount SET finished_at = ? WHERE id = 1", (now_iso(),)
                )
        return len(pending)

    def recount_status(self: Store) -> dict[str, Any]:
        """The thresholds the stored counts are made with and the recount's progress:
        {min_focus_s, max_away_s, running, done, total, previous_min_focus_s,
        previous_max_away_s, started_at, finished_at}."""
        s = self.settings()
        state = self._recount_row()
        left = int(self.one("SELECT COUNT(*) FROM interruption_recount_queue")[0])
        total = int(state["total"])
        return {
            "min_focus_s": s[THRESHOLDS[0]],
            "max_away_s": s[THRESHOLDS[1]],
            "running": left > 0,
            "done": max(total - left, 0),
            "total": max(total, left),
            "previous_min_focus_s": state["previous_min_focus_s"],
            "previous_max_away_s": state["previous_max_away_s"],
            "started_at": state["started_at"],
            "finished_at": state["finished_at"],
        }

    def _recount_row(self: Store) -> dict[str, Any]:
        return dict(
            self.one(
                """SELECT total, previous_min_focus_s, previous_max_away_s, started_at,
                   finished_at FROM interruption_recount WHERE id = 1"""
            )
        )

    def _stored_row_exists(self: Store, person_id: int, day: str) -> bool:
        """Whether the person-day still has counts or awaits settling."""
        return (
            self.conn.execute(
                """SELECT 1 FROM interruption_days WHERE person_id = ? AND day = ?
                   UNION ALL
                   SELECT 1 FROM interruption_backlog WHERE person_id = ? AND day = ?""",
                (person_id, day, person_id, day),
            ).fetchone()
            is not None
        )
