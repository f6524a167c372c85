"""The macOS package scripts: POSIX shell that parses, preinstall stops every
session, postinstall on a stand-in volume, uninstall keeps config unless purged,
and the pkg script names its identifiers and version."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installer.macos_layout import ROOT, SCRIPTS, VERSION, load


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_are_executable_posix_shell(layout: Path, name: str) -> None:
    path = layout / name
    text = path.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert path.stat().st_mode & 0o111 == 0o111
    assert "@" not in text.replace('"$@"', ""), "unfilled placeholder"
    assert VERSION in text
    done = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_install_scripts_name_the_agent(layout: Path) -> None:
    pre = (layout / "scripts/preinstall").read_text()
    post = (layout / "scripts/postinstall").read_text()
    assert 'LABEL="org.backlight.agent"' in pre and 'LABEL="org.backlight.agent"' in post
    assert 'launchctl bootout "gui/$uid/$LABEL"' in pre
    assert 'launchctl bootstrap "gui/$uid" "$PLIST"' in post
    assert 'PLIST="$TARGET/Library/LaunchAgents/org.backlight.agent.plist"' in post
    uninstall = (layout / "uninstall.sh").read_text()
    assert 'rm -rf "/Applications/Backlight Agent.app"' in uninstall
    assert 'pkgutil --forget "org.backlight.agent.pkg"' in uninstall
    assert re.search(
        r'PURGE" = yes.*\n\s+rm -f "/Library/Application Support/Backlight/agent.toml"', uninstall
    )


SESSIONS = (
    "  0 /sbin/launchd\n"
    "501 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow\n"
    "502 /System/Library/CoreServices/loginwindow.app/Contents/MacOS/loginwindow\n"
    "501 /Applications/Safari.app/Contents/MacOS/Safari\n"
)


def _stub_bin(tmp_path: Path, *tools: str) -> tuple[Path, Path]:
    """Programs that only record their arguments (root:wheel does not exist on Debian,
    and nothing here may touch this machine's /Applications or /Library)."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("chown", "launchctl", *tools):
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{log}"\n')
        stub.chmod(0o755)
    sessions = tmp_path / "sessions.txt"
    sessions.write_text(SESSIONS)
    (bin_dir / "ps").write_text(f'#!/bin/sh\ncat "{sessions}"\n')
    (bin_dir / "ps").chmod(0o755)
    (bin_dir / "id").write_text("#!/bin/sh\necho 0\n")
    (bin_dir / "id").chmod(0o755)
    return bin_dir, log


def test_preinstall_stops_every_open_session(layout: Path, tmp_path: Path) -> None:
    bin_dir, log = _stub_bin(tmp_path)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["sh", str(layout / "scripts/preinstall"), "pkg", "/", "/"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines() == [
        "launchctl bootout gui/501/org.backlight.agent",
        "launchctl bootout gui/502/org.backlight.agent",
    ]


@pytest.mark.parametrize("purge", [False, True])
def test_uninstall_removes_program_and_keeps_config_unless_purged(
    layout: Path, tmp_path: Path, purge: bool
) -> None:
    bin_dir, log = _stub_bin(tmp_path, "rm", "rmdir", "pkgutil")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    args = ["--purge"] if purge else []
    done = subprocess.run(
        ["sh", str(layout / "uninstall.sh"), *args], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[:2] == [
        "launchctl bootout gui/501/org.backlight.agent",
        "launchctl bootout gui/502/org.backlight.agent",
    ]
    assert "rm -f /Library/LaunchAgents/org.backlight.agent.plist" in calls
    assert "rm -rf /Applications/Backlight Agent.app" in calls
    assert "pkgutil --forget org.backlight.agent.pkg" in calls
    purged = "rm -f /Library/Application Support/Backlight/agent.toml" in calls
    assert purged is purge


def test_postinstall_on_a_stand_in_volume(layout: Path, tmp_path: Path) -> None:
    volume = tmp_path / "Volume"
    shutil.copytree(layout / "payload", volume)
    bin_dir, log = _stub_bin(tmp_path)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    script = str(layout / "scripts/postinstall")
    done = subprocess.run(
        ["sh", script, "pkg", "/", str(volume)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "no machine configuration yet" in done.stdout  # says how to configure
    support = volume / "Library/Application Support/Backlight"
    assert stat.S_IMODE(support.stat().st_mode) == 0o755
    calls = log.read_text()
    assert f"chown root:wheel {volume}/Library/LaunchAgents/org.backlight.agent.plist" in calls
    assert "launchctl" not in calls  # another volume: no sessions to start

    config = support / "agent.toml"
    config.write_text('collector_url = "https://b.example"\n')
    config.chmod(0o666)
    done = subprocess.run(
        ["sh", script, "pkg", "/", str(volume)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and "no machine configuration" not in done.stdout
    assert stat.S_IMODE(config.stat().st_mode) == 0o644
    assert f"chown root:wheel {config}" in log.read_text()


def test_pkg_script_identifiers_and_version(layout: Path) -> None:
    text = (layout / "build-pkg.sh").read_text()
    assert 'VERSION="0.3.0"' in text
    assert 'PACKAGE_ID="org.backlight.agent.pkg"' in text
    assert 'BUNDLE_ID="org.backlight.agent"' in text
    assert 'APP_NAME="Backlight Agent.app"' in text
    for fragment in (
        '--identifier "$PACKAGE_ID"',
        '--version "$VERSION"',
        "--install-location /",
        '--scripts "$HERE/scripts"',
        '--component-plist "$HERE/component.plist"',
        "productbuild",
        "BACKLIGHT_MACOS_INSTALLER_IDENTITY",
    ):
        assert fragment in text, fragment
    component = load(layout / "component.plist")
    assert component == [
        {
            "RootRelativeBundlePath": "Applications/Backlight Agent.app",
            "BundleIsRelocatable": False,
            "BundleIsVersionChecked": False,
            "BundleHasStrictIdentifier": True,
            "BundleOverwriteAction": "upgrade",
        }
    ]


def test_pkg_script_refuses_to_run_off_a_mac(layout: Path) -> None:
    done = subprocess.run(
        ["sh", str(layout / "build-pkg.sh"), "/nowhere/Backlight Agent.app"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and "macOS only" in done.stderr


def test_make_packages_writes_dist_macos(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "installer",
            "--only",
            "macos",
            "--out",
            str(tmp_path),
            "--version",
            "1.4.0",
            "--require",
            "macos",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert 'VERSION="1.4.0"' in (tmp_path / "macos" / "build-pkg.sh").read_text()
