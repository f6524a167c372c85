"""What ``backlight-agent status`` shows, read from the profile's files.

Whether or not an agent runs: the config, the cached policy, the consent
file and the outbox's notes are all another process's to read, so the same
figures come out either way. What only a running agent knows (its next
upload) it leaves in the outbox's notes; what the disk itself says (free
space where the outbox lives) is asked here, since a full disk can refuse
the agent the very note that would say so.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import asdict
from datetime import datetime

from agent.config import AlreadyRunning, Paths, ProfileLock, load_config
from agent.core import auto_enroll
from agent.core.collector_client import token_fingerprint
from agent.core.consent import ConsentBook
from agent.core.policy import PolicyStore
from agent.core.uploader import RETRY_NOT_BEFORE
from agent.outbox import Outbox
from agent.outbox.quarantine import reason

#: Less free space than this where the outbox lives is a full disk: SQLite
#: needs room for its journal before it can write a single segment.
DISK_FULL_BYTES = 1 << 20


def clock(iso: str) -> str:
    """An ISO time as the wall-clock time a person reads."""
    return datetime.fromisoformat(iso).strftime("%H:%M:%S")


def status_lines(snap: dict) -> list[str]:
    """The ``status`` text, one line per fact."""
    q = snap["queue"]
    lines = [
        f"agent:        {'running' if snap['running'] else 'not running'}",
        f"tracking:     {'yes' if snap['tracking'] else 'no'}"
        + (f" (paused until {snap['paused_until']})" if snap["paused_until"] else ""),
        f"consent:      {snap['consent']} (current version {snap['consent_version']})",
        f"enrolled:     {snap['collector'] or 'no'}"
        + (f" as {snap['user']!r}" if snap["enrolled"] and snap["user"] else "")
        + (f" (team {snap['team']!r})" if snap["enrolled"] and snap["team"] else "")
        + ("  -- the collector refused the device token" if snap["unauthorised"] else ""),
        f"device:       {snap['device_id'] or 'none'}",
        f"queued:       {q['segments']} segment(s), {q['consent']} consent decision(s), "
        f"{q['units']} work item(s)",
        f"last upload:  {snap['last_upload_at'] or 'never'}",
        f"upload every: {snap['upload_interval_s']:g} s"
        + (f", next at {clock(snap['next_upload_at'])}" if snap["next_upload_at"] else ""),
    ]
    if snap["rate_limited_until"]:
        lines.append(
            f"rate limited: the collector asked to wait until {clock(snap['rate_limited_until'])}"
        )
    disk = snap["disk"]
    if disk["full"]:
        lines.append(
            f"disk:         FULL, {disk['free_bytes']} bytes free in {disk['folder']}: "
            + (
                "new time is kept in memory until space is freed"
                if snap["running"]
                else "nothing new can be recorded until space is freed"
            )
        )
    if snap["last_error"]:
        lines.append(f"last error:   {snap['last_error']}")
    auto = snap["auto_enrollment"]
    if auto:
        retrying = (
            "not yet (the collector is rate limiting, retrying)"
            if auto.get("status") == 429
            else "not yet (collector unreachable, retrying)"
        )
        what = {"refused": "REFUSED", "invalid": "machine config unusable"}.get(
            auto["state"], retrying
        )
        lines.append(f"auto-enroll:  {what} ({auto['at']}): {auto['error']}")
    lines.append(f"quarantined:  {len(snap['quarantined'])} batch(es)")
    for b in snap["quarantined"]:
        lines.append(
            f"  {b['batch_id']}: {b['segments']} segment(s), {b['status_code']}: {b['reason']}"
        )
    for limit in snap["limitations"]:
        lines.append(f"limitation:   {limit}")
    return lines


def snapshot(paths: Paths) -> dict:
    """Status from the profile's files, whether or not an agent is running."""
    config = load_config(paths)
    policy = PolicyStore(paths.policy_cache).current
    book = ConsentBook(paths.consent_file)
    try:
        ProfileLock(paths.data_dir / "agent.lock").release()
        running = False
    except AlreadyRunning:
        running = True
    except OSError:  # no profile yet
        running = False
    stats, meta = None, {}
    if paths.outbox.exists():
        try:
            outbox = Outbox(paths.outbox, recover=False)
            try:
                stats = outbox.stats()
                meta = {k: outbox.get_meta(k) for k in _NOTES}
            finally:
                outbox.close()
        except sqlite3.Error as e:  # a full disk can refuse even a reader its journal
            meta = {"last_error": f"cannot read the outbox: {e}"}
    return {
        "running": running,
        "tracking": running and meta.get("tracking") == "1",
        "paused_until": meta.get("paused_until") if running else None,
        "consent": book.status(policy.consent_version),
        "consent_version": policy.consent_version,
        "enrolled": config.enrolled,
        "collector": config.collector_url,
        "device_id": config.device_id,
        "unauthorised": bool(
            config.enrolled and meta.get("unauthorised") == token_fingerprint(config.device_token)
        ),
        "queue": {
            "segments": stats.queued_segments if stats else 0,
            "batches": stats.pending_batches if stats else 0,
            "consent": stats.pending_consent if stats else 0,
            "units": stats.pending_units if stats else 0,
        },
        "quarantined": [
            {**asdict(q), "reason": reason(q.status_code, q.error)} for q in stats.quarantined
        ]
        if stats
        else [],
        "last_upload_at": stats.last_upload_at if stats else None,
        "last_error": stats.last_error if stats else meta.get("last_error"),
        "upload_interval_s": policy.upload_interval_s,
        "next_upload_at": meta.get("next_upload_at") if running else None,
        "rate_limited_until": _future(meta.get(RETRY_NOT_BEFORE)),
        "user": config.user,
        "team": config.team,
        "disk": _disk(paths),
        "limitations": json.loads(meta["limitations"]) if meta.get("limitations") else [],
        "auto_enrollment": None if config.enrolled else auto_enroll.read_state(paths),
    }


#: The outbox notes ``status`` shows.
_NOTES = (
    "tracking",
    "paused_until",
    "limitations",
    "unauthorised",
    "next_upload_at",
    RETRY_NOT_BEFORE,
)


def _future(iso: str | None) -> str | None:
    try:
        when = datetime.fromisoformat(iso) if iso else None
    except ValueError:
        return None
    return iso if when and when > datetime.now().astimezone() else None


def _disk(paths: Paths) -> dict:
    """Free space where the outbox lives: the agent's one write path."""
    folder = paths.data_dir if paths.data_dir.exists() else paths.data_dir.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    return {
        "folder": str(paths.data_dir),
        "free_bytes": free,
        "full": free is not None and free < DISK_FULL_BYTES,
    }
