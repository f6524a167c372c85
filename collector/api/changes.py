"""Marked changes and the before/after comparison (issue 14).

Admins mark a change (audited, with the change in one transaction); managers
list and compare the changes that concern their teams, and see only those
teams of each."""

from __future__ import annotations

from flask import request

from collector.api import change_models as cm
from collector.auth import team_scope
from collector.db import get_store
from collector.service import before_after, changes

from . import bp
from .endpoint import operation


@operation(
    bp,
    "/changes",
    "POST",
    summary="Mark a change (a rule pack, a process change, a training) for before/after",
    tag="organisation",
    auth_as="admin",
    body=cm.ChangeIn,
    responses={201: cm.Change},
)
def post_change(principal, *, body: cm.ChangeIn):
    store = get_store()
    team_ids = changes.team_ids_by_name(store, body.teams)
    return (
        changes.mark_change(
            store, body.day, body.note, team_ids, principal.label, request.remote_addr or ""
        ),
        201,
    )


@operation(
    bp,
    "/changes",
    "GET",
    summary="Marked changes concerning your teams, newest first",
    tag="organisation",
    auth_as="manager",
    responses={200: cm.ChangeList},
)
def list_changes(principal):
    scope, _ = team_scope(principal, None)
    return {"changes": changes.visible_changes(get_store(), scope)}


@operation(
    bp,
    "/reports/before-after",
    "GET",
    summary="Before/after a marked change: hours per unit and interruptions, with intervals",
    tag="reports",
    auth_as="manager",
    query=cm.BeforeAfterQuery,
    responses={200: cm.BeforeAfterReport},
)
def before_after_report(principal, *, query: cm.BeforeAfterQuery):
    """The change's teams you may see, in two equal windows either side of its day
    (`days` each, clipped to the data): after minus before with a 95% normal interval
    from the day-to-day variation, and a verdict (improved, worse, no clear change)."""
    scope, _ = team_scope(principal, None)
    return before_after.before_after_report(get_store(), query.change, scope, query.days)
