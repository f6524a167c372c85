"""Configuration profiles for MDMs (Jamf, Intune, Kandji...): settings and privacy.

Two profiles, because they travel differently:

- ``Backlight-Agent.mobileconfig`` carries the machine config as managed
  preferences of the domain ``org.backlight.agent`` (the agent reads
  ``/Library/Managed Preferences/org.backlight.agent.plist``, which wins over
  ``agent.toml``). Any MDM can deliver it; it can also be installed by hand.
- ``Backlight-Agent-PPPC.mobileconfig`` is the privacy (TCC) payload, which
  macOS accepts only from a user-approved MDM. Reading the frontmost app
  needs no permission. Counting keys and clicks needs Input Monitoring
  (``ListenEvent``), which Apple lets no profile grant: a profile can only
  deny it or, from macOS 11, let a standard user approve it without an
  admin password (``AllowStandardUserToSetSystemService``). That is all this
  payload does. Screen Recording (window titles for local rules) is the
  same, and off unless asked for.

Run ``python -m installer.macos.profile --help`` to write a settings profile
with real values; ``make packages`` writes one with placeholders.
"""

from __future__ import annotations

import argparse
import json
import plistlib
import uuid
from pathlib import Path
from typing import Any

from installer.macos.identity import (
    BUNDLE_ID,
    CONFIG_KEYS,
    PPPC_PROFILE_ID,
    PREFERENCE_DOMAIN,
    PROFILE_ID,
)

ORGANIZATION = "Backlight"
PLACEHOLDER_URL = "https://backlight.example.org"
PLACEHOLDER_TOKEN = "REPLACE-WITH-AN-ENROLLMENT-TOKEN"
PLACEHOLDER_TEAM = "REPLACE-WITH-YOUR-TEAM-ID"
_NAMESPACE = uuid.UUID("2b0f6c8e-93a4-4f5e-a0c7-5d1e8b3f9a62")


def _uuid(identifier: str, content: Any) -> str:
    # Derived from what the payload says: the same profile rebuilt keeps its
    # UUIDs (MDMs see no change), a changed value gets new ones.
    text = json.dumps(content, sort_keys=True, default=str)
    return str(uuid.uuid5(_NAMESPACE, f"{identifier}\n{text}")).upper()


def _profile(identifier: str, name: str, description: str, payloads: list[dict]) -> dict:
    body = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadDisplayName": name,
        "PayloadDescription": description,
        "PayloadOrganization": ORGANIZATION,
        "PayloadScope": "System",
        "PayloadContent": payloads,
    }
    body["PayloadUUID"] = _uuid(identifier, body)
    return body


def _payload(kind: str, identifier: str, name: str, content: dict) -> dict:
    body = {
        "PayloadType": kind,
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadDisplayName": name,
        **content,
    }
    body["PayloadUUID"] = _uuid(identifier, body)
    return body


def managed_settings(
    collector_url: str,
    enrollment_token: str,
    ca_bundle: str | None = None,
    user_name: str | None = None,
) -> dict[str, str]:
    values = dict(
        zip(CONFIG_KEYS, (collector_url, enrollment_token, ca_bundle, user_name), strict=True)
    )
    if not values["collector_url"].startswith(("https://", "http://")):
        raise ValueError("collector_url must start with https:// (or http://)")
    if not values["enrollment_token"]:
        raise ValueError("enrollment_token is required")
    return {k: v for k, v in values.items() if v}


def settings_profile(settings: dict[str, str]) -> dict:
    preferences = _payload(
        "com.apple.ManagedClient.preferences",
        f"{PROFILE_ID}.settings",
        "Backlight Agent settings",
        {
            "PayloadContent": {
                PREFERENCE_DOMAIN: {"Forced": [{"mcx_preference_settings": settings}]}
            }
        },
    )
    return _profile(
        PROFILE_ID,
        "Backlight Agent",
        "Where the Backlight agent reports, and the token it enrolls with.",
        [preferences],
    )


def code_requirement(team_id: str) -> str:
    """The signed app's designated requirement: ``codesign -dr - "Backlight Agent.app"``."""
    return (
        f'identifier "{BUNDLE_ID}" and anchor apple generic'
        f' and certificate leaf[subject.OU] = "{team_id}"'
    )


def pppc_profile(team_id: str, screen_capture: bool = False) -> dict:
    entry = {
        "Identifier": BUNDLE_ID,
        "IdentifierType": "bundleID",
        "CodeRequirement": code_requirement(team_id),
        "Authorization": "AllowStandardUserToSetSystemService",
        "Comment": "Lets the employee approve Backlight without an admin password;"
        " macOS does not let a profile approve it for them.",
    }
    services = {"ListenEvent": [entry]}
    if screen_capture:
        services["ScreenCapture"] = [dict(entry)]
    tcc = _payload(
        "com.apple.TCC.configuration-profile-policy",
        f"{PPPC_PROFILE_ID}.tcc",
        "Backlight Agent privacy",
        {"Services": services},
    )
    return _profile(
        PPPC_PROFILE_ID,
        "Backlight Agent privacy",
        "Standard users may approve Input Monitoring for the Backlight agent.",
        [tcc],
    )


def dump(profile: dict) -> bytes:
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML, sort_keys=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m installer.macos.profile",
        description="Write the Backlight Agent configuration profile with real values.",
    )
    p.add_argument("--collector-url", required=True)
    p.add_argument("--enrollment-token", required=True)
    p.add_argument("--ca-bundle", help="path of a CA bundle on the Macs (optional)")
    p.add_argument("--user-name", help='login mapping, e.g. "{login}@corp.example" (optional)')
    p.add_argument("--out", type=Path, default=Path("Backlight-Agent.mobileconfig"))
    args = p.parse_args(argv)
    try:
        settings = managed_settings(
            args.collector_url, args.enrollment_token, args.ca_bundle, args.user_name
        )
    except ValueError as e:
        p.error(str(e))
    args.out.write_bytes(dump(settings_profile(settings)))
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
