"""Devices: every enrolled workstation, what its agent last reported, and revoke.

Queue health is what the agent sends with each batch (the Backlight-Queue
header: segments waiting, batches quarantined); last seen is the last
authenticated call. A revoked device's token stops working at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for

from collector.admin import bp
from collector.admin.forms import audit
from collector.db import get_store
from collector.service.errors import Invalid
from collector.service.person_start import set_start_day

#: A device not heard from for this long is flagged: its agent may be stopped.
STALE_AFTER = timedelta(days=2)


def _health(device: dict, now: datetime) -> tuple[str, str]:
    """(state, explanation) for the device's row."""
    if device["revoked_at"]:
        return "revoked", "Revoked: its token no longer works."
    if device["consent_decision"] != "granted":
        return "no-consent", "Not tracking: consent not granted."
    if device["quarantined_batches"]:
        return "quarantine", "The collector refused batches; see the agent's log."
    seen = device["last_seen_at"]
    if not seen:
        return "never", "Never uploaded."
    try:
        last = datetime.fromisoformat(seen)
    except ValueError:
        return "unknown", ""
    if now - last > STALE_AFTER:
        return "stale", f"No upload for {(now - last).days} days."
    return "ok", "Uploading."


@bp.get("/devices")
def devices():
    return _page()


def _page(errors: dict[str, str] | None = None, status: int = 200):
    now = datetime.now(UTC)
    rows = []
    for d in get_store().devices():
        state, note = _health(d, now)
        rows.append({**d, "state": state, "note": note})
    live = [r for r in rows if r["state"] != "revoked"]
    summary = {
        "total": len(live),
        "tracking": sum(1 for r in live if r["consent_decision"] == "granted"),
        "attention": sum(1 for r in live if r["state"] in ("quarantine", "stale", "never")),
        "revoked": len(rows) - len(live),
    }
    body = render_template(
        "admin/devices.html",
        page="devices",
        devices=rows,
        summary=summary,
        start_errors=errors or {},
    )
    return body, status


@bp.post("/devices/<device_id>/person/start")
def set_person_start(device_id: str):
    """The day the device's person counts from in targets and available hours
    (collector/service/person_start.py); empty clears it."""
    store = get_store()
    person = store.person_of_device(device_id[:64])
    if person is None:
        abort(404, "There is no such device (or its person was erased).")
    try:
        day = set_start_day(
            store,
            person,
            request.form.get("start_day", "")[:40],
            g.principal.label,
            request.remote_addr or "",
        )
    except Invalid as exc:
        return _page({device_id[:64]: f"Start date: {exc.fields[0]['message']}."}, 400)
    if day is None:
        flash(f"{person['name']} counts from their first tracked day again.", "success")
    else:
        flash(f"{person['name']} counts from {day} in targets and available hours.", "success")
    return redirect(url_for("admin.devices"))


@bp.post("/devices/<device_id>/revoke")
def revoke_device(device_id: str):
    store = get_store()
    row = store.device_row(device_id[:64])
    if row is None:
        abort(404, "There is no such device.")
    with store.write():
        if store.revoke_device(row["id"]):
            audit("device.revoke", row["id"], {"hostname": row["hostname"], "user": row["person"]})
            flash(f"Device {row['hostname']} ({row['person']}) is revoked.", "success")
    return redirect(url_for("admin.devices"))
