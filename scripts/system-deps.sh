#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: a virtual X
# screen with a window manager and tray, xdotool for real input, Qt's xcb
# libraries, fonts, Chromium for the browser tests, and wixl/msitools (the
# Windows MSI is built and read back here), Node (runs the MSI's JScript) and
# Wine (installs, upgrades and removes the MSI with its Windows Installer);
# for the .deb build, Debian's python3 headers and gcc (evdev has no wheel)
# and the libraries Qt's kept plugins link against (the package's Depends:
# are read from them). PostgreSQL's server programs: the storage tests start
# a throwaway cluster of their own (tests/fixtures/postgres.py).
# Only what is missing is installed, and only when we may (root, or sudo
# without a password). Otherwise it says what is missing and leaves the
# decision to the tests: under CI=true they fail rather than skip.
set -euo pipefail

packages=(
  xvfb openbox tint2 xdotool x11-utils xterm dbus-daemon
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1 libxcb-randr0 libegl1 libgl1 libfontconfig1 fonts-dejavu-core
  chromium chromium-driver
  wixl msitools nodejs wine64
  python3-dev python3-venv gcc libwayland-client0 libwayland-cursor0 libwayland-egl1
  libxkbcommon0 libdbus-1-3 libglib2.0-0
  postgresql
)

command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian system; install the equivalents of: ${packages[*]}"; exit 0; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "system-deps: missing ${missing[*]} and no permission to install them." >&2
  echo "system-deps: run: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
