"""The macOS package layout in dist/macos, checked here where no Mac is.

pkgbuild, productbuild, plutil and profiles exist only on macOS; what can be
pinned here is pinned: the plists parse (plistlib reads the same XML format
plutil -lint checks) and say what launchd and the MDM need, the profiles
carry the right payload types with unique UUIDs, the scripts are POSIX
shell that parses, postinstall does its job on a stand-in volume, and the
pkg script names the identifiers and version it is meant to.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from installer.macos import build, identity
from installer.macos.profile import PLACEHOLDER_TEAM, pppc_profile

VERSION = "0.3.0"
ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = (
    "scripts/preinstall",
    "scripts/postinstall",
    "build-pkg.sh",
    "uninstall.sh",
    "payload/Library/Application Support/Backlight/uninstall.sh",
)


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BACKLIGHT_MACOS_TEAM_ID", "ABCDE12345")
    (root,) = build(VERSION, tmp_path)
    return root


def load(path: Path) -> Any:
    with path.open("rb") as f:
        return plistlib.load(f)


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


def _payloads(profile: dict) -> list[dict]:
    return [profile, *profile["PayloadContent"]]


def _check_profile(profile: dict) -> None:
    assert profile["PayloadType"] == "Configuration"
    assert profile["PayloadScope"] == "System"
    uuids = [p["PayloadUUID"] for p in _payloads(profile)]
    assert len(set(uuids)) == len(uuids)
    for value in uuids:
        assert str(uuid.UUID(value)).upper() == value
    identifiers = [p["PayloadIdentifier"] for p in _payloads(profile)]
    assert len(set(identifiers)) == len(identifiers)
    for p in _payloads(profile):
        assert p["PayloadVersion"] == 1 and p["PayloadDisplayName"]


def test_settings_profile(layout: Path) -> None:
    profile = load(layout / "Backlight-Agent.mobileconfig")
    _check_profile(profile)
    (payload,) = profile["PayloadContent"]
    assert payload["PayloadType"] == "com.apple.ManagedClient.preferences"
    domain = payload["PayloadContent"]
    assert list(domain) == [identity.PREFERENCE_DOMAIN] == ["org.backlight.agent"]
    (forced,) = domain["org.backlight.agent"]["Forced"]
    settings = forced["mcx_preference_settings"]
    assert set(settings) == {"collector_url", "enrollment_token"}
    assert set(settings) <= set(identity.CONFIG_KEYS)
    # The bare preference file for "custom settings" uploads says the same.
    assert load(layout / "org.backlight.agent.plist") == settings


def test_pppc_profile_asks_only_for_input_monitoring(layout: Path) -> None:
    profile = load(layout / "Backlight-Agent-PPPC.mobileconfig")
    _check_profile(profile)
    (payload,) = profile["PayloadContent"]
    assert payload["PayloadType"] == "com.apple.TCC.configuration-profile-policy"
    assert set(payload["Services"]) == {"ListenEvent"}
    (entry,) = payload["Services"]["ListenEvent"]
    # A profile cannot grant ListenEvent; it can let a standard user approve it.
    assert entry["Authorization"] == "AllowStandardUserToSetSystemService"
    assert "Allowed" not in entry  # Allowed and Authorization are mutually exclusive
    assert (entry["Identifier"], entry["IdentifierType"]) == ("org.backlight.agent", "bundleID")
    assert 'identifier "org.backlight.agent"' in entry["CodeRequirement"]
    assert 'certificate leaf[subject.OU] = "ABCDE12345"' in entry["CodeRequirement"]


def test_pppc_screen_capture_only_on_request() -> None:
    services = pppc_profile("T", screen_capture=True)["PayloadContent"][0]["Services"]
    assert set(services) == {"ListenEvent", "ScreenCapture"}
    assert services["ScreenCapture"][0]["Authorization"] == "AllowStandardUserToSetSystemService"


def test_team_id_placeholder_without_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKLIGHT_MACOS_TEAM_ID", raising=False)
    (root,) = build(VERSION, tmp_path)
    profile = load(root / "Backlight-Agent-PPPC.mobileconfig")
    assert (
        PLACEHOLDER_TEAM
        in profile["PayloadContent"][0]["Services"]["ListenEvent"][0]["CodeRequirement"]
    )


def test_profile_command_writes_real_values(tmp_path: Path) -> None:
    out = tmp_path / "p.mobileconfig"
    args = [
        "--collector-url",
        "https://b.corp.example",
        "--enrollment-token",
        "tok-1",
        "--user-name",
        "{login}@corp.example",
        "--out",
        str(out),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "installer.macos.profile", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    first = load(out)
    _check_profile(first)
    settings = first["PayloadContent"][0]["PayloadContent"]["org.backlight.agent"]["Forced"][0][
        "mcx_preference_settings"
    ]
    assert settings == {
        "collector_url": "https://b.corp.example",
        "enrollment_token": "tok-1",
        "user_name": "{login}@corp.example",
    }
    # A rotated token is a changed profile: new UUIDs, same identifiers.
    args[3] = "tok-2"
    subprocess.run(
        [sys.executable, "-m", "installer.macos.profile", *args],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    second = load(out)
    assert second["PayloadIdentifier"] == first["PayloadIdentifier"]
    assert second["PayloadUUID"] != first["PayloadUUID"]
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "installer.macos.profile",
            "--collector-url",
            "ftp://x",
            "--enrollment-token",
            "t",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and "collector_url" in bad.stderr


def test_build_is_reproducible(layout: Path, tmp_path: Path) -> None:
    (again,) = build(VERSION, tmp_path / "again")
    for name in ("Backlight-Agent.mobileconfig", "Backlight-Agent-PPPC.mobileconfig"):
        assert (layout / name).read_bytes() == (again / name).read_bytes()


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
