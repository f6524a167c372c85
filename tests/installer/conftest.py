"""The `layout` fixture: the macOS package tree `installer.macos.build` writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.macos import build
from tests.installer.macos_layout import VERSION


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BACKLIGHT_MACOS_TEAM_ID", "ABCDE12345")
    (root,) = build(VERSION, tmp_path)
    return root
