"""The employee's consent decision, kept on this workstation.

Tracking needs a grant of the *current* consent text: when the collector's
policy carries a new consent version, an earlier grant is "outdated" and the
employee is asked again before anything more is recorded. A decline or a
withdrawal is not outdated by a new text: the employee said no, and the agent
does not nag; they can grant from the tray (or the CLI) whenever they choose.

Withdrawing stops tracking at once: the open segment is closed at that
moment. Segments recorded *before* the withdrawal were consented to, so they
are kept and still sent (before the withdrawal itself reaches the collector,
which would otherwise refuse them); nothing is recorded after it.

The record lives in its own small JSON file, so the CLI (``backlight-agent
consent grant``) can change it while the agent runs; the agent notices the
file changing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from agent.config import write_private_json

if TYPE_CHECKING:
    from agent.outbox import Outbox

log = logging.getLogger(__name__)

DECISIONS = ("granted", "declined", "withdrawn")


@dataclass(frozen=True)
class ConsentRecord:
    decision: str  # one of DECISIONS
    version: int
    at: str  # ISO 8601 with offset

    def body(self) -> dict:
        """What POST /consent takes."""
        return {"decision": self.decision, "consent_version": self.version, "at": self.at}


def consent_status(record: ConsentRecord | None, current_version: int | None) -> str:
    """none | granted | declined | withdrawn | outdated (granted an older text)."""
    if record is None:
        return "none"
    if record.decision == "granted" and record.version != current_version:
        return "outdated"
    return record.decision


class ConsentBook:
    """The decision on disk, re-read when another process changed the file."""

    def __init__(self, path: Path):
        self.path = path
        self._seen: tuple | None = None
        self.record: ConsentRecord | None = None
        self.reload()

    def reload(self) -> bool:
        """Re-read the file if it changed since we last looked; True when it did."""
        seen = _signature(self.path)
        if seen == self._seen:
            return False
        self._seen = seen
        old, self.record = self.record, self._read() if seen is not None else None
        return old != self.record

    def _read(self) -> ConsentRecord | None:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            record = ConsentRecord(str(raw["decision"]), int(raw["version"]), str(raw["at"]))
        except (OSError, ValueError, KeyError, TypeError) as e:
            # Unreadable means "not granted": the safe reading of a broken file.
            log.warning("cannot read the consent record %s (%s); treating it as none", self.path, e)
            return None
        return record if record.decision in DECISIONS else None

    def decide(self, decision: str, version: int, at: datetime | None = None) -> ConsentRecord:
        """Record a decision; the caller queues ``record.body()`` for the collector."""
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}")
        when = (at or datetime.now()).astimezone().isoformat()
        record = ConsentRecord(decision, version, when)
        self.record = record  # in force at once, even if the disk refuses the write
        write_private_json(self.path, {"decision": decision, "version": version, "at": when})
        self._seen = _signature(self.path)
        return record

    def status(self, current_version: int | None) -> str:
        return consent_status(self.record, current_version)

    def allows_tracking(self, current_version: int | None) -> bool:
        return current_version is not None and self.status(current_version) == "granted"


def queue_decision(outbox: Outbox, record: ConsentRecord | None) -> None:
    """Queue the decision for the collector unless it already was.

    A marker in the outbox names the last decision queued, so the agent and
    the CLI (and an agent restarted after a crash between writing the record
    and queueing it) each queue a decision exactly once.
    """
    if record is None:
        return
    marker = json.dumps(record.body(), sort_keys=True)
    if outbox.get_meta("consent_queued") != marker:
        outbox.queue("consent", [record.body()], meta=("consent_queued", marker))


def _signature(path: Path) -> tuple | None:
    """Each write replaces the file (a new inode), so this changes even when
    two writes fall in the same mtime tick."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
