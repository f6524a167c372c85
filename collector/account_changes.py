"""Changes to a web account that an admin makes: set a new password, unlock,
disable, enable, grant or withdraw client finance.

The CLI (`backlight-collector user ...`) and the admin Users page both call
these, so the two make the same checks, write the same audit entries (who,
what, when; never a password) and end the same sessions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from collector.store import Store

MIN_PASSWORD = 10
MAX_PASSWORD = 1000


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as the audit log names them."""

    label: str  # "cli", "user:NAME", "api_key:LABEL"
    ip: str = ""


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD:
        return f"use at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"use at most {MAX_PASSWORD} characters"
    return None


#: One address, no display name, no list: what a digest is sent to.
EMAIL = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


def email_problem(email: str) -> str | None:
    """Why an e-mail address is refused, or None ("" is allowed: no address)."""
    if email and (len(email) > 254 or not EMAIL.match(email)):
        return "give one address such as name@example.com"
    return None


def set_email(store: Store, user: dict, email: str, actor: Actor) -> bool:
    """The address digests and alerts go to; the caller has checked `email_problem`."""
    with store.write():
        changed = store.set_user_email(user["id"], email)
        if changed:
            store.audit(actor.label, "user.email", user["name"], {"email": email}, actor.ip)
    return changed


def set_password(store: Store, user: dict, password: str, actor: Actor) -> None:
    """An admin's reset; the caller has checked `password_problem`. The store
    ends the person's sessions with it, as it does on disable."""
    with store.write():
        store.reset_password(user["id"], password)
        store.audit(actor.label, "user.password_reset", user["name"], {}, actor.ip)


def unlock(store: Store, user: dict, actor: Actor) -> bool:
    """False when the account was not locked (nothing changed, nothing audited)."""
    with store.write():
        changed = store.unlock_user(user["id"])
        if changed:
            store.audit(actor.label, "user.unlock", user["name"], {}, actor.ip)
    return changed


def disable(store: Store, user: dict, actor: Actor) -> str:
    """ "disabled", "already", "missing" or "last_admin" (the last active admin stays)."""
    with store.write():
        outcome = store.disable_user_unless_last_admin(user["id"])
        if outcome == "disabled":
            keys = store.owned_api_keys(user["id"])
            store.audit(
                actor.label, "user.disable", user["name"], {"api_keys_held": keys}, actor.ip
            )
    return outcome


def enable(store: Store, user: dict, actor: Actor) -> bool:
    with store.write():
        changed = store.set_user_disabled(user["id"], False)
        if changed:
            store.audit(actor.label, "user.enable", user["name"], {}, actor.ip)
    return changed


def set_client_finance(store: Store, user: dict, allowed: bool, actor: Actor) -> bool:
    with store.write():
        changed = store.set_client_finance(user["id"], allowed)
        if changed:
            action = "user.client_finance.grant" if allowed else "user.client_finance.withdraw"
            store.audit(actor.label, action, user["name"], {}, actor.ip)
    return changed
