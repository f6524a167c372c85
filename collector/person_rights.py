"""The employee's rights over their own data (docs/design.md §5): a copy of everything
held about them, and erasure. The API, the CLI and the admin page all call
these, so the three cannot differ in what they hand out or remove."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from collector.spreadsheet_csv import BOM, write_csv
from collector.store import Store


def export(store: Store, person_id: int) -> dict[str, Any]:
    """The person's data as one JSON document, with when it was made."""
    tables = store.person_export(person_id)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": tables,
    }


def export_zip(store: Store, person_id: int) -> bytes:
    """The same export as one CSV per table (for a spreadsheet) plus the JSON."""
    doc = export(store, person_id)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export.json", json.dumps(doc, indent=2, default=str))
        for table, rows in doc["tables"].items():
            columns = list(rows[0]) if rows else []
            csv_text = write_csv(columns, ([row[c] for c in columns] for row in rows))
            zf.writestr(f"{table}.csv", BOM + csv_text)  # UTF-8 a spreadsheet reads right
    return buf.getvalue()


def erase(store: Store, person_id: int, actor: str, ip: str = "") -> dict[str, int]:
    """Remove the person in one transaction, then wipe the freed bytes from
    the database files. Returns rows removed per table."""
    removed = store.person_erase(person_id, actor, ip)
    if removed:
        store.wipe_free_space()
    return removed
