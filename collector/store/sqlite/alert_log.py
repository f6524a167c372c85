"""The sent-log of digests and alerts (schema m015): a message goes to a recipient
once. Claimed before it is sent, stamped when it was; a failed send gives its
claim back so the next round tries again, and a claim left by a process that
died mid-send is taken over once it is stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from collector.store.sqlite.sql import now_iso

if TYPE_CHECKING:
    from collector.store.sqlite.connection import SqliteConnection as Store

#: A claim this old without a sent stamp belongs to a sender that died.
STALE_CLAIM = timedelta(minutes=30)


class AlertLogMixin:
    def claim_delivery(
        self: Store, key: str, recipient: str, kind: str, team: str, period: str
    ) -> bool:
        """True when this process may send (key, recipient): nobody sent or is sending it."""
        stale = (datetime.now(UTC) - STALE_CLAIM).isoformat(timespec="seconds")
        with self.write() as c:
            c.execute(
                """DELETE FROM alert_deliveries WHERE key = ? AND recipient = ?
                   AND sent_at IS NULL AND claimed_at < ?""",
                (key, recipient, stale),
            )
            cur = c.execute(
                """INSERT INTO alert_deliveries (key, recipient, kind, team, period, claimed_at)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key, recipient) DO NOTHING""",
                (key, recipient, kind, team, period, now_iso()),
            )
        return cur.rowcount > 0

    def finish_delivery(self: Store, key: str, recipient: str, sent: bool) -> None:
        """Stamp a claimed delivery as sent, or give the claim back after a failure."""
        with self.write() as c:
            if sent:
                c.execute(
                    "UPDATE alert_deliveries SET sent_at = ? WHERE key = ? AND recipient = ?",
                    (now_iso(), key, recipient),
                )
            else:
                c.execute(
                    """DELETE FROM alert_deliveries
                       WHERE key = ? AND recipient = ? AND sent_at IS NULL""",
                    (key, recipient),
                )

    def purge_deliveries(self: Store, before: datetime) -> int:
        """Forget deliveries claimed before `before`: a round only ever sends the last
        full week, so an older row can never stop a second send."""
        with self.write() as c:
            cur = c.execute(
                "DELETE FROM alert_deliveries WHERE claimed_at < ?",
                (before.astimezone(UTC).isoformat(timespec="seconds"),),
            )
        return cur.rowcount

    def deliveries(self: Store, limit: int = 500) -> list[dict]:
        rows = self.all(
            """SELECT key, recipient, kind, team, period, claimed_at, sent_at
               FROM alert_deliveries ORDER BY claimed_at DESC, key LIMIT ?""",
            (limit,),
        )
        return [dict(r) for r in rows]
