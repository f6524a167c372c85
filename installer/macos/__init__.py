"""The macos package: see ``build``."""

from __future__ import annotations

from pathlib import Path

from installer import BuildToolMissing


def build(version: str, out: Path) -> list[Path]:
    raise BuildToolMissing("the macos build is not written yet")
