"""Who is calling: a device (its token), or a manager/admin (API key or session).

Every API view declares which of these it needs; `authenticate` answers with
the caller or raises the right 401/403 with a JSON body.
"""

from __future__ import annotations

import hmac

from flask import g, request, session

from collector.db import get_store
from collector.service.errors import Forbidden, NotFound, Unauthorised
from collector.store import Device, Principal


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_device() -> Device:
    token = bearer_token()
    device = get_store().device_by_token(token) if token else None
    if device is None:
        raise Unauthorised("a valid device token is required")
    g.device = device
    return device


def current_principal(role: str = "manager") -> Principal:
    """A manager or admin; ``role="admin"`` refuses managers with 403."""
    store = get_store()
    principal = None
    token = bearer_token()
    if token:
        principal = store.principal_for_api_key(token)
        if principal is not None:
            store.note_api_key_used(principal.id)
    elif g.get("dashboard_user") is not None:
        # Set only when the cookie's session is live on the server
        # (dashboard/sessions.py): a signed-out cookie opens no API either.
        principal = store.principal_for_user(int(g.dashboard_user["id"]))
        if principal is not None:
            _check_session_csrf()
    if principal is None:
        raise Unauthorised("an API key or a signed-in session is required")
    if role == "admin" and not principal.is_admin:
        raise Forbidden("this needs an admin")
    g.principal = principal
    return principal


def _check_session_csrf() -> None:
    """A browser session changing data through the API must send the page's
    CSRF token in a header; a cookie alone could come from another site."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(
            "X-CSRF-Token: a change made with a session cookie needs the page's CSRF token",
            [{"field": "X-CSRF-Token", "message": "missing or wrong"}],
            code="csrf",
        )


def team_scope(principal: Principal, team: str | None) -> tuple[list[int] | None, str | None]:
    """The team ids a report covers. None means every team (admins only).

    A manager asking for another team's figures gets 403, whether or not the
    team exists, so team names do not leak.
    """
    store = get_store()
    if team is None:
        if principal.is_admin:
            return None, None
        return sorted(principal.team_ids), None
    team_id = store.team_id(team)
    if not principal.is_admin and (team_id is None or team_id not in principal.team_ids):
        raise Forbidden(f"team {team!r} is not one of yours")
    if team_id is None:
        raise NotFound(
            f"team: no team named {team!r}",
            [{"field": "team", "message": "no such team"}],
        )
    return [team_id], team


CLIENT_FINANCE = (
    "client finance (revenue, agent cost and back-office hours per client, across all "
    "teams) is for admins and for managers granted it: ask an admin "
    "(`backlight-collector user client-finance NAME on`, or Admin → Users & teams)"
)


def require_client_finance(principal: Principal) -> None:
    """The clients report covers whole clients, so it is not scoped to a manager's
    teams: it is a permission of its own, and without it the answer is 403."""
    if not principal.may_see_client_finance:
        raise Forbidden(CLIENT_FINANCE)
