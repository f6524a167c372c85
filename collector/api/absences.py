"""Absences by API: a person and a date range, never a reason (docs/design.md §3).

A manager records absences only for people of their own teams; everything
in a request is checked first and one bad item stores nothing.
"""

from __future__ import annotations

from flask import request

from collector.api import models as m
from collector.api.endpoint import operation
from collector.api.errors import ApiError
from collector.db import get_store

from . import bp

#: An absence longer than this is almost certainly a typo in a year.
MAX_DAYS = 366


def resolve_absences(store, principal, items: list[m.Absence], prefix: str = "items") -> list[dict]:
    """Items to store rows, or ApiError naming every bad field."""
    errors, rows = [], []
    for i, item in enumerate(items):
        where = f"{prefix}.{i}"
        team_id = None
        if item.team is not None:
            team_id = store.team_id(item.team)
            if team_id is None:
                errors.append({"field": f"{where}.team", "message": f"no team named {item.team!r}"})
                continue
        candidates = [
            p for p in store.people([team_id] if team_id else None) if p["name"] == item.employee
        ]
        if not candidates:
            errors.append({"field": f"{where}.employee", "message": "no such employee"})
            continue
        if len(candidates) > 1:
            errors.append({"field": f"{where}.employee", "message": "in several teams; give team"})
            continue
        person = candidates[0]
        if item.to < item.from_:
            errors.append({"field": f"{where}.to", "message": "ends before it starts"})
            continue
        if (item.to - item.from_).days + 1 > MAX_DAYS:
            errors.append({"field": f"{where}.to", "message": f"longer than {MAX_DAYS} days"})
            continue
        if not principal.is_admin and person["team_id"] not in principal.team_ids:
            raise ApiError(403, "forbidden", f"{where}.employee: not in one of your teams")
        rows.append(
            {
                "person_id": person["id"],
                "first_day": item.from_.isoformat(),
                "last_day": item.to.isoformat(),
            }
        )
    if errors:
        raise ApiError(400, "invalid_request", "nothing was stored", errors)
    return rows


@operation(
    bp,
    "/absences",
    "POST",
    summary="Record days people were away",
    tag="organisation",
    auth_as="manager",
    body=m.Absences,
    responses={200: m.AbsencesStored},
    description="`{items: [{employee, team?, from, to}]}`. Absent days are not available "
    "hours in the workload report. No reason is accepted or stored: a reason such as "
    "sickness is health data.",
)
def post_absences(principal, *, body: m.Absences):
    store = get_store()
    rows = resolve_absences(store, principal, body.items)
    with store.write():
        ids = store.add_absences(rows, principal.label)
        store.audit(
            principal.label, "absences.add", "", {"rows": len(ids)}, request.remote_addr or ""
        )
    return {"stored": len(ids), "ids": ids}


@operation(
    bp,
    "/absences/<int:absence_id>",
    "DELETE",
    summary="Remove a recorded absence",
    tag="organisation",
    auth_as="manager",
    responses={200: m.Deleted},
)
def delete_absence(principal, absence_id: int):
    store = get_store()
    row = store.absence(absence_id)
    if row is None or (not principal.is_admin and row["team_id"] not in principal.team_ids):
        # Another team's absence answers like a missing one: ids are not a way to probe.
        raise ApiError(404, "not_found", f"no absence {absence_id}")
    with store.write():
        store.delete_absence(absence_id)
        store.audit(
            principal.label, "absences.delete", str(absence_id), {}, request.remote_addr or ""
        )
    return {"deleted": absence_id}
