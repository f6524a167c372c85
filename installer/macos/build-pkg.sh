#!/bin/sh
# Backlight Agent @VERSION@: build the installer package. Run on a Mac, from
# this folder (dist/macos), after freezing the app (installer/macos/freeze.sh):
#
#   ./build-pkg.sh "/path/to/Backlight Agent.app"
#
# Writes Backlight-Agent-@VERSION@.pkg here. Signing is optional:
#   BACKLIGHT_MACOS_INSTALLER_IDENTITY="Developer ID Installer: Example (TEAMID)"
# signs the product archive (notarize it afterwards with notarytool); the app
# itself must already be signed with the matching Developer ID Application
# identity and the hardened runtime, or Gatekeeper and the PPPC profile's
# code requirement will not accept it.
set -eu
VERSION="@VERSION@"
PACKAGE_ID="@PACKAGE_ID@"
BUNDLE_ID="@BUNDLE_ID@"
APP_NAME="@APP_NAME@"
HERE=$(cd "$(dirname "$0")" && pwd)
APP="${1:?usage: build-pkg.sh PATH/TO/$APP_NAME}"

[ "$(uname -s)" = Darwin ] || { echo "build-pkg.sh: pkgbuild runs on macOS only" >&2; exit 1; }
[ -d "$APP/Contents/MacOS" ] || { echo "build-pkg.sh: $APP is not an app bundle" >&2; exit 1; }
found=$(/usr/libexec/PlistBuddy -c "Print :CFBundleIdentifier" "$APP/Contents/Info.plist")
[ "$found" = "$BUNDLE_ID" ] || { echo "build-pkg.sh: $APP is $found, not $BUNDLE_ID" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -R "$HERE/payload" "$WORK/root"
mkdir -p "$WORK/root/Applications"
ditto "$APP" "$WORK/root/Applications/$APP_NAME"

pkgbuild \
    --root "$WORK/root" \
    --component-plist "$HERE/component.plist" \
    --scripts "$HERE/scripts" \
    --identifier "$PACKAGE_ID" \
    --version "$VERSION" \
    --install-location / \
    --ownership recommended \
    "$WORK/Backlight-Agent-component.pkg"

set -- --package "$WORK/Backlight-Agent-component.pkg"
if [ -n "${BACKLIGHT_MACOS_INSTALLER_IDENTITY:-}" ]; then
    set -- "$@" --sign "$BACKLIGHT_MACOS_INSTALLER_IDENTITY"
fi
productbuild --identifier "$PACKAGE_ID" --version "$VERSION" "$@" "$HERE/Backlight-Agent-$VERSION.pkg"
pkgutil --check-signature "$HERE/Backlight-Agent-$VERSION.pkg" || true
echo "$HERE/Backlight-Agent-$VERSION.pkg"
