"""Signed-in sessions for the dashboard: cookie policy, expiry, and who is signed in.

Flask's signed cookie carries the session. Three things make it safe to
trust for a manager's figures:

* the cookie is HttpOnly and SameSite=Lax always, and Secure whenever the
  request arrived over HTTPS. Behind a TLS-terminating proxy the collector
  only sees HTTPS through ``X-Forwarded-Proto``, which is honoured only when
  the operator says how many proxies to trust (``TRUSTED_PROXIES`` /
  ``$BACKLIGHT_TRUSTED_PROXIES``); otherwise anyone could send the header;
* a session is bound to the password it was issued under, so changing the
  password (or disabling the user) ends every other session at once, which a
  bare signed cookie cannot do by itself;
* a session lasts at most ``SESSION_HOURS`` from sign-in.

The check runs when the session is opened, so the JSON API (which also
accepts the session) sees the same verdict as the pages.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Flask, abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from collector.db import get_store
from collector.store.accounts import Principal

SESSION_HOURS = 12


def password_binding(user_id: int, password_hash: str) -> str:
    """A short fingerprint of the stored password hash, kept in the cookie."""
    return hashlib.sha256(f"{user_id}:{password_hash}".encode()).hexdigest()[:24]


class DashboardSessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions that are dropped when they no longer hold."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request):  # type: ignore[override]
        s = super().open_session(app, request)
        if s is None or "user_id" not in s:
            return s
        user = None
        try:
            user = get_store().session_user(int(s["user_id"]))
        except (TypeError, ValueError):
            user = None
        fresh = time.time() - float(s.get("signed_in_at", 0)) < SESSION_HOURS * 3600
        if (
            user is None
            or not fresh
            or s.get("pw") != password_binding(user["id"], user["password_hash"])
        ):
            s.clear()  # marks it modified: the response drops the cookie
            return s
        g.dashboard_user = user
        return s


def configure(app: Flask) -> None:
    app.session_interface = DashboardSessionInterface()
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=SESSION_HOURS)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    trusted = int(
        app.config.get("TRUSTED_PROXIES") or os.environ.get("BACKLIGHT_TRUSTED_PROXIES") or 0
    )
    if trusted > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)  # type: ignore[method-assign]


def sign_in(user: dict[str, Any]) -> None:
    """Start a fresh session (never reuse one made before sign-in)."""
    session.clear()
    session.permanent = True
    session["user_id"] = int(user["id"])
    session["pw"] = password_binding(user["id"], user["password_hash"])
    session["signed_in_at"] = time.time()


def rebind(user_id: int, password_hash: str) -> None:
    """After this user's own password change: keep this session, end the others."""
    session["pw"] = password_binding(user_id, password_hash)


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
