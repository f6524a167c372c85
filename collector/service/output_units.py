"""Output units in: from the API, a CSV file, or an employee's own log.

Names in the input (team, employee, client) are resolved here; any row that
does not resolve fails the whole input, with every bad row named, and
nothing is stored (the caller stores only a list that came back clean).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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


@dataclass
class Candidate:
    """One row of an input as read: the item when its format is right, else the
    format problems, and the raw values, so that the references (team,
    employee, client) of a malformed row are checked in the same pass."""

    where: str
    item: OutputUnit | None
    raw: dict[str, Any]
    problems: list[dict]


def _candidate(where: str, data: Any, problems: list[dict] | None = None) -> Candidate:
    problems = list(problems or [])
    item = None
    if not isinstance(data, dict):
        problems.append({"field": where, "message": "should be an object"})
        data = {}
    elif not problems:
        try:
            item = OutputUnit.model_validate_json(json.dumps(data))
        except ValidationError as exc:
            problems += invalid_fields(exc, prefix=where)
    return Candidate(where, item, data, problems)


def _references(store: Store, c: Candidate) -> tuple[int | None, int | None, list[dict]]:
    """(team id, person id, problems) of the row's names; a name whose own
    format is wrong is reported by the format check only."""
    bad_fields = {p["field"] for p in c.problems}

    def given(key: str) -> str | None:
        value = c.raw.get(key)
        if c.item is not None:
            return getattr(c.item, key)
        if isinstance(value, str) and value and f"{c.where}.{key}" not in bad_fields:
            return value
        return None

    errors = []
    team_id = person_id = None
    team, employee, client = given("team"), given("employee"), given("client")
    if team is not None:
        team_id = store.team_id(team)
        if team_id is None:
            errors.append({"field": f"{c.where}.team", "message": f"no team named {team!r}"})
    if employee is not None:
        candidates = [
            p for p in store.people([team_id] if team_id else None) if p["name"] == employee
        ]
        if len(candidates) == 1:
            person_id, team_id = candidates[0]["id"], candidates[0]["team_id"]
        elif not candidates:
            errors.append({"field": f"{c.where}.employee", "message": "no such employee"})
        else:
            errors.append(
                {"field": f"{c.where}.employee", "message": "in several teams; give team"}
            )
    if client is not None and not store.client_exists(client):
        errors.append(
            {"field": f"{c.where}.client", "message": f"no client {client!r}; create it first"}
        )
    return team_id, person_id, errors


def _resolve(
    store: Store, c: Candidate, principal: Principal | None, operation_size: int
) -> tuple[dict | None, list[dict]]:
    team_id, person_id, errors = _references(store, c)
    errors = c.problems + errors
    item = c.item
    if item is None:
        return None, errors
    limit = corrections_limit(item.function, item.units, operation_size)
    if item.corrections > limit:
        what = (
            f"more corrected paychecks than pay cycles x operation.size ({limit})"
            if item.function == "payroll"
            else "more corrections than units"
        )
        errors.append({"field": f"{c.where}.corrections", "message": what})
    if principal is not None and not principal.is_admin and not errors:
        if team_id is None:
            errors.append(
                {"field": f"{c.where}.team", "message": "managers record units for a team"}
            )
        elif team_id not in principal.team_ids:
            raise Forbidden(f"{c.where}.team: not one of your teams")
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


def resolve_candidates(
    store: Store, candidates: list[Candidate], principal: Principal | None
) -> list[dict]:
    """Every row checked, format and references together; rows to store, or
    UnitsRejected naming every problem of every row."""
    rows, errors = [], []
    size = store.settings()["operation.size"]
    for c in candidates:
        row, bad = _resolve(store, c, principal, size)
        errors += bad
        if row:
            rows.append(row)
    if errors:
        raise UnitsRejected(errors)
    return rows


def resolve_units(
    store: Store,
    items: list[OutputUnit],
    principal: Principal | None,
    prefix: str = "items",
    first: int = 0,
) -> list[dict]:
    """Errors name `prefix.N`, N counted from `first`: 0 for a JSON list,
    2 for a parsed CSV file (the header is row 1), so people find the row."""
    candidates = [
        Candidate(f"{prefix}.{i}", item, item.model_dump(), [])
        for i, item in enumerate(items, first)
    ]
    return resolve_candidates(store, candidates, principal)


def check_json_items(
    store: Store, items: list[Any], principal: Principal | None, prefix: str = "items"
) -> list[dict]:
    """The API's `items`, each checked on its own so that one pass names every
    problem; rows to store, or UnitsRejected."""
    candidates = [_candidate(f"{prefix}.{i}", item) for i, item in enumerate(items)]
    return resolve_candidates(store, candidates, principal)


def check_csv(store: Store, text: str, principal: Principal | None) -> list[dict]:
    """A CSV file read and checked in one pass (header = row 1); rows to store,
    or UnitsRejected naming every problem by row and column."""
    return resolve_candidates(store, read_csv(text), principal)


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


def read_csv(text: str) -> list[Candidate]:
    """The rows of a CSV with a header row, each with its format problems;
    UnitsRejected at once only for a file that has no usable header."""
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
    candidates = []
    for n, raw in enumerate(reader, start=2):
        where = f"rows.{n}"
        if n - 1 > MAX_CSV_ROWS:
            raise UnitsRejected([{"field": where, "message": f"more than {MAX_CSV_ROWS} rows"}])
        if None in raw:
            candidates.append(
                Candidate(where, None, {}, [{"field": where, "message": "more cells than columns"}])
            )
            continue
        values = {k.strip(): (v or "").strip() for k, v in raw.items()}
        data: dict = {k: v for k, v in values.items() if v != ""}
        problems = []
        for key in COUNT_FIELDS:
            if key in data:
                try:
                    data[key] = parse_count(data[key])
                except ValueError as exc:
                    problems.append({"field": f"{where}.{key}", "message": str(exc)})
        if problems:
            # The other cells are still checked, so the row's every problem shows.
            others = {k: v for k, v in data.items() if k not in COUNT_FIELDS}
            probe = _candidate(where, {**others, "units": 0})
            problems += [p for p in probe.problems if p["field"] != f"{where}.units"]
            candidates.append(Candidate(where, None, data, problems))
            continue
        candidates.append(_candidate(where, data))
    if not candidates:
        raise UnitsRejected([{"field": "rows.2", "message": "no data rows"}])
    return candidates


def parse_csv(text: str) -> list[OutputUnit]:
    """The items of a CSV whose every row is well formed (references unchecked);
    UnitsRejected naming every malformed row otherwise."""
    candidates = read_csv(text)
    errors = [p for c in candidates for p in c.problems]
    if errors:
        raise UnitsRejected(errors)
    return [c.item for c in candidates if c.item is not None]


def csv_rows(store: Store, team_ids: list[int] | None, start: str, end: str) -> str:
    """The units export (page, API and CLI), in the columns the import reads."""
    rows = store.output_units(team_ids, start, end)
    return write_csv(CSV_COLUMNS, ([r.get(k) for k in CSV_COLUMNS] for r in rows))
