"""``backlight-agent import-activitywatch EXPORT.json``: queue one's
ActivityWatch history as Backlight segments, once.

The rules are the organisation's, from the cached policy, so imported time
lands in the same functions as tracked time; titles are matched here and
kept nowhere. What is queued is sent by the running agent on its next
upload (or by ``backlight-agent upload``).

What is left out, and said so in the summary:

- anything after this profile began tracking (Backlight measured that time
  itself) or after the consent was given, whichever is earlier;
- anything older than the collector keeps (the policy's retention);
- anything an earlier import already covered.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from agent.config import Paths, load_config
from agent.core.consent import ConsentBook
from agent.core.policy import PolicyStore
from agent.core.tracker import local_timezone_name
from agent.importers.activitywatch import ExportError, read_export, to_segments
from agent.outbox import Outbox

#: The policy's retention when it does not say (the collector's default).
DEFAULT_RETENTION_DAYS = 400


class ImportRefused(Exception):
    """Why nothing was imported, in one sentence."""


@dataclass(frozen=True)
class Summary:
    host: str
    segments: int
    active_s: float
    idle_s: float
    first: datetime | None
    last: datetime | None
    skipped_tracked_s: float
    skipped_old_s: float
    skipped_imported_s: float
    already: str | None = None  # when the same file was imported before

    def lines(self) -> list[str]:
        if self.already is not None:
            return [f"This file was imported on {self.already[:16]}: nothing added."]
        if not self.segments:
            out = [f"Nothing to import from {self.host}."]
        else:
            out = [
                f"Imported {self.segments} segment(s) from {self.host}: "
                f"{_h(self.active_s)} active, {_h(self.idle_s)} idle, "
                f"{self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}.",
                "Window titles were matched against your organisation's rules on this "
                "computer and are not kept or sent.",
            ]
        for seconds, why in (
            (self.skipped_tracked_s, "after Backlight began tracking (it measured that itself)"),
            (self.skipped_old_s, "older than the collector keeps"),
            (self.skipped_imported_s, "already imported from an earlier file"),
        ):
            if seconds >= 60:
                out.append(f"Left out {_h(seconds)} {why}.")
        if self.segments:
            out.append("They are sent with the next upload (`backlight-agent upload` sends now).")
        return out


def _h(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def import_activitywatch(
    paths: Paths, export_path: Path, host: str | None = None, without_afk: bool = False
) -> Summary:
    """Read, convert and queue; raises ImportRefused when nothing may be imported."""
    config = load_config(paths)
    if not config.enrolled:
        raise ImportRefused(
            "enroll this workstation first: the import needs the organisation's rules"
        )
    policy = PolicyStore(paths.policy_cache).current
    book = ConsentBook(paths.consent_file)
    if not book.allows_tracking(policy.consent_version):
        raise ImportRefused(
            "nothing is imported before you agree to the consent text "
            "(`backlight-agent consent show`, then `consent grant`)"
        )
    try:
        data = export_path.read_bytes()
    except OSError as e:
        raise ImportRefused(f"{export_path}: {e.strerror or e}") from None
    digest = hashlib.sha256(data).hexdigest()
    paths.ensure()
    outbox = Outbox(paths.outbox, recover=False)
    try:
        previous = outbox.previous_import(digest)
        if previous is not None:
            return Summary("", 0, 0, 0, None, None, 0, 0, 0, already=previous.imported_at)
        try:
            export = read_export(json.loads(data), host)
        except json.JSONDecodeError as e:
            raise ImportRefused(f"{export_path}: not JSON ({e.msg} at line {e.lineno})") from None
        except ExportError as e:
            raise ImportRefused(f"{export_path}: {e}") from None
        if export.afk is None and not without_afk:
            raise ImportRefused(
                f"{export_path}: no AFK bucket for {export.host}, so time away from the "
                "computer cannot be told from work; pass --without-afk to count all window "
                "time as active"
            )
        consented = datetime.fromisoformat(book.record.at).timestamp() if book.record else None
        ends = [t for t in (outbox.tracking_began_ts(), consented, time.time()) if t is not None]
        retention = float(policy.privacy.get("retention_days") or DEFAULT_RETENTION_DAYS)
        not_before = time.time() - retention * 86400
        tz_name = local_timezone_name()  # the zone live segments are filed under
        converted = to_segments(
            export,
            policy.rules,
            ZoneInfo(tz_name),
            idle_after_s=policy.idle_after_s,
            not_before=not_before,
            not_after=min(ends),
            imported=outbox.imported_spans(),
            afk_known=export.afk is not None,
        )
        segs = converted.segments
        covered = None
        if export.windows:
            covered = (
                max(not_before, export.windows[0].start),
                min(min(ends), max(w.end for w in export.windows)),
            )
            if covered[1] <= covered[0]:
                covered = None
        outbox.queue_import(digest, str(export_path), segs, covered, policy.rules_version, tz_name)
    finally:
        outbox.close()
    return Summary(
        export.host,
        len(segs),
        sum(s.seconds for s in segs if s.state == "active"),
        sum(s.seconds for s in segs if s.state == "idle"),
        min((s.start for s in segs), default=None),
        max((s.end for s in segs), default=None),
        converted.skipped_tracked_s,
        converted.skipped_old_s,
        converted.skipped_imported_s,
    )
