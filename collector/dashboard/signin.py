"""Sign in, sign out, change password.

Failed sign-ins count against the account (store.note_login): after
LOCK_AFTER failures in a row it is locked for LOCK_SECONDS, even for the
right password. An unknown name is checked against a dummy hash and its
failures are counted and locked the same way (store/sqlite/users.py,
`sign_in_names`), and a locked account still runs the password check, so the
answer takes the same time and says the same thing in every case, "locked
until" included: nobody learns which names exist. Failures are also counted
per client address (signin_limits.py): too many from one address answer 429
for a while.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, flash, g, redirect, render_template, request, url_for

from collector import security
from collector.dashboard import bp, signin_limits
from collector.db import get_store
from collector.web.sessions import (
    current_session_id,
    current_user,
    sign_in,
    sign_out,
    signed_in,
)

LOCK_AFTER = 5
LOCK_SECONDS = 15 * 60
MIN_PASSWORD = 10  # as `backlight-collector user add`
FAILED = (
    "That name and password did not work. After {n} failed attempts in a row an account "
    "is locked for {m} minutes."
)
LOCKED = (
    "That name and password did not work: sign-in for this name is locked until {until} "
    "(in {minutes} minute{s}), after {n} failed attempts in a row. Try again then, or ask "
    "an admin to unlock the account."
)
TOO_MANY = "Too many failed sign-ins came from your network address. Try again in {m} minutes."


def _limits() -> tuple[int, float]:
    cfg = current_app.config
    return int(cfg.get("LOGIN_LOCK_AFTER", LOCK_AFTER)), float(
        cfg.get("LOGIN_LOCK_SECONDS", LOCK_SECONDS)
    )


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("dashboard.overview")
    return target


def name_key(name: str) -> str:
    """What `sign_in_names` keeps of a typed name: an HMAC with the site's secret,
    never the name (people type passwords into the name field)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, name.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Attempt:
    user: dict | None  # the account, when name and password were right and it is open
    locked_until: float | None  # set when this name is locked (known or not)


def attempt(name: str, password: str) -> Attempt:
    """Check a sign-in. A name no open account has is counted and locked exactly
    like an account, so "locked until" says nothing about which names exist."""
    store = get_store()
    lock_after, lock_s = _limits()
    row = store.user_row(name) if name else None
    if row is None:
        security.password_matches(password, security.DUMMY_PASSWORD_HASH)
        if not name:
            return Attempt(None, None)
        key = name_key(name)
        until = store.name_locked_until(key)
        if until is None:
            until = store.note_name_failure(key, lock_after, lock_s)
        return Attempt(None, until)
    ok = security.password_matches(password, row["password_hash"])
    if row["locked_until"] is not None and row["locked_until"] > time.time():
        return Attempt(None, row["locked_until"])  # the lock does not count or reset
    store.note_login(row["id"], ok, lock_after, lock_s)
    if not ok:
        until = store.user_locked_until(row["id"])
        if until and until > time.time():
            store.audit(f"user:{name}", "user.locked", name, {}, request.remote_addr or "")
            return Attempt(None, until)
        return Attempt(None, None)
    return Attempt(dict(row), None)


def check_password(name: str, password: str) -> dict | None:
    """The user row when name and password are right and the account is open."""
    return attempt(name, password).user


def failed_message(locked_until: float | None) -> str:
    """The same words for every name; only a lock adds its end."""
    lock_after, lock_s = _limits()
    if locked_until is None:
        return FAILED.format(n=lock_after, m=round(lock_s / 60))
    until = datetime.fromtimestamp(locked_until, UTC)
    minutes = max(1, math.ceil((locked_until - time.time()) / 60))
    return LOCKED.format(
        n=lock_after,
        until=until.strftime("%H:%M UTC on %d %b %Y"),
        minutes=minutes,
        s="" if minutes == 1 else "s",
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    status = 200
    name = ""
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:100]
        wait = signin_limits.retry_after()
        if wait is not None:
            page = render_template(
                "signin.html",
                error=TOO_MANY.format(m=math.ceil(wait / 60)),
                name=name,
                next=request.values.get("next", ""),
            )
            return page, 429, {"Retry-After": str(wait)}
        password = request.form.get("password", "")[:1000]
        result = attempt(name, password)
        if result.user is not None:
            sign_in(result.user)
            get_store().audit(f"user:{name}", "user.sign_in", name, {}, request.remote_addr or "")
            return redirect(_safe_next(request.form.get("next")))
        signin_limits.note_failure()
        error = failed_message(result.locked_until)
        status = 401
    elif current_user() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template(
        "signin.html", error=error, name=name, next=request.values.get("next", "")
    ), status


@bp.post("/logout")
def logout():
    user = current_user()
    if user is not None:
        get_store().audit(
            f"user:{user['name']}", "user.sign_out", user["name"], {}, request.remote_addr or ""
        )
    sign_out()
    flash("You are signed out.")
    return redirect(url_for("dashboard.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in()
def change_password():
    errors: dict[str, str] = {}
    if request.method == "POST":
        user = current_user()
        assert user is not None
        current = request.form.get("current", "")
        new = request.form.get("new", "")
        confirm = request.form.get("confirm", "")
        if check_password(user["name"], current) is None:
            errors["current"] = "This is not your current password (or the account is locked)."
        if len(new) < MIN_PASSWORD:
            errors["new"] = f"Use at least {MIN_PASSWORD} characters."
        elif new == current:
            errors["new"] = "Choose a password different from the current one."
        if new != confirm:
            errors["confirm"] = "The two new passwords differ."
        if not errors:
            store = get_store()
            with store.write():
                # Ends every other session of this user in the same transaction.
                store.set_password(user["id"], new, keep_session=current_session_id())
                store.audit(
                    g.principal.label, "user.password", user["name"], {}, request.remote_addr or ""
                )
            flash("Your password is changed. Other sessions of yours are signed out.")
            return redirect(url_for("dashboard.overview"))
    status = 400 if errors else 200
    return render_template("change_password.html", errors=errors, page="password"), status
