"""The LaunchAgent that starts every user's agent in their own GUI session.

A LaunchAgent in ``/Library/LaunchAgents`` is loaded by launchd for each
user who logs in, as that user: the agent must run as the employee (their
consent, their outbox), never as root, and only in a graphical (Aqua)
session, not over ssh.
"""

from __future__ import annotations

import plistlib
from typing import Any

from installer.macos.identity import BUNDLE_ID, EXECUTABLE, LAUNCH_AGENT_LABEL


def launch_agent() -> dict[str, Any]:
    return {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": [EXECUTABLE],
        "RunAtLoad": True,
        # Restarted after a crash, not after the employee quits from the tray
        # (a clean exit, status 0); launchd waits ThrottleInterval seconds
        # between starts so a failing start does not spin.
        "KeepAlive": {"SuccessfulExit": False},
        "ThrottleInterval": 30,
        "LimitLoadToSessionType": "Aqua",
        "ProcessType": "Interactive",
        # macOS 13+ lists the item under the app's name in Login Items.
        "AssociatedBundleIdentifiers": [BUNDLE_ID],
    }


def launch_agent_bytes() -> bytes:
    return plistlib.dumps(launch_agent(), fmt=plistlib.FMT_XML, sort_keys=True)
