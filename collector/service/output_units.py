"""Output units in: from the API, a CSV file, or an employee's own log.

Names in the input (team, employee, client) are resolved here; any row that
does not resolve fails the whole input, with every bad row named, and
nothing is stored (the caller stores only a list that came back clean).
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from pydantic import ValidationError

from collector.service.errors import Forbidden, Invalid
from collector.service.unit_bodies import MyUnit, OutputUnit
from collector.service.validation import invalid_fields
from collector.spreadsheet_csv import write_csv

if TYPE_CHECKING:
    from collector.store import Device, Principal, Store

CSV_COLUMNS = ["date", "function", "units", "corrections", "team", "employee", "client"]
MAX_CSV_ROWS = 10_000
COUNT_FIELDS = ("units", "corrections")
NOT_A_COUNT = "not a whole number; units and corrections are counts (12, not 2.5)"


def parse_count(text: str) -> int:
    """A count typed by a person or written in a CSV cell: digits only.

    "2.5" and "3.0" are both refused: a fraction of a schedule is a sign the
    figure came from somewhere else (a sum of hours, an average), and an
    import that rounded it silently would hide that.
    """
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(NOT_A_COUNT)
    return int(text)


def corrections_limit(function: str, units: int, operation_size: int) -> int:
    """Corrections count units, except payroll's, which count paychecks
    (docs/design.md §4): at most pay cycles x the people paid each cycle."""
    return units * operation_size if function == "payroll" else units


class UnitsRejected(Invalid):
    def __init__(self, fields: list[dict]):
        shown = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
        more = f" (and {len(fields) - 3} more)" if len(fields) > 3 else ""
        super().__init__(f"nothing was stored: {shown}{more}", fields)


def _resolve(
    store: Store,
    item: OutputUnit,
    where: str,
    principal: Principal | None,
    operation_size: int,
) -> tuple[dict | None, list[dict]]:
    errors = []
    team_id = person_id = None
    if item.team is not None:
        team_id = store.team_id(item.team)
        if team_id is None:
            errors.append({"field": f"{where}.team", "message": f"no team named {item.team!r}"})
    if item.employee is not None:
        candidates = [
            p for p in store.people([team_id] if team_id else None) if p["name"] == item.employee
        ]
        if len(candidates) == 1:
            person_id, team_id = candidates[0]["id"], candidates[0]["team_id"]
        elif not candidates:
            errors.append({"field": f"{where}.employee", "message": "no such employee"})
        else:
            errors.append({"field": f"{where}.employee", "message": "in several teams; give team"})
    if item.client is not None and not store.client_exists(item.client):
        errors.append({"field": f"{where}.client", "message": "no such client; create it first"})
    limit = corrections_limit(item.function, item.units, operation_size)
    if item.corrections > limit:
        what = (
            f"more corrected paychecks than pay cycles x operation.size ({limit})"
            if item.function == "payroll"
            else "more corrections than units"
        )
        errors.append({"field": f"{where}.corrections", "message": what})
    if principal is not None and not principal.is_admin and not errors:
        if team_id is None:
            errors.append({"field": f"{where}.team", "message": "managers record units for a team"})
        elif team_id not in principal.team_ids:
            raise Forbidden(f"{where}.team: not one of your teams")
    if errors:
        return None, errors
    return {
        "date": item.date.isoformat(),
        "function": item.function,
        "team_id": team_id,
        "person_id": person_id,
        "client_key": item.client,
        "units": item.units,
        "corrections": item.corrections,
    }, []


def resolve_units(
    store: Store,
    items: list[OutputUnit],
    principal: Principal | None,
    prefix: str = "items",
    first: int = 0,
) -> list[dict]:
    """Errors name `prefix.N`, N counted from `first`: 0 for a JSON list,
    2 for a parsed CSV file (the header is row 1), so people find the row."""
    rows, errors = [], []
    size = store.settings()["operation.size"]
    for i, item in enumerate(items, first):
        row, bad = _resolve(store, item, f"{prefix}.{i}", principal, size)
        errors += bad
        if row:
            rows.append(row)
    if errors:
        raise UnitsRejected(errors)
    return rows


def resolve_my_units(store: Store, device: Device, items: list[MyUnit]) -> list[dict]:
    """An employee logs work for themself, in their own team."""
    full = [
        OutputUnit(
            date=i.date,
            function=i.function,
            units=i.units,
            corrections=i.corrections,
            client=i.client,
        )
        for i in items
    ]
    rows = resolve_units(store, full, None)
    for row in rows:
        row["team_id"], row["person_id"] = device.team_id, device.person_id
    return rows


def parse_csv(text: str) -> list[OutputUnit]:
    """Parse a CSV with a header row; errors name the file's row (header = row 1)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise UnitsRejected([{"field": "rows.1", "message": "empty file; expected a header row"}])
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [c for c in ("date", "function", "units") if c not in header]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(f"unknown columns {', '.join(unknown)}")
        if missing:
            problems.append(f"missing columns {', '.join(missing)}")
        raise UnitsRejected([{"field": "rows.1", "message": "; ".join(problems)}])
    items, errors = [], []
    for n, raw in enumerate(reader, start=2):
        if n - 1 > MAX_CSV_ROWS:
            raise UnitsRejected(
                [{"field": f"rows.{n}", "message": f"more than {MAX_CSV_ROWS} rows"}]
            )
        if None in raw:
            errors.append({"field": f"rows.{n}", "message": "more cells than columns"})
            continue
        values = {k.strip(): (v or "").strip() for k, v in raw.items()}
        data: dict = {k: v for k, v in values.items() if v != ""}
        bad = False
        for key in COUNT_FIELDS:
            if key in data:
                try:
                    data[key] = parse_count(data[key])
                except ValueError as exc:
                    errors.append({"field": f"rows.{n}.{key}", "message": str(exc)})
                    bad = True
        if bad:
            continue
        try:
            items.append(OutputUnit.model_validate(data, strict=False))
        except ValidationError as exc:
            errors += invalid_fields(exc, prefix=f"rows.{n}")
    if errors:
        raise UnitsRejected(errors)
    if not items:
        raise UnitsRejected([{"field": "rows.2", "message": "no data rows"}])
    return items


def csv_rows(store: Store, team_ids: list[int] | None, start: str, end: str) -> str:
    """The units export (page, API and CLI), in the columns the import reads."""
    rows = store.output_units(team_ids, start, end)
    return write_csv(CSV_COLUMNS, ([r.get(k) for k in CSV_COLUMNS] for r in rows))
