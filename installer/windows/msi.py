"""Turn a frozen agent folder into the MSI, with wixl, and finish what wixl cannot.

``msibuild`` patches two things wixl 0.101 (Debian 12) does not write:

- ``SecureCustomProperties``: wixl drops ``Property/@Secure``, so the public
  properties would not cross from msiexec's client to the elevated server
  side for an admin who is not already elevated (Group Policy and Intune run
  as SYSTEM and are fine either way). The upgrade properties wixl put there
  itself are kept.
- the 64-bit script bit (``msidbCustomActionType64BitScript``) on the JScript
  actions, which wixl cannot express: in this x64 package they should run in
  the 64-bit script host.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from installer import BuildToolMissing
from installer.windows.identity import msi_version
from installer.windows.payload import scan
from installer.windows.wxs import SECURE_PROPERTIES, render

SCRIPT = Path(__file__).with_name("machine_config.js")


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BuildToolMissing(
            f"{name} is not installed (Debian: apt-get install wixl msitools;"
            " scripts/system-deps.sh installs them)"
        )
    return path


def msi_name(version: str) -> str:
    return f"Backlight-Agent-{msi_version(version)}-x64.msi"


def build_msi(version: str, frozen: Path, out: Path) -> Path:
    """Write ``out/Backlight-Agent-X.Y.Z-x64.msi`` from the frozen folder ``frozen``."""
    wixl = require_tool("wixl")
    msiinfo = require_tool("msiinfo")
    msibuild = require_tool("msibuild")
    payload = scan(frozen)
    out.mkdir(parents=True, exist_ok=True)
    target = out / msi_name(version)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        (work / "payload").symlink_to(Path(frozen).resolve(), target_is_directory=True)
        shutil.copy(SCRIPT, work / SCRIPT.name)
        source = work / "Backlight-Agent.wxs"
        source.write_text(render(version, payload), encoding="utf-8")
        built = work / target.name
        _run([wixl, "--arch", "x64", "-o", str(built), str(source)], cwd=work)
        _secure_properties(built, msiinfo, msibuild)
        _script_actions_64bit(built, msiinfo, msibuild)
        shutil.move(built, target)
    return target


def _secure_properties(msi: Path, msiinfo: str, msibuild: str) -> None:
    rows = _run([msiinfo, "export", str(msi), "Property"]).splitlines()[3:]
    current = dict(line.split("\t", 1) for line in rows if "\t" in line)
    names = [n for n in current.get("SecureCustomProperties", "").split(";") if n]
    names += [n for n in SECURE_PROPERTIES if n not in names]
    value = ";".join(names)
    if "SecureCustomProperties" in current:
        query = (
            f"UPDATE `Property` SET `Value` = '{value}' WHERE `Property` = 'SecureCustomProperties'"
        )
    else:
        query = (
            "INSERT INTO `Property` (`Property`, `Value`)"
            f" VALUES ('SecureCustomProperties', '{value}')"
        )
    _run([msibuild, str(msi), "-q", query])


SCRIPT_64BIT = 0x1000
SCRIPT_ACTIONS = ("WriteMachineConfig", "PurgeMachineConfig")


def _script_actions_64bit(msi: Path, msiinfo: str, msibuild: str) -> None:
    rows = _run([msiinfo, "export", str(msi), "CustomAction"]).splitlines()[3:]
    types = {line.split("\t")[0]: int(line.split("\t")[1]) for line in rows}
    for action in SCRIPT_ACTIONS:
        value = types[action] | SCRIPT_64BIT
        query = f"UPDATE `CustomAction` SET `Type` = {value} WHERE `Action` = '{action}'"
        _run([msibuild, str(msi), "-q", query])


def _run(command: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if done.returncode != 0:
        raise RuntimeError(
            f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()}"
        )
    return done.stdout
