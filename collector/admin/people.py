"""Users & teams: web accounts (admin or manager), their teams, and the team list."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from collector import account_changes
from collector.account_changes import Actor, email_problem, password_problem
from collector.admin import bp
from collector.admin.forms import NAME, FormErrors, audit, team_ids, text
from collector.db import get_store

ROLES = ("admin", "manager")


def _page(
    errors: FormErrors | None = None,
    form: dict | None = None,
    team_form: dict | None = None,
    team_errors: FormErrors | None = None,
    row_errors: dict[int, str] | None = None,
    status: int = 200,
):
    store = get_store()
    body = render_template(
        "admin/users.html",
        page="users",
        users=store.admin_users(),
        teams=store.teams(),
        roles=ROLES,
        errors=errors or FormErrors(),
        form=form or {"role": "manager", "teams": []},
        team_form=team_form or {},
        team_errors=team_errors or FormErrors(),
        row_errors=row_errors or {},
        me=g.principal.id,
        min_password=account_changes.MIN_PASSWORD,
    )
    return body, status


@bp.get("/users")
def users():
    return _page()


@bp.post("/users")
def add_user():
    store = get_store()
    errors = FormErrors()
    name = text("name", 100)
    role = request.form.get("role", "")
    password = request.form.get("password", "")
    if not name:
        errors.add("name", "name: give the user a name.")
    elif not NAME.match(name):
        errors.add("name", "name: use at most 100 characters, on one line.")
    elif store.user_exists(name):
        errors.add("name", f"name: a user called {name!r} exists already.")
    if role not in ROLES:
        errors.add("role", "role: choose admin or manager.")
    teams = team_ids("teams", errors)
    if role == "manager" and not teams and "teams" not in errors:
        errors.add("teams", "teams: a manager needs at least one team.")
    if problem := password_problem(password):
        errors.add("password", f"password: {problem}.")
    email = text("email", 254)
    if problem := email_problem(email):
        errors.add("email", f"e-mail: {problem}.")
    if errors:
        form = {"name": name, "role": role, "teams": teams, "email": email}
        return _page(errors=errors, form=form, status=400)
    names = [t["name"] for t in store.teams() if t["id"] in teams]
    finance = role == "manager" and request.form.get("client_finance") == "on"
    with store.write():
        store.add_user(name, role, password, teams, finance, email)
        detail = {"role": role, "teams": names, "client_finance": finance}
        audit("user.add", name, {**detail, "email": email} if email else detail)
    flash(f"User {name} added as {role}. Give them the initial password yourself.", "success")
    return redirect(url_for("admin.users"))


def _user_or_404(user_id: int) -> dict:
    user = get_store().user_by_id(user_id)
    if user is None:
        abort(404, "There is no such user.")
    return user


def _actor() -> Actor:
    return Actor(g.principal.label, request.remote_addr or "")


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    """Asks first: without ``confirm=yes`` the answer is a page saying what disabling
    does (signed out, no sign-in, their API keys refused) with the button that does it."""
    store = get_store()
    user = _user_or_404(user_id)
    if user_id == g.principal.id:
        outcome = "last_admin" if store.active_admins() <= 1 else "yourself"
    elif user["disabled_at"] is None and request.form.get("confirm") != "yes":
        body = render_template(
            "admin/confirm_disable.html",
            page="users",
            target=user,
            api_keys=store.owned_api_keys(user_id),
        )
        return body, 200
    else:
        outcome = account_changes.disable(store, user, _actor())
    if outcome == "yourself":
        return _page(
            row_errors={user_id: "You cannot disable yourself; ask another admin."}, status=400
        )
    if outcome == "last_admin":
        return _page(
            row_errors={
                user_id: f"{user['name']} is the last active admin and stays enabled; "
                "enable or add another admin first."
            },
            status=409,
        )
    if outcome == "disabled":
        flash(f"{user['name']} is disabled and signed out everywhere.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    user = _user_or_404(user_id)
    if account_changes.enable(get_store(), user, _actor()):
        flash(f"{user['name']} is enabled again.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/unlock")
def unlock_user(user_id: int):
    user = _user_or_404(user_id)
    if account_changes.unlock(get_store(), user, _actor()):
        flash(f"{user['name']} is unlocked and can sign in again.", "success")
    else:
        flash(f"{user['name']} was not locked; nothing changed.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/email")
def set_user_email(user_id: int):
    """Where the user's weekly digest and alerts go; empty removes the address."""
    user = _user_or_404(user_id)
    email = text("email", 300)
    if problem := email_problem(email):
        return _page(row_errors={user_id: f"E-mail for {user['name']}: {problem}."}, status=400)
    if account_changes.set_email(get_store(), user, email, _actor()):
        flash(
            f"{user['name']}'s digests and alerts go to {email}."
            if email
            else f"{user['name']} gets no e-mail now.",
            "success",
        )
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
def set_user_password(user_id: int):
    """A new password for someone else (one's own is changed under "Password").
    Neither the page nor the flash nor the audit log ever repeats it."""
    user = _user_or_404(user_id)
    if user_id == g.principal.id:
        # Your own goes through the Password page, which asks for the current one.
        return _page(
            row_errors={user_id: "Change your own password on the Password page."}, status=400
        )
    password = request.form.get("password", "")
    problem = password_problem(password)
    if problem is None and password != request.form.get("confirm", ""):
        problem = "the two passwords differ"
    if problem:
        return _page(
            row_errors={user_id: f"New password for {user['name']}: {problem}."}, status=400
        )
    account_changes.set_password(get_store(), user, password, _actor())
    flash(
        f"New password set for {user['name']}; any lock is lifted and their sessions are "
        "signed out. Tell them the password yourself.",
        "success",
    )
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/client-finance")
def user_client_finance(user_id: int):
    user = _user_or_404(user_id)
    allowed = request.form.get("allowed")
    if user["role"] != "manager" or allowed not in ("on", "off"):
        problem = (
            "admins see client finance anyway" if user["role"] != "manager" else "choose on or off"
        )
        return _page(
            row_errors={user_id: f"Client finance for {user['name']}: {problem}."}, status=400
        )
    if account_changes.set_client_finance(get_store(), user, allowed == "on", _actor()):
        state = "may now see" if allowed == "on" else "no longer sees"
        flash(f"{user['name']} {state} the Clients report.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/teams")
def user_teams(user_id: int):
    store = get_store()
    user = _user_or_404(user_id)
    errors = FormErrors()
    teams = team_ids("teams", errors)
    if user["role"] == "manager" and not teams and not errors:
        errors.add("teams", "teams: a manager needs at least one team.")
    if errors:
        return _page(
            row_errors={user_id: f"{user['name']}: {next(iter(errors.values()))}"}, status=400
        )
    names = [t["name"] for t in store.teams() if t["id"] in teams]
    with store.write():
        store.set_user_teams(user_id, teams)
        audit("user.teams", user["name"], {"teams": names})
    flash(f"Teams for {user['name']} saved.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/teams")
def add_team():
    store = get_store()
    errors = FormErrors()
    name = text("team_name", 100)
    if not name:
        errors.add("team_name", "team name: give the team a name.")
    elif not NAME.match(name):
        errors.add("team_name", "team name: use at most 100 characters, on one line.")
    elif store.team_id(name) is not None:
        errors.add("team_name", f"team name: a team called {name!r} exists already.")
    if errors:
        return _page(team_form={"team_name": name}, team_errors=errors, status=400)
    with store.write():
        store.add_team(name)
        audit("team.add", name)
    flash(f"Team {name} added.", "success")
    return redirect(url_for("admin.users"))
