"""The tray: Backlight's face on the employee's desktop (PySide6).

``run(paths)`` is what ``backlight-agent`` with no arguments calls. Qt is
imported only when the tray starts, so the core, the CLI and headless mode
never need it; an ImportError here makes the CLI fall back to headless.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import PySide6.QtWidgets  # noqa: F401 - fail here (ImportError) when Qt is missing

if TYPE_CHECKING:
    from collections.abc import Callable

    from agent.config import Paths


def run(paths: Paths, enroller: Callable | None = None) -> int:
    from agent.tray.process import run as run_tray

    return run_tray(paths, enroller)
