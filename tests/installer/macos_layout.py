"""What the macOS package tests share: the version they build, the scripts the
package carries, and plists read as plutil would (the `layout` fixture that
builds the package is in conftest.py)."""

from __future__ import annotations

import plistlib
from pathlib import Path
from typing import Any

VERSION = "0.3.0"
ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = (
    "scripts/preinstall",
    "scripts/postinstall",
    "build-pkg.sh",
    "uninstall.sh",
    "payload/Library/Application Support/Backlight/uninstall.sh",
)


def load(path: Path) -> Any:
    with path.open("rb") as f:
        return plistlib.load(f)
