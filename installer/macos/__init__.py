"""The macOS package layout: see ``build``.

``pkgbuild`` and ``productbuild`` exist only on macOS, and the app bundle
only comes from freezing on a Mac (``installer/macos/freeze.sh``), so this
machine writes everything around them into ``dist/macos/``, checked here,
and ``build-pkg.sh`` finishes on a Mac:

- ``payload/``: what the pkg lays down below ``/`` (the LaunchAgent and the
  uninstaller; ``build-pkg.sh`` adds ``/Applications/Backlight Agent.app``);
- ``scripts/preinstall``, ``scripts/postinstall``;
- ``component.plist``: the app is not relocatable (Installer would otherwise
  "upgrade" a copy it finds elsewhere on the disk instead of /Applications);
- ``Backlight-Agent.mobileconfig`` (settings, placeholders),
  ``Backlight-Agent-PPPC.mobileconfig`` (privacy, for a user-approved MDM),
  ``org.backlight.agent.plist`` (the same settings as a bare preference file,
  for an MDM's "custom settings" upload);
- ``build-pkg.sh`` and ``uninstall.sh``.

The app goes in ``/Applications`` (decided): that is where Gatekeeper,
notarization and the Privacy & Security settings expect a signed app the
employee sees by name when macOS asks for Input Monitoring.
"""

from __future__ import annotations

import os
import plistlib
import shutil
from pathlib import Path

from installer.macos import identity
from installer.macos.launch_agent import launch_agent_bytes
from installer.macos.profile import (
    PLACEHOLDER_TEAM,
    PLACEHOLDER_TOKEN,
    PLACEHOLDER_URL,
    dump,
    managed_settings,
    pppc_profile,
    settings_profile,
)

HERE = Path(__file__).parent
TEAM_ENV = "BACKLIGHT_MACOS_TEAM_ID"


def _fill(template: str, version: str) -> str:
    values = {
        "VERSION": version,
        "LABEL": identity.LAUNCH_AGENT_LABEL,
        "BUNDLE_ID": identity.BUNDLE_ID,
        "PACKAGE_ID": identity.PACKAGE_ID,
        "APP_NAME": identity.APP_NAME,
        "APP_PATH": identity.APP_PATH,
        "LAUNCH_AGENT_PATH": identity.LAUNCH_AGENT_PATH,
        "SUPPORT_DIR": identity.SUPPORT_DIR,
        "MANAGED_PREFERENCES": identity.MANAGED_PREFERENCES,
        "UNINSTALLER": identity.UNINSTALLER,
    }
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    if "@" in template.replace("$@", "").replace('"$@"', ""):
        raise ValueError("a placeholder was left unfilled")
    return template


def _script(name: str, version: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_fill((HERE / name).read_text(), version))
    target.chmod(0o755)
    return target


def component_plist() -> list[dict]:
    return [
        {
            "RootRelativeBundlePath": f"Applications/{identity.APP_NAME}",
            "BundleIsRelocatable": False,
            "BundleIsVersionChecked": False,
            "BundleHasStrictIdentifier": True,
            "BundleOverwriteAction": "upgrade",
        }
    ]


def build(version: str, out: Path) -> list[Path]:
    root = Path(out) / "macos"
    if root.exists():
        shutil.rmtree(root)
    payload = root / "payload"
    agent = payload / identity.LAUNCH_AGENT_PATH.lstrip("/")
    agent.parent.mkdir(parents=True)
    agent.write_bytes(launch_agent_bytes())
    agent.chmod(0o644)
    _script("uninstall.sh", version, payload / identity.UNINSTALLER.lstrip("/"))
    _script("preinstall.sh", version, root / "scripts" / "preinstall")
    _script("postinstall.sh", version, root / "scripts" / "postinstall")
    _script("build-pkg.sh", version, root / "build-pkg.sh")
    _script("uninstall.sh", version, root / "uninstall.sh")
    (root / "component.plist").write_bytes(plistlib.dumps(component_plist()))

    settings = managed_settings(PLACEHOLDER_URL, PLACEHOLDER_TOKEN)
    (root / "Backlight-Agent.mobileconfig").write_bytes(dump(settings_profile(settings)))
    (root / f"{identity.PREFERENCE_DOMAIN}.plist").write_bytes(plistlib.dumps(settings))
    team = os.environ.get(TEAM_ENV) or PLACEHOLDER_TEAM
    (root / "Backlight-Agent-PPPC.mobileconfig").write_bytes(dump(pppc_profile(team)))
    return [root]
