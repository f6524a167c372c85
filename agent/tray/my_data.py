""" "Download my data" and "Stop and erase my data" in the tray (docs/design.md §5).

The collector holds the employee's figures; these ask it for a copy
(``GET /me/export.zip``) or for erasure (``POST /me/erase``) with the
device's own token, so the employee needs nobody's help for either. Both
wait on the network, so the tray runs them on a worker thread and is told
the outcome by a signal.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QFileDialog

from agent.core.collector_client import HttpError, Unreachable
from agent.core.facade import AgentCore
from agent.tray.screenshots import Shooter


def default_path(today: date | None = None) -> Path:
    """Where the copy goes unless the employee picks another place: Downloads,
    or the home folder on a desktop without one (a save dialog proposing a
    folder that does not exist would open somewhere else instead)."""
    day = (today or date.today()).isoformat()
    downloads = Path.home() / "Downloads"
    folder = downloads if downloads.is_dir() else Path.home()
    return folder / f"backlight-my-data-{day}.zip"


def ask_where(shooter: Shooter) -> Path | None:
    """The save dialog, proposing ``default_path()``; None if the employee cancels.

    The dialog is modal, so the screenshot hook (tray-my-data.png) is armed
    before it opens and finds it as the active modal window when it fires."""

    def area():
        dialog = QApplication.activeModalWidget()
        return dialog.frameGeometry() if dialog is not None else None

    shooter.later("tray-my-data.png", area)
    path, _ = QFileDialog.getSaveFileName(
        None, "Save my data", str(default_path()), "Zip files (*.zip)"
    )
    return Path(path) if path else None


class IncompleteExport(OSError):
    """The collector's answer was not a whole zip (a cut connection, a proxy page)."""


def download_my_data(core: AgentCore, path: Path) -> Path:
    """Save the collector's zip of everything it holds about this person.

    The answer is checked to be a whole zip, written to a temporary name,
    flushed to disk and renamed, so neither a cut download nor a crash nor a
    full disk leaves a half file under the name the employee is told; a failed
    write removes its ``.part``."""
    client = core.uploader.client
    if client is None:
        raise Unreachable("this computer is not enrolled")
    body = client.call("GET", "/me/export.zip", timeout=60).content
    try:
        whole = zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    except zipfile.BadZipFile:
        whole = False
    if not whole:
        raise IncompleteExport("the collector's answer was not a whole zip file")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
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
