#!/bin/sh
# Backlight Agent @VERSION@: pkg postinstall, run by Installer as root.
# Fixes ownership of what the agent trusts (the LaunchAgent, the machine
# config folder), says how to configure when no config is present, and
# starts the agent in every open graphical session (others get it at login).
set -u
LABEL="@LABEL@"
TARGET="${3:-/}"
[ "$TARGET" = "/" ] && TARGET=""
PLIST="$TARGET@LAUNCH_AGENT_PATH@"
SUPPORT="$TARGET@SUPPORT_DIR@"
CONFIG="$SUPPORT/agent.toml"
MANAGED="$TARGET@MANAGED_PREFERENCES@"

chown root:wheel "$PLIST" && chmod 644 "$PLIST" || exit 1
mkdir -p "$SUPPORT" && chown root:wheel "$SUPPORT" && chmod 755 "$SUPPORT" || exit 1
if [ -f "$CONFIG" ]; then
    # Readable by every user's agent, writable only by root.
    chown root:wheel "$CONFIG" && chmod 644 "$CONFIG" || exit 1
elif [ ! -f "$MANAGED" ]; then
    echo "Backlight Agent: no machine configuration yet. Install the configuration"
    echo "profile (Backlight-Agent.mobileconfig) or place $CONFIG with"
    echo "collector_url and enrollment_token; each user's agent reads it at start."
fi

[ -z "$TARGET" ] || exit 0
for uid in $(ps -axo uid=,comm= | awk '$2 ~ /loginwindow$/ && $1 != 0 { print $1 }' | sort -u); do
    launchctl bootstrap "gui/$uid" "$PLIST" 2>/dev/null \
        || launchctl kickstart -k "gui/$uid/$LABEL" 2>/dev/null || true
done
exit 0
