""" "Download my data" and "Stop and erase my data" in the tray (DESIGN §5).

The collector holds the employee's figures; these ask it for a copy
(``GET /me/export.zip``) or for erasure (``POST /me/erase``) with the
device's own token, so the employee needs nobody's help for either. Both
wait on the network, so the tray runs them on a worker thread and is told
the outcome by a signal.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from agent.core.collector_client import HttpError, Unreachable
from agent.core.facade import AgentCore


def default_path(today: date | None = None) -> Path:
    """Where the copy goes unless the employee picks another place."""
    day = (today or date.today()).isoformat()
    return Path.home() / "Downloads" / f"backlight-my-data-{day}.zip"


def download_my_data(core: AgentCore, path: Path) -> Path:
    """Save the collector's zip of everything it holds about this person.

    Written to a temporary name and renamed, so an interrupted download never
    leaves a half zip under the name the employee was told."""
    client = core.uploader.client
    if client is None:
        raise Unreachable("this computer is not enrolled")
    body = client.call("GET", "/me/export.zip", timeout=60).content
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(body)
    partial.replace(path)
    return path


def erase_me(core: AgentCore) -> None:
    """Ask the collector to erase this person; tracking was stopped first."""
    client = core.uploader.client
    if client is None:
        raise Unreachable("this computer is not enrolled")
    client.call("POST", "/me/erase", json={"confirm": True}, timeout=120)


class MyData(QObject):
    """Runs the two requests off the UI thread; ``done`` carries the sentence to show."""

    done = Signal(str)

    def __init__(self, core: AgentCore, parent: QObject | None = None):
        super().__init__(parent)
        self.core = core

    def download(self, path: Path) -> None:
        def work() -> None:
            try:
                saved = download_my_data(self.core, path)
                self.done.emit(f"Your data was saved to {saved}")
            except (Unreachable, HttpError, OSError) as exc:
                self.done.emit(f"Your data could not be downloaded: {_why(exc)}")

        threading.Thread(target=work, name="backlight-my-data", daemon=True).start()

    def erase(self) -> None:
        def work() -> None:
            try:
                erase_me(self.core)
                self.done.emit("Your data was erased from the collector.")
            except (Unreachable, HttpError) as exc:
                self.done.emit(f"Your data could not be erased: {_why(exc)}. Try again later.")

        threading.Thread(target=work, name="backlight-erase", daemon=True).start()


def _why(exc: Exception) -> str:
    if isinstance(exc, Unreachable):
        return "the collector cannot be reached"
    if isinstance(exc, HttpError):
        return f"the collector answered {exc.status}"
    return str(exc)
