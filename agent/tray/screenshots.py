"""A test hook: save screenshots at defined moments.

Set ``BACKLIGHT_TRAY_SCREENSHOTS=DIR`` and the tray saves, from inside its
own process (the only place that knows when a window has finished drawing):

* ``tray-consent.png`` when the consent window asks,
* ``tray-menu.png`` when the tray menu opens,
* ``tray-my-day.png`` when My day has the collector's answer (or gave up),
* ``tray-start-item.png`` when the employee first types in "Start item",
* ``tray-my-week.png`` and ``tray-my-month.png`` when those have the collector's answer.

Each is a grab of the real screen, cropped to the window (plus the tray icon
for the menu) with a margin, so the shots show what the employee sees,
window decorations and panel included. Unset, this module does nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import QApplication

ENV = "BACKLIGHT_TRAY_SCREENSHOTS"
#: Let the window manager map and the widgets paint before grabbing.
SETTLE_MS = 500
MARGIN = 24

log = logging.getLogger(__name__)


class Shooter:
    def __init__(self, folder: str | os.PathLike | None):
        self.folder = Path(folder) if folder else None

    @classmethod
    def from_env(cls) -> Shooter:
        return cls(os.environ.get(ENV) or None)

    @property
    def active(self) -> bool:
        return self.folder is not None

    def later(self, name: str, area: Callable[[], QRect | None]) -> None:
        """Grab the screen after the window settles; ``area`` is read at grab time."""
        if self.folder is not None:
            QTimer.singleShot(SETTLE_MS, lambda: self._grab(name, area()))

    def _grab(self, name: str, area: QRect | None) -> None:
        screen = QApplication.primaryScreen()
        if screen is None or self.folder is None:
            return
        shot = screen.grabWindow(0)
        if area is not None and area.isValid():
            full = QRect(0, 0, shot.width(), shot.height())
            shot = shot.copy(area.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN).intersected(full))
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        if shot.save(str(path)):
            log.info("screenshot saved: %s", path)
        else:
            log.warning("could not save the screenshot %s", path)
