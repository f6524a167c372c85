"""Bringing stored output units to whole numbers (migration m008)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

_FRACTIONAL = "(units != ROUND(units) OR corrections != ROUND(corrections))"


def round_fractional_units(conn: sqlite3.Connection) -> int:
    """Round every fractional row in place; the number of rows changed.

    The audit entry keeps the ids, so the rounded rows stay traceable to the
    import that wrote them.
    """
    ids = [r[0] for r in conn.execute(f"SELECT id FROM output_units WHERE {_FRACTIONAL}")]
    if not ids:
        return 0
    conn.execute(
        f"""UPDATE output_units
            SET units = ROUND(units),
                corrections = CASE
                    WHEN function != 'payroll' AND ROUND(corrections) > ROUND(units)
                    THEN ROUND(units) ELSE ROUND(corrections) END
            WHERE {_FRACTIONAL}"""
    )
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
        (
            datetime.now(UTC).isoformat(timespec="seconds"),
            "system",
            "migration.integer_units",
            "output_units",
            json.dumps({"rounded": len(ids), "ids": ids[:1000]}),
        ),
    )
    return len(ids)
