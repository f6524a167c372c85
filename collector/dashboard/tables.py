"""The table behind each chart, and the same table as a CSV download.

One object feeds both: the page formats each cell for reading, the CSV
writes the unrounded figure, so the download holds exactly what is shown.
A suppressed row keeps its label and says why, instead of carrying zeros.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Response

from collector.spreadsheet_csv import write_csv


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # see formatting.cell

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "day", "week", "band", "cause")


@dataclass
class Table:
    caption: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    currency: str = "USD"
    note: str = ""

    def suppressed_rows(self) -> bool:
        return any(r.get("suppressed") for r in self.rows)


def csv_body(table: Table) -> str:
    keys = [c.key for c in table.columns]
    extra = table.suppressed_rows()
    rows = []
    for row in table.rows:
        if row.get("suppressed"):
            values = [row.get(k) if i == 0 else None for i, k in enumerate(keys)]
            values.append(row["suppressed"])
        else:
            values = [row.get(k) for k in keys] + ([""] if extra else [])
        rows.append(values)
    return write_csv(keys + (["suppressed"] if extra else []), rows)


def csv_response(table: Table, name: str, parts: list[str | None]) -> Response:
    stem = "-".join(re.sub(r"[^A-Za-z0-9]+", "_", p).strip("_") for p in [name, *parts] if p)
    return Response(
        csv_body(table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="backlight-{stem}.csv"',
            "Cache-Control": "no-store",
        },
    )
