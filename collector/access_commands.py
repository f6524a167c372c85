"""``backlight-collector user|token|apikey``: who may use the collector.

People (web accounts and their lifecycle, through ``collector.account_changes``
so the Users page and these commands do the same thing), enrollment tokens and
API keys. Registered on the main group by ``collector.cli``.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

import click

from collector import account_changes
from collector.account_changes import Actor, email_problem, password_problem
from collector.cli_database import command_line
from collector.cli_options import cli_store as _store
from collector.cli_options import db_option
from collector.cli_options import team_ids_named as _team_ids
from collector.store import Store


@click.group()
def user() -> None:
    """Web accounts for admins and managers."""


@user.command("add")
@db_option
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "manager"]), required=True)
@click.option("--team", "teams", multiple=True, help="A team the manager sees (repeatable).")
@click.option(
    "--client-finance",
    is_flag=True,
    help="A manager who may see the clients report (admins always may).",
)
@click.option("--email", default="", help="Where the weekly digest and alerts go.")
def user_add(
    db_path: str | None,
    name: str,
    role: str,
    teams: tuple[str, ...],
    client_finance: bool,
    email: str,
) -> None:
    """The password is read from stdin (one line)."""
    store = _store(db_path)
    if role == "manager" and not teams:
        raise click.UsageError("a manager needs at least one --team")
    email = email.strip()
    if problem := email_problem(email):
        raise click.UsageError(f"--email: {problem}")
    if store.user_exists(name):
        raise click.ClickException(f"user {name!r} exists already")
    password = sys.stdin.readline().rstrip("\r\n")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(f"the password: {problem}")
    store.add_user(name, role, password, _team_ids(store, teams), client_finance, email)
    detail = {"role": role, "teams": list(teams), "client_finance": client_finance}
    if email:
        detail["email"] = email
    store.audit("cli", "user.add", name, detail)
    click.echo(f"user {name!r} added as {role}", err=True)


def _user(store: Store, name: str) -> dict:
    found = store.user_by_name(name)
    if found is None:
        raise click.ClickException(
            f"no user named {name!r}; {command_line('user', 'list')} shows them"
        )
    return found


CLI_ACTOR = Actor("cli")


@user.command("list")
@db_option
def user_list(db_path: str | None) -> None:
    """Name, role, state (active, locked until ..., disabled), teams, client finance,
    e-mail (where the digest and alerts go)."""
    now = time.time()
    for u in _store(db_path).admin_users():
        if u["disabled_at"]:
            state = "disabled"
        elif u["locked_until"] and u["locked_until"] > now:
            until = datetime.fromtimestamp(u["locked_until"], UTC).strftime("%Y-%m-%d %H:%M UTC")
            state = f"locked until {until}"
        else:
            state = "active"
        teams = "all teams" if u["role"] == "admin" else ", ".join(u["team_names"])
        finance = "client finance" if u["role"] == "admin" or u["sees_client_finance"] else ""
        row = [u["name"], u["role"], state, teams, finance, u["email"]]
        click.echo("\t".join(row).rstrip())


@user.command("email")
@db_option
@click.argument("name")
@click.argument("address")
def user_email(db_path: str | None, name: str, address: str) -> None:
    """Set where NAME's digest and alerts go ("" removes the address)."""
    store = _store(db_path)
    found = _user(store, name)
    address = address.strip()
    if problem := email_problem(address):
        raise click.UsageError(f"ADDRESS: {problem}")
    if account_changes.set_email(store, found, address, CLI_ACTOR):
        click.echo(f"e-mail of {name!r} is now {address or '(none)'}", err=True)
    else:
        click.echo(f"e-mail of {name!r} was {address or '(none)'} already", err=True)


@user.command("passwd")
@db_option
@click.argument("name")
def user_passwd(db_path: str | None, name: str) -> None:
    """Set a new password, read from stdin (one line); also lifts a lock."""
    store = _store(db_path)
    found = _user(store, name)
    password = sys.stdin.readline().rstrip("\r\n")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(f"the password: {problem}; nothing was changed")
    account_changes.set_password(store, found, password, CLI_ACTOR)
    click.echo(f"new password set for {name!r}; their sessions are signed out", err=True)


@user.command("unlock")
@db_option
@click.argument("name")
def user_unlock(db_path: str | None, name: str) -> None:
    """Lift the lock that failed sign-ins put on an account."""
    store = _store(db_path)
    if account_changes.unlock(store, _user(store, name), CLI_ACTOR):
        click.echo(f"user {name!r} unlocked", err=True)
    else:
        click.echo(f"user {name!r} was not locked; nothing changed", err=True)


@user.command("disable")
@db_option
@click.argument("name")
def user_disable(db_path: str | None, name: str) -> None:
    """Sign the user out and refuse their sign-in and their API keys until enabled."""
    store = _store(db_path)
    found = _user(store, name)
    keys = store.owned_api_keys(found["id"])
    outcome = account_changes.disable(store, found, CLI_ACTOR)
    if outcome == "last_admin":
        raise click.ClickException(
            f"{name!r} is the last active admin and stays enabled; add or enable another first"
        )
    if outcome == "already":
        click.echo(f"user {name!r} was disabled already; nothing changed", err=True)
        return
    held = f"; {keys} API key(s) they own are refused until they are enabled" if keys else ""
    click.echo(f"user {name!r} disabled{held}", err=True)


@user.command("enable")
@db_option
@click.argument("name")
def user_enable(db_path: str | None, name: str) -> None:
    store = _store(db_path)
    if account_changes.enable(store, _user(store, name), CLI_ACTOR):
        click.echo(f"user {name!r} enabled", err=True)
    else:
        click.echo(f"user {name!r} was not disabled; nothing changed", err=True)


@user.command("client-finance")
@db_option
@click.argument("name")
@click.argument("state", type=click.Choice(["on", "off"]))
def user_client_finance(db_path: str | None, name: str, state: str) -> None:
    """Whether a manager may see the clients report (per-client revenue, agent cost and
    back-office hours across all teams). Admins always may."""
    store = _store(db_path)
    found = _user(store, name)
    if found["role"] == "admin":
        raise click.ClickException(f"{name!r} is an admin and sees client finance anyway")
    if account_changes.set_client_finance(store, found, state == "on", CLI_ACTOR):
        click.echo(f"client finance {state} for {name!r}", err=True)
    else:
        click.echo(f"client finance was {state} for {name!r} already; nothing changed", err=True)


@click.group()
def token() -> None:
    """Enrollment tokens for installing agents."""


@token.command("create")
@db_option
@click.option("--team", required=True)
@click.option("--uses", type=click.IntRange(min=1), default=None, help="Default: unlimited.")
@click.option("--expires", type=click.FloatRange(min=0, min_open=True), default=None, help="Days.")
def token_create(db_path: str | None, team: str, uses: int | None, expires: float | None) -> None:
    """Print a new enrollment token, and nothing else, on stdout."""
    store = _store(db_path)
    (team_id,) = _team_ids(store, (team,))
    secret = store.create_enrollment_token(team_id, uses, expires)
    store.audit("cli", "token.create", team, {"uses": uses, "expires_days": expires})
    click.echo(secret)


@click.group()
def apikey() -> None:
    """API keys for scripts and integrations."""


@apikey.command("create")
@db_option
@click.option("--role", type=click.Choice(["admin", "manager"]), required=True)
@click.option("--team", "teams", multiple=True)
@click.option("--label", default="")
@click.option("--user", "owner", default=None, help="The user who owns the key (see below).")
@click.option(
    "--client-finance", is_flag=True, help="A manager key that may read /reports/clients."
)
def apikey_create(
    db_path: str | None,
    role: str,
    teams: tuple[str, ...],
    label: str,
    owner: str | None,
    client_finance: bool,
) -> None:
    """Print a new API key, and nothing else, on stdout.

    A key with an owner (--user) is refused while that user is disabled."""
    store = _store(db_path)
    if role == "manager" and not teams:
        raise click.UsageError("a manager key needs at least one --team")
    owner_id = _user(store, owner)["id"] if owner else None
    secret = store.create_api_key(role, _team_ids(store, teams), label, owner_id, client_finance)
    detail = {"role": role, "teams": list(teams), "owner": owner, "client_finance": client_finance}
    store.audit("cli", "apikey.create", label, detail)
    click.echo(secret)
