"""CSRF protection for every dashboard form: a per-session secret token.

Hand-written rather than Flask-WTF because it is twenty lines: the dashboard
has plain HTML forms and needs no WTForms, and only the dashboard blueprint
must be checked (the JSON API authenticates with bearer tokens). The token
is random per session, rendered in each form as ``csrf_token``, and compared
in constant time; a POST without it is refused with 403 before the view runs.
SameSite=Lax cookies are the second line of defence.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def token() -> str:
    """The session's token, made on first use (so the sign-in form has one too)."""
    value = session.get("csrf")
    if not value:
        value = session["csrf"] = secrets.token_urlsafe(32)
    return value


def protect() -> None:
    """A before_request hook: refuse unsafe requests without the session's token."""
    if request.method not in UNSAFE:
        return
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(
            403,
            "The form had expired or did not come from this site. Reload the page and try again.",
        )
