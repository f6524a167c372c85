"""What the tray says about the agent's state, as plain data (no Qt).

Kept apart from the widgets so the wording — what an employee reads every
day — is decided in one place and tested without a display. Every line is
meant to be true and short: the state, and what the employee can do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agent.core.state import AgentState
from shared.catalogue import category_name

#: Icon kinds, one picture each (``agent.tray.icons``).
OFF, TRACKING, PAUSED, OFFLINE, ERROR = "off", "tracking", "paused", "offline", "error"
KINDS = (OFF, TRACKING, PAUSED, OFFLINE, ERROR)


@dataclass(frozen=True)
class StatusView:
    kind: str  # one of KINDS
    headline: str
    details: tuple[str, ...] = ()

    @property
    def tooltip(self) -> str:
        return "\n".join(("Backlight — " + self.headline, *self.details))


def label(category: str | None) -> str:
    """A category's name for people ("Payroll processing"), tolerant of unknown ids."""
    if not category:
        return "nothing in front"
    try:
        return category_name(category)
    except KeyError:
        return category.replace("_", " ")


def clock_time(at: datetime) -> str:
    return at.astimezone().strftime("%H:%M")


def duration(seconds: float) -> str:
    """``2 h 05 min``, ``12 min``, ``< 1 min``: what a glance at a day needs."""
    minutes = int(round(seconds / 60))
    if seconds > 0 and minutes == 0:
        return "< 1 min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def when(iso: str | None) -> str:
    """A stored ISO time as the employee reads it: ``14:05`` today, else the date too."""
    if not iso:
        return "never"
    try:
        at = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    if at.date() == datetime.now().astimezone().date():
        return at.strftime("%H:%M")
    return at.strftime("%d %b %H:%M")


def consent_needed(state: AgentState, has_text: bool) -> bool:
    """Ask when there is a text to agree to and no answer to *this* version yet.

    A decline or a withdrawal is an answer: the tray does not ask again on its
    own (the employee can agree later from "What is collected…").
    """
    return has_text and state.consent in ("none", "outdated")


def _problems(state: AgentState) -> list[str]:
    out = []
    if state.unauthorised:
        out.append("The collector refused this computer's key: ask IT to enroll it again.")
    if state.write_error:
        out.append(f"Cannot save to disk ({state.write_error}); keeping today in memory.")
    if state.quarantined_batches:
        out.append(
            f"{plural(state.quarantined_batches, 'batch')} refused by the collector, "
            "kept on this computer (see My day)."
        )
    out.extend(limit for limit in state.limitations if limit.startswith("no foreground probe"))
    return out


def _queue_line(state: AgentState) -> str | None:
    if not state.queued_segments:
        return None
    return f"{plural(state.queued_segments, 'segment')} waiting to be sent"


def describe(state: AgentState, clients: dict[str, str] | None = None) -> StatusView:
    """The tray's one-line state, its icon kind, and supporting lines.

    ``clients`` maps client keys to the names people know them by.
    """
    problems = _problems(state)
    queue = _queue_line(state)
    if not state.enrolled and state.consent_version is None:
        return StatusView(
            OFF, "not tracking: this computer is not set up yet", ("Ask IT to enroll it.",)
        )
    if state.consent != "granted":
        why = {
            "none": "waiting for your decision on what is collected",
            "outdated": "the terms changed; waiting for your decision",
            "declined": "you declined",
            "withdrawn": "you withdrew your consent",
        }.get(state.consent, state.consent)
        extra = [queue] if queue else []
        return StatusView(OFF, f"not tracking: {why}", tuple(extra + problems))
    if state.paused:
        until = (
            f"until {clock_time(state.paused_until)}" if state.paused_until else "until you resume"
        )
        headline = f"paused {until}"
    elif state.tracking:
        headline = "tracking" + (
            f": {label(state.current_category)}" if state.current_category else ""
        )
    else:
        headline = "not tracking"
    if state.current_client:
        name = (clients or {}).get(state.current_client, state.current_client)
        headline += f" · client {name}"
    details = []
    if state.offline:
        details.append("Offline: the collector cannot be reached" + (f"; {queue}" if queue else ""))
    elif queue:
        details.append(queue.capitalize())
    details.append(f"Last sent: {when(state.last_upload_at)}")
    if problems:
        return StatusView(ERROR, headline, tuple(problems + details))
    if state.paused:
        return StatusView(PAUSED, headline, tuple(details))
    if state.offline:
        return StatusView(OFFLINE, headline, tuple(details))
    return StatusView(TRACKING, headline, tuple(details))
