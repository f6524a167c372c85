"""The "Sessions" page: where a user sees where they are signed in and ends
the sessions they do not recognise (a shared computer, a lost laptop)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for

from collector.dashboard import bp
from collector.db import get_store
from collector.web.sessions import current_session_id, current_user, signed_in


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%-d %b %Y %H:%M UTC")


@bp.get("/account/sessions")
@signed_in()
def account_sessions():
    user = current_user()
    assert user is not None
    this = current_session_id()
    rows = [
        {
            **r,
            "current": r["id"] == this,
            "signed_in": _when(r["created_at"]),
            "last_seen": _when(r["last_seen_at"]),
            "ends": _when(min(r["expires_at"], r["last_seen_at"] + r["idle_s"])),
        }
        for r in get_store().live_sessions(user["id"])
    ]
    rows.sort(key=lambda r: not r["current"])  # this one first, then most recently used
    return render_template("account_sessions.html", sessions=rows, page="sessions")


@bp.post("/account/sessions/end")
@signed_in()
def end_sessions():
    """End one other session (``session=<id>``) or all others (``session=others``)."""
    user = current_user()
    assert user is not None
    store = get_store()
    this = current_session_id()
    target = request.form.get("session", "")
    if target == "others":
        n = store.end_user_sessions(user["id"], except_id=this, reason="ended_by_user")
        flash(f"{n} other session{'s' if n != 1 else ''} signed out.", "success")
    elif target.isdigit() and int(target) != this:
        if not store.end_own_session(user["id"], int(target)):
            abort(404, "That session has ended already or is not yours.")
        flash("That session is signed out.", "success")
    else:
        abort(400, "Choose a session to end; to end this one, sign out.")
    store.audit(
        f"user:{user['name']}",
        "user.sessions_ended",
        user["name"],
        {"session": target},
        request.remote_addr or "",
    )
    return redirect(url_for("dashboard.account_sessions"))
