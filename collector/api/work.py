"""Deferred work (docs/design.md §3): work types, work items in, the backlog report."""

from __future__ import annotations

from flask import request
from pydantic import ValidationError

from collector.api import work_models as w
from collector.api.endpoint import operation
from collector.api.errors import ApiError, from_validation
from collector.auth import team_scope
from collector.db import get_store
from collector.service import backlog
from collector.service.errors import Conflict as Clash
from collector.service.work_items import check_json_items
from collector.store import Conflict

from . import bp


@operation(
    bp,
    "/work-types",
    "GET",
    summary="The kinds of deferred work",
    tag="work",
    auth_as="admin",
    responses={200: w.WorkTypeList},
)
def get_work_types(_principal):
    return {"types": get_store().work_types()}


@operation(
    bp,
    "/work-types",
    "PUT",
    summary="Replace the work types",
    tag="work",
    auth_as="admin",
    body=w.WorkTypes,
    responses={200: w.WorkTypeList},
    errors=(409,),
    description="The list replaces the stored one, in its order. Each type names one function "
    "and exactly one SLA (sla_business_days or sla_hours). A type that work items name "
    "cannot be removed (409); nothing is changed then.",
)
def put_work_types(principal, *, body: w.WorkTypes):
    store = get_store()
    types = [t.model_dump() for t in body.types]
    try:
        with store.write():
            removed = store.replace_work_types(types)
            store.audit(
                principal.label,
                "work_types.replace",
                "",
                {"types": [t["key"] for t in types], "removed": removed},
                request.remote_addr or "",
            )
    except Conflict as exc:
        raise Clash(str(exc), [{"field": "types", "message": str(exc)}]) from None
    return {"types": store.work_types()}


@operation(
    bp,
    "/work-items",
    "POST",
    summary="Record work items from a workflow system",
    tag="work",
    auth_as="manager",
    body=w.WorkItems,
    responses={200: w.WorkItemsStored},
    parse_body=False,
    description="Upsert by (type, id): a later post of the same item updates it, and one with "
    "completed_at completes it (a post without completed_at never reopens one). The id is "
    "stored only as HMAC-SHA256 with the organisation's salt. Rows are checked first, all in "
    "one pass: an unknown type, team, employee or client, a completion before receipt, a time "
    "without its offset or the same id twice refuses the whole post, every problem named by "
    "row and field, and nothing is stored. At most 1,000 items a post: send more in several "
    "posts, or as a CSV (`backlight-collector work-items import`).",
)
def post_work_items(principal, *, body: w.WorkItems | None = None):
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    try:
        sent = w.WorkItemsRaw.model_validate_json(request.get_data() or b"null")
    except ValidationError as exc:
        raise from_validation(exc) from None
    store = get_store()
    rows = check_json_items(store, sent.items, principal)
    with store.write():
        counts = store.upsert_work_items(rows, "api")
        store.audit(principal.label, "work_items.upsert", "api", counts, request.remote_addr or "")
    return counts


@operation(
    bp,
    "/reports/backlog",
    "GET",
    summary="Backlog, aging, SLA and the staff it takes, per work type",
    tag="reports",
    auth_as="manager",
    query=w.BacklogQuery,
    responses={200: w.BacklogReport},
    description="As of the end of `date` in org.timezone (docs/design.md §4, Deferred work). "
    "Handle time, IPH and FTE are null, with `people_figures` saying why, when fewer than "
    "privacy.min_group_size people were tracked in the 28-day window.",
)
def backlog_report(principal, *, query: w.BacklogQuery):
    team_ids, team = team_scope(principal, query.team)
    return backlog.backlog_report(get_store(), team_ids, team, query.date, query.type)
