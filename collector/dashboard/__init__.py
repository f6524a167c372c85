"""The manager dashboard: server-rendered pages over the same report bodies
the API returns. No build step, and no JavaScript needed.

`register(app)` wires it into `create_app`: template filters, the blueprint
and the page frame's context. The session, CSRF check and security headers
are `collector.web`'s. The admin pages are a separate blueprint
(`collector.admin`); they extend the same `base.html`, and their links show
in the header for admins once registered.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from werkzeug.exceptions import HTTPException

from collector.api.errors import ApiError, from_service
from collector.dashboard import formatting
from collector.service.errors import ServiceError
from collector.web import csrf, sessions
from collector.web.error_pages import error_page, http_error

bp = Blueprint("dashboard", __name__)

NAV = [
    ("dashboard.overview", "Overview"),
    ("dashboard.functions", "Functions"),
    ("dashboard.teams", "Teams"),
    ("dashboard.interruptions", "Interruptions"),
    ("dashboard.spikes", "Spike calendar"),
    ("dashboard.before_after_page", "Before/after"),
    ("dashboard.clients", "Clients"),
    ("dashboard.review", "Monthly review"),
    ("dashboard.quarterly", "Quarterly review"),
    ("dashboard.workload", "Workload"),
    ("dashboard.backlog", "Backlog & SLA"),
    ("dashboard.units", "Output units"),
]
#: The admin blueprint's pages; a link shows only when its endpoint exists.
ADMIN_NAV = [
    ("admin.users", "Users & teams"),
    ("admin.access", "Tokens & keys"),
    ("admin.devices", "Devices"),
    ("admin.rules", "Rules"),
    ("admin.changes_page", "Changes"),
    ("admin.settings", "Settings"),
    ("admin.audit", "Audit log"),
]


def admin_links() -> list[tuple[str, str]]:
    user = sessions.current_user()
    if user is None or user["role"] != "admin":
        return []
    return [(e, label) for e, label in ADMIN_NAV if e in current_app.view_functions]


def _nav() -> list[tuple[str, str]]:
    """The report links this user may open: Clients needs client finance."""
    user = sessions.current_user()
    if user is None or user["role"] == "admin" or user.get("sees_client_finance"):
        return NAV
    return [(e, label) for e, label in NAV if e != "dashboard.clients"]


def _context():
    return {
        "csrf_token": csrf.token,
        "user": sessions.current_user(),
        "nav": _nav(),
        "admin_nav": admin_links(),
    }


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    """A body check shared with the API raised the API's error; show it as a page."""
    return error_page(exc.status, exc.message)


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    """team_scope and the output-unit checks refuse in the logic's terms; show it
    as a page, with the status the API would answer."""
    return error_page(from_service(exc).status, exc.message)


bp.register_error_handler(HTTPException, http_error)


def register(app: Flask) -> None:
    """After `web.register(app)`, which installs the session, CSRF and header hooks."""
    formatting.register(app)
    # The route modules add their views to `bp` when imported.
    from collector.dashboard import (  # noqa: F401
        absences,
        account_sessions,
        pages,
        signin,
        units,
        work_items_upload,
    )

    app.register_blueprint(bp)
    # App-wide, so the admin and privacy pages get the same frame, token and nav.
    app.context_processor(_context)
