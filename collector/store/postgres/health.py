"""Can the database take a write right now? For `/api/v1/health`.

A write that is rolled back proves the server answers, takes writes (a
replica in recovery does not) and hands out the row lock within the probe's
patience. The server's disk is its own: a full one shows as this write
failing (SQLSTATE 53100), not as a free-space figure read here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collector.store.errors import StoreUnavailable

if TYPE_CHECKING:
    from collector.store.postgres.connection import PostgresConnection as Store

LOCK_WAIT_S = 3.0


class _ProbeDone(Exception):
    """Leaves the probe's transaction by rolling it back."""


class PostgresHealthMixin:
    def write_problem(self: Store) -> str | None:
        try:
            with self.conn.transaction() as c:
                c.execute(f"SET LOCAL lock_timeout = '{int(LOCK_WAIT_S * 1000)}ms'")
                c.execute(f"SET LOCAL statement_timeout = '{int(LOCK_WAIT_S * 2000)}ms'")
                if c.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                    return "the database is a read-only replica (in recovery)"
                c.execute(
                    "INSERT INTO settings (key, value) VALUES ('_health_probe', '1') "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                )
                raise _ProbeDone
        except _ProbeDone:
            return None
        except StoreUnavailable as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return f"a test write failed: {first}"
