"""Absences on the workload page: a manager records the days a person of
their team was away, and removes them. There is no reason field: a reason
such as sickness is health data the product must not hold (docs/design.md §5).

The form posts here and comes back to the workload page; the API
(`POST /absences`) checks the same things.
"""

from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, request, url_for

from collector.dashboard import bp
from collector.db import get_store
from collector.store import Principal, Store
from collector.web.sessions import signed_in

MAX_DAYS = 366


def form_context(store: Store, principal: Principal, team_ids: list[int] | None, start, end):
    """People the signed-in manager may record absences for, and absences in the period."""
    scope = None if principal.is_admin else sorted(principal.team_ids)
    if team_ids is not None:
        scope = sorted(set(team_ids) & set(scope)) if scope is not None else list(team_ids)
    return {
        "absence_people": store.people(scope),
        "absences": store.absences(scope, start.isoformat(), end.isoformat()),
    }


def _back():
    return redirect(url_for("dashboard.workload", **{k: v for k, v in request.args.items()}))


@bp.post("/absences")
@signed_in()
def absences_add():
    store = get_store()
    try:
        person_id = int(request.form.get("person", ""))
        first = date.fromisoformat(request.form.get("from", ""))
        last = date.fromisoformat(request.form.get("to", "") or request.form.get("from", ""))
    except ValueError:
        flash("Not recorded: choose a person and give the first and last day away.", "error")
        return _back()
    person = next((p for p in store.people() if p["id"] == person_id), None)
    if person is None or (
        not g.principal.is_admin and person["team_id"] not in g.principal.team_ids
    ):
        flash("Not recorded: that person is not in one of your teams.", "error")
        return _back()
    if last < first or (last - first).days + 1 > MAX_DAYS:
        flash(
            f"Not recorded: the last day must be on or after the first, within {MAX_DAYS} days.",
            "error",
        )
        return _back()
    with store.write():
        (absence_id,) = store.add_absences(
            [
                {
                    "person_id": person_id,
                    "first_day": first.isoformat(),
                    "last_day": last.isoformat(),
                }
            ],
            g.principal.label,
        )
        store.audit(
            g.principal.label,
            "absences.add",
            str(absence_id),
            {"rows": 1},
            request.remote_addr or "",
        )
    flash(f"Recorded {person['name']} away {first.isoformat()} to {last.isoformat()}.", "success")
    return _back()


@bp.post("/absences/<int:absence_id>/delete")
@signed_in()
def absences_delete(absence_id: int):
    store = get_store()
    row = store.absence(absence_id)
    if row is None or (not g.principal.is_admin and row["team_id"] not in g.principal.team_ids):
        flash("That absence is not one you can remove.", "error")
        return _back()
    with store.write():
        store.delete_absence(absence_id)
        store.audit(
            g.principal.label, "absences.delete", str(absence_id), {}, request.remote_addr or ""
        )
    flash(f"Removed the absence of {row['employee']}.", "success")
    return _back()
