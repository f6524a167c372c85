"""What managers and admins maintain through the API: units, clients, rules, settings."""

from __future__ import annotations

from flask import request
from pydantic import ValidationError

from collector.api import models as m
from collector.api.endpoint import operation
from collector.api.errors import ApiError, from_validation
from collector.auth import require_client_finance, team_scope
from collector.db import get_store
from collector.service import reports
from collector.service.output_units import check_csv, check_json_items, csv_rows
from collector.service.settings_table import (
    SettingConflict,
    SettingError,
    json_type_error,
    masked,
)
from collector.web.downloads import csv_download, csv_file_name, export_scope, period
from shared.catalogue import FUNCTION_IDS

from . import bp

#: What the document declares for a CSV upload: the smallest file the server
#: stores, header ``date,function,units`` and one or more rows. The server also
#: takes the columns in any order and the optional corrections, team, employee
#: and client (described in the operation), which a pattern cannot list.
CSV_BODY = {
    "type": "string",
    "minLength": len("date,function,units\n2000-01-01,x,0"),
    "pattern": (
        r"^date,function,units(\r?\n"
        r"(19|20|21)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8]),"
        f"({'|'.join(sorted(FUNCTION_IDS))}),"
        r"\d{1,6})+\r?\n?$"
    ),
}


def _actor(principal) -> tuple[str, str]:
    return principal.label, request.remote_addr or ""


@operation(
    bp,
    "/output-units",
    "POST",
    summary="Record output units (JSON or CSV)",
    tag="organisation",
    auth_as="manager",
    body=m.OutputUnits,
    responses={200: m.Stored},
    extra_request_types={"text/csv": {"schema": CSV_BODY}},
    parse_body=False,
    description="JSON `{items: [...]}` or a CSV file with the columns date, function, "
    "units, corrections, team, employee, client. Rows are checked first, all in one pass: "
    "if any is bad, nothing is stored and every problem (format and unknown team, employee "
    "or client alike) is named by row and field. Dates after the collector's date are "
    "refused; a function may be given by id or by its name as the form shows it.",
)
def post_output_units(principal, *, body: m.OutputUnits | None = None):
    store = get_store()
    if request.mimetype == "text/csv":
        try:
            text = request.get_data().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ApiError(
                400,
                "invalid_request",
                "the file is not UTF-8 text",
                [{"field": "body", "message": "not UTF-8"}],
            ) from None
        rows, source = check_csv(store, text, principal), "csv"
    elif request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send application/json or text/csv")
    else:
        try:
            sent = m.OutputUnitItems.model_validate_json(request.get_data() or b"null")
        except ValidationError as exc:
            raise from_validation(exc) from None
        rows, source = check_json_items(store, sent.items, principal), "api"
    actor, ip = _actor(principal)
    with store.write():
        stored = store.add_output_units(rows, source, actor)
        store.audit(actor, "output_units.add", source, {"rows": stored}, ip)
    return {"stored": stored}


@operation(
    bp,
    "/output-units",
    "GET",
    summary="Output units as CSV",
    tag="organisation",
    auth_as="manager",
    query=m.TeamRange,
    responses={200: None},
    extra_response_types={"text/csv": {"schema": {"type": "string"}}},
)
def get_output_units(principal, *, query: m.TeamRange):
    team_ids, team = team_scope(principal, query.team)
    start, end = reports.default_range(query.from_, query.to, days=366)
    store = get_store()
    body = csv_rows(store, team_ids, start.isoformat(), end.isoformat())
    scope = export_scope(team, team_ids, store.teams())
    return csv_download(body, csv_file_name("units", scope, period(start, end)))


@operation(
    bp,
    "/clients",
    "GET",
    summary="List clients",
    tag="organisation",
    auth_as="manager",
    responses={200: m.ClientList},
)
def list_clients(_principal):
    return {"clients": get_store().clients()}


@operation(
    bp,
    "/clients",
    "POST",
    summary="Create or rename a client",
    tag="organisation",
    auth_as="manager",
    body=m.ClientCreate,
    responses={200: m.ClientOut, 201: m.ClientOut},
)
def create_client(principal, *, body: m.ClientCreate):
    store = get_store()
    with store.write():
        new = store.upsert_client(body.key, body.name)
        store.audit(
            principal.label,
            "client.create" if new else "client.rename",
            body.key,
            {"name": body.name},
            request.remote_addr or "",
        )
    return {"key": body.key, "name": body.name}, 201 if new else 200


@operation(
    bp,
    "/clients/<key>/financials",
    "PUT",
    summary="Set a client's month figures",
    tag="organisation",
    auth_as="manager",
    body=m.FinancialsRequest,
    responses={200: m.FinancialsOut},
)
def put_financials(principal, key: str, *, body: m.FinancialsRequest):
    """Admins and managers with the client-finance permission (as the clients report)."""
    require_client_finance(principal)
    store = get_store()
    if not store.client_exists(key):
        raise ApiError(
            404,
            "not_found",
            f"key: no client {key!r}",
            [{"field": "key", "message": "no such client"}],
        )
    with store.write():
        store.set_financials(key, body.month, body.revenue, body.agent_cost)
        store.audit(
            principal.label, "client.financials", key, body.model_dump(), request.remote_addr or ""
        )
    return {
        "client": key,
        "month": body.month,
        "revenue": body.revenue,
        "agent_cost": body.agent_cost,
    }


@operation(
    bp,
    "/rules",
    "GET",
    summary="The ordered rule list",
    tag="organisation",
    auth_as="admin",
    responses={200: m.RulesOut},
)
def get_rules(_principal):
    version, rules = get_store().current_rules()
    return {"version": version, "rules": rules}


@operation(
    bp,
    "/rules",
    "PUT",
    summary="Replace the rule list",
    tag="organisation",
    auth_as="admin",
    body=m.RulesIn,
    responses={200: m.RulesOut},
)
def put_rules(principal, *, body: m.RulesIn):
    """Bumps the rules version that GET /policy hands to agents."""
    store = get_store()
    rules = [r.model_dump(exclude_defaults=True) for r in body.rules]
    with store.write():
        version = store.replace_rules(rules, principal.label)
        store.audit(
            principal.label,
            "rules.replace",
            f"v{version}",
            {"count": len(rules)},
            request.remote_addr or "",
        )
    return {"version": version, "rules": rules}


@operation(
    bp,
    "/settings",
    "GET",
    summary="Organisation settings",
    tag="organisation",
    auth_as="admin",
    responses={200: m.SettingsOut},
)
def get_settings(_principal):
    return {"settings": masked(get_store().settings())}


@operation(
    bp,
    "/settings",
    "PUT",
    summary="Change organisation settings",
    tag="organisation",
    auth_as="admin",
    body=m.SettingsIn,
    responses={200: m.SettingsOut},
    errors=(409,),
)
def put_settings(principal, *, body: m.SettingsIn):
    """All changes are checked first; one bad value stores none of them."""
    store = get_store()
    wrong = {k: e for k in body.settings if (e := json_type_error(k, body.settings[k]))}
    if wrong:
        raise ApiError(
            400,
            "invalid_request",
            "; ".join(f"settings.{k}: {e}" for k, e in wrong.items()),
            [{"field": f"settings.{k}", "message": e} for k, e in wrong.items()],
        )
    try:
        with store.write():
            merged = store.set_settings(body.settings)
            store.audit(
                principal.label,
                "settings.set",
                "",
                masked(body.settings),
                request.remote_addr or "",
            )
    except SettingError as exc:
        raise ApiError(
            409 if isinstance(exc, SettingConflict) else 400,
            "invalid_request",
            str(exc),
            [{"field": f"settings.{exc.key}", "message": exc.message}],
        ) from None
    return {"settings": masked(merged)}


@operation(
    bp,
    "/teams",
    "GET",
    summary="Teams you may see",
    tag="organisation",
    auth_as="manager",
    responses={200: m.TeamList},
)
def list_teams(principal):
    teams = get_store().teams()
    if not principal.is_admin:
        teams = [t for t in teams if t["id"] in principal.team_ids]
    return {"teams": teams}


@operation(
    bp,
    "/health",
    "GET",
    summary="Is the collector up",
    tag="meta",
    auth_as="none",
    responses={200: m.Health},
    errors=(503,),
)
def health(_caller):
    """503 `unavailable` names the reason when the database cannot take a write."""
    from collector import __version__

    problem = get_store().write_problem()
    if problem:
        raise ApiError(503, "unavailable", f"database not writable: {problem}")
    return {
        "status": "ok",
        "database": "writable",
        "version": __version__,
        "schema_pending": get_store().pending_migrations(),
    }
