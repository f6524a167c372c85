#!/bin/sh
# Backlight Agent @VERSION@: remove the agent from this Mac. Run as root:
#   sudo "@UNINSTALLER@"          # program and autostart; agent.toml stays
#   sudo "@UNINSTALLER@" --purge  # also the machine config
# Each user's own data (~/Library/Application Support/backlight: consent,
# device id, unsent queue) is theirs and stays; delete it per user if wanted.
# The configuration profiles are removed from the MDM, not here.
set -u
LABEL="@LABEL@"
PURGE=no
[ "${1:-}" = "--purge" ] && PURGE=yes
if [ "$(id -u)" -ne 0 ]; then
    echo "uninstall.sh: run as root (sudo)" >&2
    exit 1
fi

for uid in $(ps -axo uid=,comm= | awk '$2 ~ /loginwindow$/ && $1 != 0 { print $1 }' | sort -u); do
    launchctl bootout "gui/$uid/$LABEL" 2>/dev/null || true
done
rm -f "@LAUNCH_AGENT_PATH@"
rm -rf "@APP_PATH@"
pkgutil --forget "@PACKAGE_ID@" >/dev/null 2>&1 || true
if [ "$PURGE" = yes ]; then
    rm -f "@SUPPORT_DIR@/agent.toml"
fi
rm -f "@UNINSTALLER@"
rmdir "@SUPPORT_DIR@" 2>/dev/null || true
echo "Backlight Agent removed (machine config purged: $PURGE)."
exit 0
