"""The macOS package layout in dist/macos, checked here where no Mac is.

pkgbuild, productbuild, plutil and profiles exist only on macOS; what can be
pinned here is pinned: the plists parse (plistlib reads the same XML format
plutil -lint checks) and say what launchd and the MDM need, the profiles
carry the right payload types with unique UUIDs, the scripts are POSIX
shell that parses, postinstall does its job on a stand-in volume, and the
pkg script names the identifiers and version it is meant to.
"""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

from installer.macos import build, identity
from tests.installer.macos_layout import ROOT, VERSION, load


def test_layout(layout: Path) -> None:
    files = {str(p.relative_to(layout)) for p in layout.rglob("*") if p.is_file()}
    assert files == {
        "payload/Library/LaunchAgents/org.backlight.agent.plist",
        "payload/Library/Application Support/Backlight/uninstall.sh",
        "scripts/preinstall",
        "scripts/postinstall",
        "component.plist",
        "build-pkg.sh",
        "uninstall.sh",
        "Backlight-Agent.mobileconfig",
        "Backlight-Agent-PPPC.mobileconfig",
        "org.backlight.agent.plist",
    }
    # No agent.toml in the payload: a pkg upgrade must never overwrite the admin's.
    assert not (layout / "payload" / identity.MACHINE_CONFIG.lstrip("/")).exists()


def test_launch_agent(layout: Path) -> None:
    path = layout / "payload" / identity.LAUNCH_AGENT_PATH.lstrip("/")
    agent = load(path)
    assert path.name == f"{agent['Label']}.plist" == "org.backlight.agent.plist"
    assert agent["ProgramArguments"] == [
        "/Applications/Backlight Agent.app/Contents/MacOS/backlight-agent"
    ]
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] == {"SuccessfulExit": False}  # not relaunched after Quit
    assert agent["LimitLoadToSessionType"] == "Aqua"
    assert agent["ThrottleInterval"] >= 10
    assert "UserName" not in agent and "GroupName" not in agent  # runs as the user
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_build_is_reproducible(layout: Path, tmp_path: Path) -> None:
    (again,) = build(VERSION, tmp_path / "again")
    for name in ("Backlight-Agent.mobileconfig", "Backlight-Agent-PPPC.mobileconfig"):
        assert (layout / name).read_bytes() == (again / name).read_bytes()


def test_freeze_scripts_parse() -> None:
    """The Mac/Windows freeze recipes cannot run here; they at least parse."""
    import ast

    done = subprocess.run(
        ["sh", "-n", str(ROOT / "installer/macos/freeze.sh")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    for spec in ("installer/macos/backlight-agent.spec", "installer/windows/backlight-agent.spec"):
        tree = ast.parse((ROOT / spec).read_text())
        called = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= called, spec
