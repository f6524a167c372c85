"""Tokens & keys: enrollment tokens for installing agents, API keys for scripts.

A new secret is rendered once, in the answer to the POST that made it. It is
never put in the session cookie (signed, not encrypted), a redirect URL or a
log; the store keeps only its hash, so it cannot be shown again. The page is
sent with Cache-Control: no-store, so the browser does not keep it either.
"""

from __future__ import annotations

import math
import time

from flask import abort, flash, g, redirect, render_template, request, url_for

from collector.admin import bp
from collector.admin.forms import NAME, FormErrors, audit, int_or_none, team_ids, text
from collector.db import get_store

ROLES = ("admin", "manager")
MAX_USES = 100_000
MAX_EXPIRES_DAYS = 3650


def _token_state(row: dict, now: float) -> str:
    if row["revoked_at"]:
        return "revoked"
    if row["expires_at"] is not None and row["expires_at"] < now:
        return "expired"
    if row["uses_left"] is not None and row["uses_left"] <= 0:
        return "used up"
    return "active"


def _page(
    *,
    secret: dict | None = None,
    token_form: dict | None = None,
    token_errors: FormErrors | None = None,
    key_form: dict | None = None,
    key_errors: FormErrors | None = None,
    status: int = 200,
):
    store = get_store()
    now = time.time()
    tokens = [{**t, "state": _token_state(t, now)} for t in store.enrollment_tokens()]
    body = render_template(
        "admin/access.html",
        page="access",
        teams=store.teams(),
        team_options=[(str(t["id"]), t["name"]) for t in store.teams()],
        roles=ROLES,
        tokens=tokens,
        keys=store.admin_api_keys(),
        secret=secret,
        token_form=token_form or {},
        token_errors=token_errors or FormErrors(),
        key_form=key_form or {"role": "manager", "teams": []},
        key_errors=key_errors or FormErrors(),
        max_uses=MAX_USES,
        max_expires=MAX_EXPIRES_DAYS,
    )
    return body, status


@bp.get("/access")
def access():
    return _page()


@bp.post("/access/tokens")
def create_token():
    store = get_store()
    errors = FormErrors()
    raw_team = request.form.get("team", "")
    team_id = int_or_none(raw_team)
    team = next((t for t in store.teams() if t["id"] == team_id), None)
    if team is None:
        errors.add("team", "team: choose the team the new devices join.")
    raw_uses = text("uses", 20)
    uses: int | None = None
    if raw_uses:
        uses = int_or_none(raw_uses)
        if uses is None or not 1 <= uses <= MAX_USES:
            errors.add(
                "uses", f"uses: a whole number from 1 to {MAX_USES:,}, or empty for no limit."
            )
    raw_days = text("expires_days", 20)
    days: float | None = None
    if raw_days:
        try:
            days = float(raw_days)
        except ValueError:
            days = None
        if days is None or not math.isfinite(days) or not 0 < days <= MAX_EXPIRES_DAYS:
            errors.add(
                "expires_days",
                f"expires in (days): a number above 0 and at most {MAX_EXPIRES_DAYS}, "
                "or empty for never.",
            )
    if errors:
        form = {"team": raw_team, "uses": raw_uses, "expires_days": raw_days}
        return _page(token_form=form, token_errors=errors, status=400)
    assert team is not None
    with store.write():
        secret = store.create_enrollment_token(team["id"], uses, days)
        audit("token.create", team["name"], {"uses": uses, "expires_days": days})
    what = f"Enrollment token for team {team['name']}"
    return _page(secret={"kind": "enrollment token", "what": what, "value": secret}, status=201)


@bp.post("/access/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    store = get_store()
    row = store.enrollment_token_row(token_id)
    if row is None:
        abort(404, "There is no such enrollment token.")
    with store.write():
        if store.revoke_enrollment_token(token_id):
            audit("token.revoke", f"token-{token_id}", {"team": row["team"]})
            flash(f"Enrollment token {token_id} ({row['team']}) is revoked.", "success")
    return redirect(url_for("admin.access"))


@bp.post("/access/keys")
def create_key():
    store = get_store()
    errors = FormErrors()
    label = text("label", 100)
    role = request.form.get("role", "")
    if label and not NAME.match(label):
        errors.add("label", "label: use at most 100 characters, on one line.")
    if role not in ROLES:
        errors.add("role", "role: choose admin or manager.")
    teams = team_ids("teams", errors)
    if role == "manager" and not teams and "teams" not in errors:
        errors.add("teams", "teams: a manager key needs at least one team.")
    if errors:
        form = {"label": label, "role": role, "teams": teams}
        return _page(key_form=form, key_errors=errors, status=400)
    names = [t["name"] for t in store.teams() if t["id"] in teams]
    finance = role == "manager" and request.form.get("client_finance") == "on"
    with store.write():
        # Owned by the admin who made it: refused while they are disabled.
        secret = store.create_api_key(role, teams, label, g.principal.id, finance)
        detail = {"role": role, "teams": names, "client_finance": finance}
        audit("apikey.create", label, detail)
    what = f"{role.capitalize()} API key" + (f" “{label}”" if label else "")
    return _page(secret={"kind": "API key", "what": what, "value": secret}, status=201)


@bp.post("/access/keys/<int:key_id>/revoke")
def revoke_key(key_id: int):
    store = get_store()
    row = store.api_key_row(key_id)
    if row is None:
        abort(404, "There is no such API key.")
    with store.write():
        if store.revoke_api_key(key_id):
            audit("apikey.revoke", row["label"] or f"key-{key_id}", {"role": row["role"]})
            flash(f"API key {row['label'] or key_id} is revoked.", "success")
    return redirect(url_for("admin.access"))
