"""Work items in: from the API or a CSV file (docs/design.md §3).

Every row is checked before anything is stored, and every problem of every
row is named (row and field): an unknown type, a completion before receipt,
a time without its offset, the same id twice in one input, an unknown team,
employee or client, or a receipt after the completion already stored. The
id is replaced by its HMAC with the organisation's salt here, so no layer
below sees it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from collector.service.errors import Forbidden, Invalid
from collector.service.validation import invalid_fields
from collector.service.work_item_bodies import WorkItem
from shared.work_item_ref import hash_reference

if TYPE_CHECKING:
    from collector.store import Principal, Store

CSV_COLUMNS = [
    "id",
    "type",
    "team",
    "received_at",
    "completed_at",
    "quality_passed",
    "employee",
    "client",
]
REQUIRED_COLUMNS = ("id", "type", "team", "received_at")
MAX_ROWS = 10_000
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


class ItemsRejected(Invalid):
    def __init__(self, fields: list[dict]):
        shown = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
        more = f" (and {len(fields) - 3} more)" if len(fields) > 3 else ""
        super().__init__(f"nothing was stored: {shown}{more}", fields)


@dataclass
class Candidate:
    where: str
    item: WorkItem | None
    problems: list[dict]


def _candidate(where: str, data: Any, problems: list[dict] | None = None) -> Candidate:
    problems = list(problems or [])
    if not isinstance(data, dict):
        return Candidate(
            where, None, [*problems, {"field": where, "message": "should be an object"}]
        )
    try:
        item = WorkItem.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        return Candidate(where, None, problems + invalid_fields(exc, prefix=where))
    return Candidate(where, item, problems)  # item: checked further, stored only if clean


def _check(
    store: Store, c: Candidate, item: WorkItem, principal: Principal | None, types: set[str]
):
    errors: list[dict] = []
    if item.type not in types:
        known = ", ".join(sorted(types)) or "none yet: an admin adds them (PUT /work-types)"
        errors.append(
            {"field": f"{c.where}.type", "message": f"no work type {item.type!r}; known: {known}"}
        )
    if item.completed_at is not None and item.completed_at < item.received_at:
        errors.append({"field": f"{c.where}.completed_at", "message": "before received_at"})
    team_id = store.team_id(item.team)
    person_id = None
    if team_id is None:
        errors.append({"field": f"{c.where}.team", "message": f"no team named {item.team!r}"})
    elif principal is not None and not principal.is_admin and team_id not in principal.team_ids:
        raise Forbidden(f"{c.where}.team: not one of your teams")
    if item.employee is not None and team_id is not None:
        person_id = store.person_id(team_id, item.employee)
        if person_id is None:
            errors.append(
                {"field": f"{c.where}.employee", "message": "no such employee in this team"}
            )
    if item.client is not None and not store.client_exists(item.client):
        errors.append(
            {"field": f"{c.where}.client", "message": f"no client {item.client!r}; create it first"}
        )
    return team_id, person_id, errors


def resolve(store: Store, candidates: list[Candidate], principal: Principal | None) -> list[dict]:
    """Rows to upsert (ids hashed, names resolved), or ItemsRejected naming
    every problem of every row."""
    types = {t["key"] for t in store.work_types()}
    salt = store.work_item_salt()
    errors = [p for c in candidates for p in c.problems]
    rows: list[dict] = []
    first_seen: dict[tuple[str, str], str] = {}
    wheres: list[str] = []
    for c in candidates:
        if c.item is None:
            continue
        item = c.item
        key = (item.type, hash_reference(salt, item.id))
        if key in first_seen:
            errors.append(
                {
                    "field": f"{c.where}.id",
                    "message": f"the same {item.type} id as {first_seen[key]}",
                }
            )
            continue
        first_seen[key] = c.where
        team_id, person_id, bad = _check(store, c, item, principal, types)
        errors += bad
        if bad or c.problems:
            continue
        rows.append(
            {
                "type": item.type,
                "ref": key[1],
                "team_id": team_id,
                "person_id": person_id,
                "client_key": item.client,
                "received_at": item.received_at.timestamp(),
                "completed_at": item.completed_at.timestamp() if item.completed_at else None,
                "quality_passed": item.quality_passed,
            }
        )
        wheres.append(c.where)
    stored = store.work_items_by_ref([(r["type"], r["ref"]) for r in rows])
    for row, where in zip(rows, wheres, strict=True):
        before = stored.get((row["type"], row["ref"]))
        done = (
            row["completed_at"]
            if row["completed_at"] is not None
            else (before or {}).get("completed_at")
        )
        if done is not None and done < row["received_at"]:
            errors.append(
                {
                    "field": f"{where}.received_at",
                    "message": "after the completion already stored for this item",
                }
            )
    if errors:
        raise ItemsRejected(errors)
    return rows


def check_json_items(store: Store, items: list[Any], principal: Principal | None) -> list[dict]:
    return resolve(store, [_candidate(f"items.{i}", it) for i, it in enumerate(items)], principal)


def read_csv(text: str) -> list[Candidate]:
    """The rows of a CSV with a header row (row 1), each with its format problems."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise ItemsRejected([{"field": "rows.1", "message": "empty file; expected a header row"}])
    unknown = [h for h in header if h not in CSV_COLUMNS]
    missing = [h for h in REQUIRED_COLUMNS if h not in header]
    if unknown or missing:
        said = [f"unknown columns {', '.join(unknown)}"] if unknown else []
        said += [f"missing columns {', '.join(missing)}"] if missing else []
        raise ItemsRejected([{"field": "rows.1", "message": "; ".join(said)}])
    out = []
    for n, raw in enumerate(reader, start=2):
        where = f"rows.{n}"
        if n - 1 > MAX_ROWS:
            raise ItemsRejected([{"field": where, "message": f"more than {MAX_ROWS} rows"}])
        if None in raw:
            out.append(
                Candidate(where, None, [{"field": where, "message": "more cells than columns"}])
            )
            continue
        data: dict[str, Any] = {k.strip(): (v or "").strip() for k, v in raw.items()}
        data = {k: v for k, v in data.items() if v != ""}
        problems = []
        if "quality_passed" in data:
            word = data["quality_passed"].lower()
            if word in _TRUE | _FALSE:
                data["quality_passed"] = word in _TRUE
            else:
                problems.append(
                    {"field": f"{where}.quality_passed", "message": "expected true or false"}
                )
                del data["quality_passed"]
        out.append(_candidate(where, data, problems))
    if not out:
        raise ItemsRejected([{"field": "rows.2", "message": "no data rows"}])
    return out


def check_csv(store: Store, text: str, principal: Principal | None) -> list[dict]:
    return resolve(store, read_csv(text), principal)
