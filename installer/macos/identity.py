"""Names every part of the macOS install agrees on.

The app's bundle identifier, the LaunchAgent's label and the managed
preference domain the agent reads are one string, so an admin meets one
name in Jamf, in ``launchctl print`` and in ``/Library/Managed Preferences``.
"""

from __future__ import annotations

BUNDLE_ID = "org.backlight.agent"
LAUNCH_AGENT_LABEL = BUNDLE_ID
PREFERENCE_DOMAIN = BUNDLE_ID
PACKAGE_ID = "org.backlight.agent.pkg"
PROFILE_ID = "org.backlight.agent.profile"
PPPC_PROFILE_ID = "org.backlight.agent.pppc"

APP_NAME = "Backlight Agent.app"
APP_PATH = f"/Applications/{APP_NAME}"
EXECUTABLE = f"{APP_PATH}/Contents/MacOS/backlight-agent"
LAUNCH_AGENT_PATH = f"/Library/LaunchAgents/{LAUNCH_AGENT_LABEL}.plist"
SUPPORT_DIR = "/Library/Application Support/Backlight"
MACHINE_CONFIG = f"{SUPPORT_DIR}/agent.toml"
MANAGED_PREFERENCES = f"/Library/Managed Preferences/{PREFERENCE_DOMAIN}.plist"
UNINSTALLER = f"{SUPPORT_DIR}/uninstall.sh"

# The managed keys: the same flat keys as agent.toml.
CONFIG_KEYS = ("collector_url", "enrollment_token", "ca_bundle", "user_name")
