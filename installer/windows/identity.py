"""The names and codes that tie every Backlight Agent MSI to the one before it.

Windows Installer recognises "the same product, another version" only by the
UpgradeCode, so it is fixed here forever. The ProductCode is derived from the
version (uuid5), not drawn at random: two builds of one version are the same
product (no side-by-side install of a rebuilt MSI), and an admin can compute
the code a version will have for an Intune detection rule.
"""

from __future__ import annotations

import re
import uuid

UPGRADE_CODE = uuid.UUID("6f1b2c1e-5a7d-4c39-9e0b-8f3a6d2b7c41")
PRODUCT_NAME = "Backlight Agent"
MANUFACTURER = "Backlight"
RUN_VALUE_NAME = "Backlight Agent"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
GUI_EXE = "backlight-agent.exe"
CLI_EXE = "backlight-agent-cli.exe"

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def msi_version(version: str) -> str:
    """The version as Windows Installer compares it: three numbers, 255.255.65535 at most.

    Windows Installer ignores a fourth field when it compares versions, and
    rejects anything that is not numeric, so "1.2.3rc1" is refused here rather
    than shipped as an MSI that can never be upgraded.
    """
    m = _VERSION.match(version)
    if not m:
        raise ValueError(f"MSI versions are MAJOR.MINOR.BUILD numbers, got {version!r}")
    major, minor, build = (int(g) for g in m.groups())
    if major > 255 or minor > 255 or build > 65535:
        raise ValueError(f"MSI versions stop at 255.255.65535, got {version!r}")
    return f"{major}.{minor}.{build}"


def product_code(version: str) -> uuid.UUID:
    return uuid.uuid5(UPGRADE_CODE, f"product {msi_version(version)}")


def stable_guid(kind: str, name: str) -> uuid.UUID:
    """A component GUID that stays the same for the same path in every version.

    Component rules: a component keeps its GUID as long as it holds the same
    file at the same place; deriving it from the path keeps that promise
    without a registry of GUIDs to maintain.
    """
    return uuid.uuid5(UPGRADE_CODE, f"{kind} {name.lower()}")


def braced(value: uuid.UUID) -> str:
    return "{" + str(value).upper() + "}"
