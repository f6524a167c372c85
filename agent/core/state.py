"""AgentState: one snapshot of the agent, everything the tray shows.

``AgentCore.state()`` makes it and hands it to listeners, which the core calls
from its own threads; it is frozen, so the tray can pass it to its UI thread
as it is. The tray's wording (``agent.tray.view``) needs only this, not the
core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agent.outbox.quarantine import Quarantined


@dataclass(frozen=True)
class AgentState:
    consent: str  # none | granted | declined | withdrawn | outdated
    consent_version: int | None
    tracking: bool
    paused: bool
    paused_until: datetime | None  # None while paused means "until resumed"
    current_category: str | None
    current_client: str | None
    queued_segments: int
    pending_batches: int
    quarantined_batches: int
    quarantined: tuple[Quarantined, ...]
    pending_consent: int
    pending_units: int
    last_upload_at: str | None
    last_error: str | None
    write_error: str | None
    offline: bool
    enrolled: bool
    unauthorised: bool
    running: bool
    probe: str | None
    limitations: tuple[str, ...]
