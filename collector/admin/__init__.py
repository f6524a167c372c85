"""The admin pages: users and teams, tokens and keys, devices, rules,
settings and the audit log.

Server-rendered like the dashboard, and under the same rules: every page is
for admins only (a manager gets 403 on every URL here), every change is a
POST carrying the session's CSRF token and writes an audit entry, and bad
input re-renders the form naming the field, with nothing stored.

The checks the API makes are the checks made here: settings go through
`collector.service.settings_table`, rules through `shared.payload.Rule`, and the store
methods are the ones the API and the CLI call.
"""

from __future__ import annotations

import time

from flask import Blueprint, Flask, abort, g, redirect, request, url_for
from werkzeug.exceptions import HTTPException

from collector.web import csrf
from collector.web.error_pages import http_error
from collector.web.sessions import current_principal, current_user

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only():
    """CSRF first (a forged POST is refused with 403 whoever it claims to be), then
    sign-in. The dashboard's app-wide hook checks CSRF too; checking here as
    well keeps these pages safe whatever happens to that hook."""
    csrf.protect()
    user = current_user()
    if user is None:
        return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
    if user["role"] != "admin":
        abort(403, "This page is for admins.")
    g.principal = current_principal()
    return None


@bp.context_processor
def _admin_context():
    from collector.admin.forms import when

    return {"when": when, "now_epoch": time.time()}


bp.register_error_handler(HTTPException, http_error)


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


def register(app: Flask) -> None:
    """In any order with the dashboard: `collector.web` gives these pages the
    CSRF token and security headers; the page frame's context is app-wide."""
    # The view modules add their routes to `bp` when imported.
    from collector.admin import (  # noqa: F401
        access,
        audit,
        changes,
        devices,
        people,
        person_rights,
        rules,
        settings_page,
    )

    app.register_blueprint(bp)
