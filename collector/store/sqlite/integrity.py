"""`PRAGMA integrity_check`, less one false alarm of older SQLite.

SQLite 3.40 (Debian 12's) reports "NULL value in T.C" for NOT NULL columns of
WITHOUT ROWID tables that hold no NULL at all (fixed in later releases). Each
such line is checked with a query; only a NULL that is really there counts.
Everything else integrity_check says is kept as it is.
"""

from __future__ import annotations

import re
import sqlite3

_NULL_VALUE = re.compile(r"NULL value in (\w+)\.(\w+)")


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """An empty list when the database is intact."""
    problems = []
    for (line,) in conn.execute("PRAGMA integrity_check").fetchall():
        if line == "ok":
            continue
        match = _NULL_VALUE.fullmatch(line)
        if match:
            table, column = match.groups()
            really = conn.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}" IS NULL LIMIT 1'
            ).fetchone()
            if really is None:
                continue
        problems.append(line)
    return problems
