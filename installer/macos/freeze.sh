#!/bin/sh
# Freeze the Backlight agent for macOS: run on a Mac from the repository root.
#   PACKAGE_VERSION=X.Y.Z installer/macos/freeze.sh
# Optional: BACKLIGHT_MACOS_APP_IDENTITY="Developer ID Application: Example (TEAMID)"
# signs the app (hardened runtime), as the PPPC profile's code requirement expects.
# Then: python -m installer --only macos, and dist/macos/build-pkg.sh "dist/Backlight Agent.app".
set -eu
[ "$(uname -s)" = Darwin ] || { echo "freeze.sh: run on macOS" >&2; exit 1; }
WORK=build/macos-freeze
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --upgrade pip
"$WORK/venv/bin/python" -m pip install . "pyinstaller>=6.10" "pyobjc-framework-Quartz>=10" "pyobjc-framework-Cocoa>=10"
"$WORK/venv/bin/python" -m PyInstaller --noconfirm --clean --distpath dist \
    --workpath "$WORK/pyinstaller" installer/macos/backlight-agent.spec
APP="dist/Backlight Agent.app"
"$APP/Contents/MacOS/backlight-agent" --help >/dev/null
if [ -n "${BACKLIGHT_MACOS_APP_IDENTITY:-}" ]; then
    codesign --force --deep --options runtime --timestamp \
        --sign "$BACKLIGHT_MACOS_APP_IDENTITY" "$APP"
    codesign --verify --strict --verbose=2 "$APP"
fi
echo "$APP"
