"""Export or erase one person from the Devices page, for a request that came
by mail rather than from the tray (DESIGN §5).

Both change or hand out personal data, so both are POSTs with the session's
CSRF token (checked in the blueprint's before_request) and both are audited.
The export's entry names whose data left, so the log can answer "who saw my
data"; an erasure later scrubs that name from it. The erasure's own entry
names only who ran it (collector/store/person_data.py writes it in the
erasure's transaction). Erasure asks first on a page of its own: a GET only
ever shows that page, so a link, a prefetch or a crawler can never erase.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for

from collector import person_rights
from collector.admin import bp
from collector.admin.forms import audit
from collector.db import get_store


def _person(device_id: str) -> dict[str, Any]:
    person = get_store().person_of_device(device_id[:64])
    if person is None:
        abort(404, "There is no such device (or its person was erased).")
    return person


def _file_name(person: dict[str, Any]) -> str:
    """ASCII, one token: the admin saves several of these side by side."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", person["name"]).strip("-")[:40] or f"person-{person['id']}"
    return f"backlight-data-{slug}-{datetime.now(UTC).date().isoformat()}.zip"


@bp.post("/devices/<device_id>/person/export")
def export_person(device_id: str):
    person = _person(device_id)
    body = person_rights.export_zip(get_store(), person["id"])
    audit("person.export", person["name"], {"team": person["team"], "device": device_id[:64]})
    resp = send_file(
        io.BytesIO(body),
        mimetype="application/zip",
        as_attachment=True,
        download_name=_file_name(person),
    )
    resp.headers["Cache-Control"] = "no-store"  # personal data: no copy in any cache
    return resp


@bp.get("/devices/<device_id>/person/erase")
def confirm_erase_person(device_id: str):
    """The confirmation page; whatever the query string says, a GET erases nothing."""
    person = _person(device_id)
    devices = [
        d
        for d in get_store().devices()
        if (d["person"], d["team"]) == (person["name"], person["team"])
    ]
    return render_template(
        "admin/confirm_erase.html",
        page="devices",
        person=person,
        device_id=device_id[:64],
        devices=devices,
    )


@bp.post("/devices/<device_id>/person/erase")
def erase_person(device_id: str):
    person = _person(device_id)
    if request.form.get("confirm") != "yes":
        return redirect(url_for("admin.confirm_erase_person", device_id=device_id[:64]))
    removed = person_rights.erase(
        get_store(), person["id"], g.principal.label, request.remote_addr or ""
    )
    if not removed:  # erased by someone else between the page and the click
        abort(404, "There is no such person any more.")
    flash(
        f"{person['name']} ({person['team']}) is erased: every device, figure and record; "
        "team figures are recounted without them.",
        "success",
    )
    return redirect(url_for("admin.devices"))
