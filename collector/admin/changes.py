"""Changes: mark a rule pack, a process change or a training with its day and
the teams it concerns, so the dashboard's Before/after page can say whether
it worked. The checks are the API's (collector/service/changes.py); the
change and its audit entry are one transaction."""

from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for

from collector.admin import bp
from collector.admin.forms import FormErrors, team_ids, text
from collector.db import get_store
from collector.service import changes
from collector.service.errors import Invalid


def _page(errors: FormErrors | None = None, form: dict | None = None, status: int = 200):
    store = get_store()
    body = render_template(
        "admin/changes.html",
        page="changes",
        changes=store.changes(),
        teams=store.teams(),
        errors=errors or FormErrors(),
        form=form or {"teams": []},
        note_max=changes.NOTE_MAX,
    )
    return body, status


@bp.get("/changes")
def changes_page():
    return _page()


@bp.post("/changes")
def add_change():
    store = get_store()
    errors = FormErrors()
    raw_day = text("day", 40)
    note = request.form.get("note", "")[: changes.NOTE_MAX * 2]
    day: date | None = None
    try:
        day = changes.check_day(date.fromisoformat(raw_day))
    except ValueError:
        errors.add("day", "day: give the day it took effect, YYYY-MM-DD.")
    except Invalid as exc:
        errors.add("day", f"day: {exc.fields[0]['message']}.")
    try:
        note = changes.check_note(note)
    except Invalid as exc:
        errors.add("note", f"note: {exc.fields[0]['message']}.")
    teams = team_ids("teams", errors)
    if not teams and "teams" not in errors:
        errors.add("teams", "teams: tick the teams it concerns.")
    if errors or day is None:
        return _page(errors, {"day": raw_day, "note": note, "teams": teams}, 400)
    found = changes.mark_change(
        store, day, note, teams, g.principal.label, request.remote_addr or ""
    )
    flash(
        f"Change marked for {', '.join(found['teams'])} on {found['day']}: "
        "see Before/after for its effect.",
        "success",
    )
    return redirect(url_for("admin.changes_page"))
