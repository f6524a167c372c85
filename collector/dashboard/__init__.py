"""The manager dashboard: server-rendered pages over the same report bodies
the API returns. No build step, and no JavaScript needed.

`register(app)` wires it into `create_app`: the session policy, template
filters, the blueprint with its CSRF check and security headers. The admin
pages are a separate blueprint (`collector.admin`); they extend the same
`base.html`, and their links show in the header for admins once registered.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template, request, send_from_directory
from werkzeug.exceptions import HTTPException

from collector.api.errors import ApiError
from collector.dashboard import csrf, formatting, sessions

bp = Blueprint("dashboard", __name__)

NAV = [
    ("dashboard.overview", "Overview"),
    ("dashboard.functions", "Functions"),
    ("dashboard.interruptions", "Interruptions"),
    ("dashboard.clients", "Clients"),
    ("dashboard.review", "Monthly review"),
    ("dashboard.workload", "Workload"),
    ("dashboard.units", "Output units"),
]
#: The admin blueprint's pages; a link shows only when its endpoint exists.
ADMIN_NAV = [
    ("admin.users", "Users & teams"),
    ("admin.access", "Tokens & keys"),
    ("admin.devices", "Devices"),
    ("admin.rules", "Rules"),
    ("admin.settings", "Settings"),
    ("admin.audit", "Audit log"),
]
#: Blueprints whose pages are HTML for people: CSRF-checked, with these headers.
HTML_BLUEPRINTS = frozenset({"dashboard", "admin", "privacy"})

#: Pages may only load what the collector itself serves: no CDN, no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


#: Files served as they are: the security headers, but a cache may keep them.
STATIC_ENDPOINTS = ("static", "favicon")


def _is_html_page() -> bool:
    return request.blueprint in HTML_BLUEPRINTS or request.endpoint in STATIC_ENDPOINTS


def _protect() -> None:
    """CSRF for every form of the dashboard and admin blueprints (not the bearer API)."""
    if request.blueprint in HTML_BLUEPRINTS:
        csrf.protect()


def _headers(resp):
    if not _is_html_page():
        return resp
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint not in STATIC_ENDPOINTS:
        # Figures are private: no shared cache may keep them.
        resp.headers.setdefault("Cache-Control", "no-store")
    return resp


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


def error_page(status: int, message: str):
    return render_template("error.html", status=status, message=message), status


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    """team_scope and the output-unit checks raise the API's error; show it as a page."""
    return error_page(exc.status, exc.message)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    if exc.code and exc.code < 400:
        return exc
    return error_page(exc.code or 500, exc.description or exc.name)


def register(app: Flask) -> None:
    sessions.configure(app)
    formatting.register(app)
    # The route modules add their views to `bp` when imported.
    from collector.dashboard import absences, account_sessions, pages, signin, units  # noqa: F401

    app.register_blueprint(bp)
    # App-wide, so the admin blueprint's pages get the same frame, token and headers.
    app.context_processor(_context)
    # A global too, so macros imported without context (`{% import ... as ui %}`) see it.
    app.jinja_env.globals["csrf_token"] = csrf.token
    app.before_request(_protect)
    app.after_request(_headers)

    @app.get("/favicon.ico")
    def favicon():
        return send_from_directory(
            app.static_folder or "static", "favicon.svg", mimetype="image/svg+xml", max_age=86400
        )
