"""What every HTML page of the collector shares, whichever blueprint serves it.

The dashboard, the admin pages and the privacy page are pages for people,
not the bearer-token API: they share the session cookie (`sessions`), the
CSRF check (`csrf`), the error page (`error_pages`) and the security headers
(`headers`). They live here so that `admin/` need not import `dashboard/`
and neither has to be registered before the other.
"""

from __future__ import annotations

from flask import Flask, send_from_directory

from collector.web import csrf, headers, sessions


def register(app: Flask) -> None:
    """App-wide hooks, so each HTML blueprint gets the same token, checks and headers."""
    sessions.configure(app)
    # A global, so macros imported without context (`{% import ... as ui %}`) see it.
    app.jinja_env.globals["csrf_token"] = csrf.token
    app.before_request(headers.protect)
    app.after_request(headers.secure)

    @app.get("/favicon.ico")
    def favicon():
        return send_from_directory(
            app.static_folder or "static", "favicon.svg", mimetype="image/svg+xml", max_age=86400
        )
