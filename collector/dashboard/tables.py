"""The table behind each chart, and the same table as a CSV download.

One object feeds both: the page formats each cell for reading, the CSV
writes the same figure rounded for display but still a number
(formatting.csv_figure: hours to 2 decimals, rates to 4), so a spreadsheet
can sum it. The unrounded figures are the API's. A suppressed
row keeps its label and says why, instead of carrying zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response

from collector.dashboard.formatting import csv_figure
from collector.spreadsheet_csv import write_csv
from collector.web.downloads import csv_download


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
            values = [csv_figure(row.get(c.key), c.kind) for c in table.columns]
            values += [""] if extra else []
        rows.append(values)
    return write_csv(keys + (["suppressed"] if extra else []), rows)


def csv_response(table: Table, file_name: str) -> Response:
    return csv_download(csv_body(table), file_name)
