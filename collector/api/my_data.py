"""What a device's own person may ask for: a copy of their data, and erasure
(docs/design.md §5, "The employee's rights"). Answers only ever hold the caller's
own person, found from the device token, never from a name in the request."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from flask import Response, request

from collector import person_rights
from collector.api.endpoint import operation
from collector.api.models import Request
from collector.api.models import Response as ResponseModel
from collector.db import get_store

from . import bp


class MyExport(ResponseModel):
    """Everything the collector holds about the caller's person, one list per table."""

    generated_at: str
    tables: dict[str, list[dict[str, Any]]]


class EraseRequest(Request):
    confirm: Literal[True]


class Erased(ResponseModel):
    """The person is gone; this device's token no longer works."""

    erased: bool
    removed: dict[str, int]


#: A person's whole data: no cache on the way may keep a copy.
NO_STORE = {"Cache-Control": "no-store"}


@operation(
    bp,
    "/me/export",
    "GET",
    summary="Everything held about me",
    tag="devices",
    auth_as="device",
    responses={200: MyExport},
)
def my_export(device):
    """The person's data as JSON; nobody else's rows are ever read."""
    return person_rights.export(get_store(), device.person_id), 200, NO_STORE


@operation(
    bp,
    "/me/export.zip",
    "GET",
    summary="Everything held about me, as CSV files in a zip",
    tag="devices",
    auth_as="device",
    responses={200: None},
    extra_response_types={"application/zip": {"schema": {"type": "string", "format": "binary"}}},
)
def my_export_zip(device):
    """One CSV per table (for a spreadsheet) plus the JSON, in one download."""
    body = person_rights.export_zip(get_store(), device.person_id)
    name = f"backlight-my-data-{datetime.now(UTC).date().isoformat()}.zip"
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename={name}", **NO_STORE},
    )


@operation(
    bp,
    "/me/erase",
    "POST",
    summary="Erase me",
    tag="devices",
    auth_as="device",
    body=EraseRequest,
    responses={200: Erased},
)
def my_erase(device, *, body: EraseRequest):
    """The employee's own erasure, as the admin's `person erase`: every device
    of the person is removed (their tokens answer 401 from now on)."""
    removed = person_rights.erase(
        get_store(), device.person_id, "device:self-erasure", request.remote_addr or ""
    )
    return {"erased": bool(removed), "removed": removed}
