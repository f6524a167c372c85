"""The Windows MSI: see ``build``.

The agent runs on Windows as a frozen PyInstaller folder, which only a
Windows machine can make (``installer/windows/freeze.ps1``). This machine has
none, so ``make packages`` builds the MSI only when ``BACKLIGHT_WINDOWS_FROZEN``
names such a folder (e.g. a CI artifact from a Windows runner) and otherwise
says what to do and builds nothing: an MSI of stand-in files would install
and do nothing, which is worse than no MSI. The tests build from a
clearly-named stand-in folder through ``build_msi`` directly.
"""

from __future__ import annotations

import os
from pathlib import Path

from installer import BuildToolMissing
from installer.windows.msi import build_msi, require_tool

FROZEN_ENV = "BACKLIGHT_WINDOWS_FROZEN"


def build(version: str, out: Path) -> list[Path]:
    require_tool("wixl")
    frozen = os.environ.get(FROZEN_ENV)
    if not frozen:
        raise BuildToolMissing(
            f"no frozen Windows agent: run installer/windows/freeze.ps1 on a Windows runner,"
            f" then {FROZEN_ENV}=DIR make packages (DIR: its dist\\backlight-agent folder)"
        )
    return [build_msi(version, Path(frozen), Path(out))]
