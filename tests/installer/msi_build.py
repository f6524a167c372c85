"""Build MSIs for the tests from a stand-in for the frozen Windows agent.

The real payload is a PyInstaller folder made on a Windows runner; here a
folder of the same shape stands in (files whose content says they are
stand-ins). The MSI's tables do not depend on what the files hold, only on
their names and places, which is what these tests check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.requirements import need_programs

STAND_IN_FILES = (
    "backlight-agent.exe",
    "backlight-agent-cli.exe",
    "_internal/python311.dll",
    "_internal/base_library.zip",
    "_internal/PySide6/Qt6Core.dll",
    "_internal/PySide6/plugins/platforms/qwindows.dll",
    "_internal/certifi/cacert.pem",
)


def make_stand_in(root: Path) -> Path:
    for name in STAND_IN_FILES:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"STAND-IN for the frozen agent, not a program: {name}\n".encode())
    return root


def need_msitools() -> None:
    need_programs("wixl", "msiinfo", "msibuild")


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_stand_in(tmp_path_factory.mktemp("stand-in-frozen-agent"))


@pytest.fixture(scope="module")
def msis(stand_in: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same payload built as 0.1.0 and 0.2.0, and 0.2.0 once more."""
    need_msitools()
    from installer.windows.msi import build_msi

    out = tmp_path_factory.mktemp("msi")
    built = {v: build_msi(v, stand_in, out / v) for v in ("0.1.0", "0.2.0")}
    again = build_msi("0.2.0", stand_in, out / "0.2.0-again")
    built["0.2.0-again"] = again
    return built
