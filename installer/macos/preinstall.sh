#!/bin/sh
# Backlight Agent @VERSION@: pkg preinstall, run by Installer as root.
# On an upgrade, stop each logged-in user's agent before the app is replaced,
# so nobody keeps running the old code; postinstall starts the new one.
# Arguments from Installer: $1 package path, $2 install location, $3 target volume.
set -u
LABEL="@LABEL@"
TARGET="${3:-/}"

[ "$TARGET" = "/" ] || exit 0  # another volume: no sessions of it are running

# Every graphical session has a loginwindow process owned by its user.
for uid in $(ps -axo uid=,comm= | awk '$2 ~ /loginwindow$/ && $1 != 0 { print $1 }' | sort -u); do
    launchctl bootout "gui/$uid/$LABEL" 2>/dev/null || true
done
exit 0
