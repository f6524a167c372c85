"""The macOS configuration profiles: settings for the MDM, and a PPPC profile that
asks for Input Monitoring only (screen capture only when asked for)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from installer.macos import build, identity
from installer.macos.profile import PLACEHOLDER_TEAM, pppc_profile
from tests.installer.macos_layout import ROOT, VERSION, load


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
