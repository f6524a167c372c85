"""What agents call: enroll, policy, consent, summaries, and their own figures."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from flask import current_app, g, request

from collector.api import models as m
from collector.api.endpoint import dump, operation
from collector.api.errors import ApiError, field_error
from collector.db import get_store
from collector.service import agent_policy as policy_mod
from collector.service.my_summary import my_summary as own_summary
from collector.service.output_units import resolve_my_units
from collector.service.reports import default_range
from collector.store import BatchIdReused
from shared.payload import TimedBatch

from . import bp

CLOCK_SKEW = timedelta(minutes=5)
MAX_RANGE_DAYS = 1100  # as the reports (models.RANGE_RULE)


@operation(
    bp,
    "/enroll",
    "POST",
    summary="Enroll a workstation",
    tag="devices",
    auth_as="none",
    body=m.EnrollRequest,
    responses={201: m.EnrollResponse},
)
def enroll(_caller, *, body: m.EnrollRequest):
    """Trade a single- or multi-use enrollment token for a device token, shown once."""
    store = get_store()
    result = store.enroll(
        body.enrollment_token, body.hostname, body.os, body.agent_version, body.user
    )
    if result is None:  # which one is safe to say: only a holder of the token learns it
        why = store.enrollment_token_problem(body.enrollment_token)
        raise ApiError(
            401,
            "unauthorised",
            f"enrollment_token: {why}",
            [{"field": "enrollment_token", "message": why}],
        )
    device_id, token = result
    device = store.device_by_token(token)
    store.audit(
        f"device:{device_id}",
        "device.enroll",
        device_id,
        {"hostname": body.hostname, "user": body.user},
        request.remote_addr or "",
    )
    return {
        "device_id": device_id,
        "device_token": token,
        "policy": policy_mod.build(store),
        "user": device.person_name if device else body.user,
        "team": device.team_name if device else None,
    }, 201


@operation(
    bp,
    "/policy",
    "GET",
    summary="The policy this device follows",
    tag="devices",
    auth_as="device",
    responses={200: m.Policy, 304: None},
)
def get_policy(_device):
    """Cached by the agent; ETag lets an unchanged policy cost one round trip."""
    body = dump(m.Policy.model_validate(policy_mod.build(get_store())))
    etag = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    if etag in request.if_none_match:
        return current_app.response_class(status=304, headers={"ETag": f'"{etag}"'})
    return body, 200, {"ETag": f'"{etag}"', "Cache-Control": "no-cache"}


@operation(
    bp,
    "/consent",
    "POST",
    summary="Record the employee's consent decision",
    tag="devices",
    auth_as="device",
    body=m.ConsentRequest,
    responses={200: m.ConsentResponse},
)
def post_consent(device, *, body: m.ConsentRequest):
    store = get_store()
    store.record_consent(device.id, body.decision, body.consent_version, body.at.isoformat())
    store.audit(
        f"device:{device.id}",
        f"consent.{body.decision}",
        device.id,
        {"consent_version": body.consent_version},
        request.remote_addr or "",
    )
    return {"decision": body.decision, "consent_version": body.consent_version, "recorded": True}


def _queue_header() -> tuple[int, int] | None:
    """Agents may report their queue as `Backlight-Queue: <segments>,<quarantined>`."""
    raw = request.headers.get("Backlight-Queue")
    if not raw:
        return None
    try:
        queued, quarantined = (int(x) for x in raw.split(","))
    except ValueError:
        return None
    if not (0 <= queued < 10**9 and 0 <= quarantined < 10**9):
        return None
    return queued, quarantined


@operation(
    bp,
    "/summaries",
    "POST",
    summary="Post a batch of segments",
    tag="devices",
    auth_as="device",
    body=TimedBatch,
    responses={200: m.IngestResponse},
    errors=(409,),
)
def post_summaries(device, *, body: TimedBatch):
    """Stored whole or not at all, with its timed work items (`work_items`, from
    the tray's timer) in the same transaction; the same batch twice stores once
    (200, `duplicate`); the same batch_id with other content is refused with 409
    `batch_id_reused`. A timed item may not end after the collector's clock + 5
    minutes; its type need not be a current work type (the policy may have
    changed since the timer stopped)."""
    if device.consent_decision != "granted":
        raise ApiError(403, "consent_required", "this device has not granted consent")
    limit = (datetime.now(UTC) + CLOCK_SKEW).timestamp()
    if body.epochs[-1][1] > limit:  # segments are ordered: the last ends latest
        first = next(i for i, (_start, end) in enumerate(body.epochs) if end > limit)
        raise field_error(
            f"segments.{first}.end", "is in the future (beyond the collector's clock + 5 minutes)"
        )
    for i, item in enumerate(body.work_items):
        if item.ended.timestamp() > limit:
            raise field_error(
                f"work_items.{i}.ended",
                "is in the future (beyond the collector's clock + 5 minutes)",
            )
    try:
        accepted, duplicate = get_store().ingest(device, body, queue=_queue_header())
    except BatchIdReused:
        raise ApiError(
            409,
            "batch_id_reused",
            "batch_id: this device already sent a different batch under this id; "
            "nothing was stored (send new data under a new batch_id)",
            [{"field": "batch_id", "message": "already used for a batch with other content"}],
        ) from None
    g.ingest_outcome = (accepted, duplicate)  # for /metrics (observability/metrics.py)
    return {"batch_id": body.batch_id, "accepted": accepted, "duplicate": duplicate}


@operation(
    bp,
    "/me/summary",
    "GET",
    summary="The employee's own totals",
    tag="devices",
    auth_as="device",
    query=m.DateRange,
    responses={200: m.MySummary},
)
def my_summary(device, *, query: m.DateRange):
    """For the tray's My day, My week and My month: the same totals the collector
    holds for this person, their focus and their own hours per unit."""
    start, end = default_range(query.from_, query.to, days=1)
    if start > end:
        raise field_error("from", "must not be after to")
    if (end - start).days > MAX_RANGE_DAYS:
        raise field_error("from", f"a range may cover at most {MAX_RANGE_DAYS} days")
    return own_summary(get_store(), device.person_id, start.isoformat(), end.isoformat())


@operation(
    bp,
    "/me/output-units",
    "POST",
    summary="Log the employee's own completed work",
    tag="devices",
    auth_as="device",
    body=m.MyUnits,
    responses={200: m.Stored},
)
def my_output_units(device, *, body: m.MyUnits):
    store = get_store()
    rows = resolve_my_units(store, device, body.items)
    stored = store.add_output_units(rows, "employee", f"device:{device.id}")
    store.audit(
        f"device:{device.id}",
        "output_units.add",
        device.id,
        {"rows": stored},
        request.remote_addr or "",
    )
    return {"stored": stored}
