"""Signed-in sessions for the dashboard: cookie policy, expiry, and who is signed in.

A session is a row on the server (store/sqlite/sessions.py); the cookie only
carries its random secret, inside Flask's signed cookie (which also holds
the CSRF token and flashed messages). So:

* signing out, changing the password or disabling the account ends the row,
  and the old cookie replayed opens nothing, pages or API alike;
* a session ends after ``SESSION_IDLE_MINUTES`` without use and at most
  ``SESSION_HOURS`` after sign-in, whatever the cookie says;
* the cookie is HttpOnly and SameSite=Lax always, and Secure whenever the
  request arrived over HTTPS. Behind a TLS-terminating proxy the collector
  only sees HTTPS through ``X-Forwarded-Proto``, which is honoured only when
  the operator says how many proxies to trust (``TRUSTED_PROXIES`` /
  ``$BACKLIGHT_TRUSTED_PROXIES``); otherwise anyone could send the header.

The check runs when the session is opened, so the JSON API (which also
accepts the session) sees the same verdict as the pages.
"""

from __future__ import annotations

import os
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from collector.db import get_store
from collector.store import Principal
from collector.web.user_agents import summary as user_agent_summary

SESSION_HOURS = 12
SESSION_IDLE_MINUTES = 120
#: The key in the signed cookie that holds the server session's secret.
SECRET_KEY = "sid"


def trusted_proxies(app: Flask) -> int:
    """How many reverse proxies in front may set X-Forwarded-*; 0 trusts none."""
    return int(
        app.config.get("TRUSTED_PROXIES") or os.environ.get("BACKLIGHT_TRUSTED_PROXIES") or 0
    )


class DashboardSessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose sign-in is checked against the server's row."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request):  # type: ignore[override]
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            # No cookie (every agent's request): an empty session, as Flask's
            # own would answer, without building its signing serializer.
            return self.session_class()
        s = super().open_session(app, request)
        if s is None:
            return s
        secret = s.get(SECRET_KEY)
        if not isinstance(secret, str):
            if "user_id" in s or secret is not None:
                s.clear()  # a cookie from before server sessions: sign in again
            return s
        store = get_store()
        record = store.session_by_secret(secret)
        if record is None:
            s.clear()  # marks it modified: the response drops the cookie
            return s
        store.touch_session(record["session_id"], record["last_seen_at"])
        g.dashboard_user = record
        return s


def configure(app: Flask) -> None:
    app.session_interface = DashboardSessionInterface()
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        hours=app.config.get("SESSION_HOURS", SESSION_HOURS)
    )
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    trusted = trusted_proxies(app)
    if trusted > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)  # type: ignore[method-assign]


def sign_in(user: dict[str, Any]) -> None:
    """Start a fresh session (never reuse one made before sign-in)."""
    cfg = current_app.config
    previous = current_user()
    if previous is not None:  # signing in again over a live session replaces it
        get_store().end_session(previous["session_id"], "replaced")
    _, secret = get_store().create_session(
        int(user["id"]),
        user_agent_summary(request.headers.get("User-Agent", "")),
        idle_s=float(cfg.get("SESSION_IDLE_MINUTES", SESSION_IDLE_MINUTES)) * 60,
        absolute_s=float(cfg.get("SESSION_HOURS", SESSION_HOURS)) * 3600,
    )
    session.clear()
    session.permanent = True
    session[SECRET_KEY] = secret


def sign_out() -> None:
    """End this session on the server, then forget the cookie."""
    user = current_user()
    if user is not None:
        get_store().end_session(user["session_id"], "sign_out")
    session.clear()


def current_session_id() -> int | None:
    user = current_user()
    return None if user is None else int(user["session_id"])


def current_user() -> dict | None:
    return g.get("dashboard_user")


def current_principal() -> Principal:
    user = current_user()
    assert user is not None, "use @signed_in first"
    return Principal(
        "user",
        user["id"],
        user["name"],
        user["role"],
        user["team_ids"],
        bool(user.get("sees_client_finance")),
    )


def signed_in(role: str = "manager"):
    """Pages for managers (their teams) or admins; others go to the sign-in page."""

    def decorate(fn):
        @wraps(fn)
        def view(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
            if role == "admin" and user["role"] != "admin":
                abort(403, "This page is for admins.")
            g.principal = current_principal()
            return fn(*args, **kwargs)

        return view

    return decorate
