"""The Windows MSI, built with wixl and read back with msiinfo.

No Windows here, so what Windows Installer will do is pinned through the
tables it will read: per-machine install, the silent properties and their
way into agent.toml, the HKLM Run entry, Add/Remove Programs, the upgrade
rows and the explicit order of InstallExecuteSequence. The custom action
that writes agent.toml is run under Node with the very data the MSI's
tables produce (tests/installer/test_msi_config_script.py covers its
escaping on its own).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from installer.windows import identity
from installer.windows.payload import PayloadError, scan
from tests.fixtures.requirements import need_programs
from tests.installer.msi_build import STAND_IN_FILES, make_stand_in, msis, need_msitools, stand_in
from tests.installer.msi_tables import extract, keyed, msiinfo, properties, summary, table

__all__ = ["msis", "stand_in"]  # fixtures, used by name

HOST = Path(__file__).with_name("msi_script_host.js")
SCRIPT = Path(identity.__file__).with_name("machine_config.js")

IN_SCRIPT, NO_IMPERSONATE, SET_PROPERTY, JSCRIPT_BINARY, EXE_PROPERTY = 1024, 2048, 51, 5, 50
SCRIPT_64BIT = 0x1000
MSIDB_64BIT, REGISTRY_KEY_PATH = 256, 4
HKLM = "2"


def sequence(msi: Path, name: str = "InstallExecuteSequence") -> dict[str, tuple[int, str]]:
    return {r["Action"]: (int(r["Sequence"]), r["Condition"]) for r in table(msi, name)}


def test_per_machine_x64_elevated(msis: dict[str, Path]) -> None:
    msi = msis["0.1.0"]
    assert properties(msi)["ALLUSERS"] == "1"
    info = summary(msi)
    assert info["Template"] == "x64;1033"
    source = int(info["Source"].split()[0])
    assert source & 2, "files are compressed into the embedded cabinet"
    assert not source & 8, "word count bit 8 would mark it as needing no elevation"
    assert "#agent.cab" in {r["Cabinet"] for r in table(msi, "Media")}
    # The cabinet survived msibuild's edits after wixl, with every file in it.
    streams = msiinfo("streams", str(msi)).split()
    assert "agent.cab" in streams and "Binary.MachineConfigScript" in streams
    (media,) = table(msi, "Media")
    assert int(media["LastSequence"]) == len(table(msi, "File"))


def test_version_and_codes(msis: dict[str, Path]) -> None:
    old, new, again = (properties(msis[k]) for k in ("0.1.0", "0.2.0", "0.2.0-again"))
    assert (old["ProductVersion"], new["ProductVersion"]) == ("0.1.0", "0.2.0")
    assert old["UpgradeCode"] == new["UpgradeCode"] == identity.braced(identity.UPGRADE_CODE)
    assert old["ProductCode"] != new["ProductCode"]
    assert new["ProductCode"] == identity.braced(identity.product_code("0.2.0"))
    # A rebuild of one version is the same product (no side-by-side copies) but
    # a different package, which Windows Installer tells apart by package code.
    assert again["ProductCode"] == new["ProductCode"]
    package = "Revision number (UUID)"
    assert summary(msis["0.2.0"])[package] != summary(msis["0.2.0-again"])[package]


def _detects(row: dict[str, str], installed: str) -> bool:
    """Windows Installer's reading of one Upgrade row against an installed version."""
    attributes = int(row["Attributes"])
    version = tuple(int(p) for p in installed.split("."))
    low = tuple(int(p) for p in row["VersionMin"].split(".")) if row["VersionMin"] else None
    high = tuple(int(p) for p in row["VersionMax"].split(".")) if row["VersionMax"] else None
    if low is not None and not (version >= low if attributes & 256 else version > low):
        return False
    return high is None or (version <= high if attributes & 512 else version < high)


def test_upgrade_table_replaces_older_and_refuses_downgrade(msis: dict[str, Path]) -> None:
    new_rows = table(msis["0.2.0"], "Upgrade")
    old_rows = table(msis["0.1.0"], "Upgrade")
    code = identity.braced(identity.UPGRADE_CODE)
    assert {r["UpgradeCode"] for r in new_rows + old_rows} == {code}

    # 0.2.0 over 0.1.0: found under WIX_UPGRADE_DETECTED, a row that removes.
    found = [r for r in new_rows if _detects(r, "0.1.0")]
    assert [r["ActionProperty"] for r in found] == ["WIX_UPGRADE_DETECTED"]
    assert not int(found[0]["Attributes"]) & 2, "OnlyDetect would keep the old version"
    # 0.2.0 over itself is not an upgrade of itself.
    assert not [r for r in new_rows if _detects(r, "0.2.0")]
    # 0.1.0 over 0.2.0: detected only, and a launch condition stops it.
    found = [r for r in old_rows if _detects(r, "0.2.0")]
    assert [r["ActionProperty"] for r in found] == ["WIX_DOWNGRADE_DETECTED"]
    assert int(found[0]["Attributes"]) & 2
    assert "NOT WIX_DOWNGRADE_DETECTED" in keyed(msis["0.1.0"], "LaunchCondition", "Condition")
    secure = properties(msis["0.2.0"])["SecureCustomProperties"].split(";")
    assert {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"} <= set(secure)


def test_execute_sequence_is_the_explicit_one(msis: dict[str, Path]) -> None:
    from installer.windows.wxs import EXECUTE_SEQUENCE

    seq = sequence(msis["0.2.0"])
    # Nothing added by wixl's defaults, nothing dropped, numbers as written.
    assert {a: n for a, (n, _) in seq.items()} == {a: n for a, n, _ in EXECUTE_SEQUENCE}
    n = {a: number for a, (number, _) in seq.items()}
    assert n["FindRelatedProducts"] < n["LaunchConditions"] < n["CostInitialize"]
    # The older version goes away whole before anything of this one is installed.
    assert n["InstallValidate"] < n["RemoveExistingProducts"] < n["InstallInitialize"]
    deferred = ("OwnDataFolder", "LockDataFolder", "WriteMachineConfig", "PurgeMachineConfig")
    for action in deferred:
        assert n["InstallInitialize"] < n[action] < n["InstallFinalize"], action
    assert n["CreateFolders"] < n["OwnDataFolder"] < n["LockDataFolder"] < n["WriteMachineConfig"]
    assert n["RemoveFiles"] < n["PurgeMachineConfig"] < n["RemoveFolders"]
    for setter, action in (
        ("SetWriteMachineConfigData", "WriteMachineConfig"),
        ("SetPurgeMachineConfigData", "PurgeMachineConfig"),
        ("SetIcaclsPath", "OwnDataFolder"),
    ):
        assert n["CostFinalize"] < n[setter] < n["InstallInitialize"] <= n[action], setter
    assert seq["WriteMachineConfig"][1] == (
        'COLLECTOR_URL AND ENROLLMENT_TOKEN AND NOT REMOVE~="ALL"'
    )
    assert seq["PurgeMachineConfig"][1] == 'REMOVE~="ALL" AND PURGE AND NOT UPGRADINGPRODUCTCODE'
    assert seq["LockDataFolder"][1] == seq["OwnDataFolder"][1] == 'NOT REMOVE~="ALL"'
    ui = sequence(msis["0.2.0"], "InstallUISequence")
    assert ui["FindRelatedProducts"][0] < ui["LaunchConditions"][0] < ui["ExecuteAction"][0]


def test_custom_action_types(msis: dict[str, Path]) -> None:
    actions = keyed(msis["0.2.0"], "CustomAction", "Action", wide="Target")
    deferred_system = IN_SCRIPT | NO_IMPERSONATE
    for name in ("WriteMachineConfig", "PurgeMachineConfig"):
        row = actions[name]
        # 64-bit script host: this is an x64 package (wixl cannot set the bit; msibuild does)
        assert int(row["Type"]) == JSCRIPT_BINARY | deferred_system | SCRIPT_64BIT, name
        assert (row["Source"], row["Target"]) == ("MachineConfigScript", name)
    for name in ("OwnDataFolder", "LockDataFolder"):
        assert int(actions[name]["Type"]) == EXE_PROPERTY | deferred_system
        assert actions[name]["Source"] == "ICACLS_EXE"
    assert actions["SetIcaclsPath"]["Target"] == "[System64Folder]icacls.exe"
    assert "/setowner *S-1-5-32-544" in actions["OwnDataFolder"]["Target"]
    lock = actions["LockDataFolder"]["Target"]
    assert lock.startswith('"[BACKLIGHTDATADIR]." /inheritance:r /grant:r ')
    # SYSTEM and Administrators full control, Users read: no one else may write.
    assert re.findall(r"\*(S-[\d-]+):\(OI\)\(CI\)(\w+)", lock) == [
        ("S-1-5-18", "F"),
        ("S-1-5-32-544", "F"),
        ("S-1-5-32-545", "RX"),
    ]
    for name in (
        "SetARPINSTALLLOCATION",
        "SetIcaclsPath",
        "SetWriteMachineConfigData",
        "SetPurgeMachineConfigData",
    ):
        assert int(actions[name]["Type"]) == SET_PROPERTY, name  # no stray 0x800
    assert extract(msis["0.2.0"], "Binary.MachineConfigScript") == SCRIPT.read_bytes()


def test_silent_properties_flow_into_agent_toml(msis: dict[str, Path], tmp_path: Path) -> None:
    """Format the MSI's own custom action data as Windows Installer would, run the script."""
    need_programs("node")
    msi = msis["0.2.0"]
    props = properties(msi)
    for name in ("COLLECTOR_URL", "ENROLLMENT_TOKEN", "CA_BUNDLE", "USER_NAME", "PURGE"):
        assert name in props["SecureCustomProperties"].split(";"), name
        assert name not in props, f"{name} must have no default"
    assert {"ENROLLMENT_TOKEN", "WriteMachineConfig"} <= set(
        props["MsiHiddenProperties"].split(";")
    )
    directories = keyed(msi, "Directory", "Directory")
    assert directories["BACKLIGHTDATADIR"]["Directory_Parent"] == "CommonAppDataFolder"
    assert directories["BACKLIGHTDATADIR"]["DefaultDir"] == "Backlight"
    assert keyed(msi, "CreateFolder", "Directory_")["BACKLIGHTDATADIR"]

    setter = keyed(msi, "CustomAction", "Action", wide="Target")["SetWriteMachineConfigData"]
    assert setter["Source"] == "WriteMachineConfig"  # the deferred action's own name
    values = {
        "BACKLIGHTDATADIR": f"{tmp_path}/",
        "COLLECTOR_URL": "https://backlight.example.org",
        "ENROLLMENT_TOKEN": "tok_3f9a-Zq",
        "CA_BUNDLE": r"C:\ProgramData\Backlight\ca.pem",
        "USER_NAME": "{login}@corp.example",
    }
    data = re.sub(r"\[(\w+)\]", lambda m: values.get(m.group(1), ""), setter["Target"])
    script = tmp_path / "script.js"
    script.write_bytes(extract(msi, "Binary.MachineConfigScript"))
    (tmp_path / "data").write_text(data, encoding="utf-8")
    done = subprocess.run(
        ["node", str(HOST), str(script), "WriteMachineConfig", str(tmp_path / "data")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1"  # msiDoActionStatusSuccess
    written = tomllib.loads((tmp_path / "agent.toml").read_text(encoding="ascii"))
    assert written == {
        "collector_url": values["COLLECTOR_URL"],
        "enrollment_token": values["ENROLLMENT_TOKEN"],
        "ca_bundle": values["CA_BUNDLE"],
        "user_name": values["USER_NAME"],
    }


def test_run_key_under_hklm(msis: dict[str, Path]) -> None:
    msi = msis["0.2.0"]
    (row,) = table(msi, "Registry")
    assert row["Root"] == HKLM
    assert row["Key"] == r"Software\Microsoft\Windows\CurrentVersion\Run"
    assert (row["Name"], row["Value"]) == ("Backlight Agent", '"[INSTALLDIR]backlight-agent.exe"')
    component = keyed(msi, "Component", "Component")[row["Component_"]]
    attributes = int(component["Attributes"])
    assert attributes & MSIDB_64BIT, "a 32-bit component would land under WOW6432Node"
    assert attributes & REGISTRY_KEY_PATH and component["KeyPath"] == row["Registry"]


def test_add_remove_programs(msis: dict[str, Path]) -> None:
    props = properties(msis["0.2.0"])
    assert props["ProductName"] == "Backlight Agent"
    assert props["Manufacturer"] == "Backlight"
    assert props["ARPNOMODIFY"] == "1"
    for name in ("ARPCONTACT", "ARPURLINFOABOUT", "ARPHELPLINK", "ARPCOMMENTS"):
        assert props[name], name
    setter = keyed(msis["0.2.0"], "CustomAction", "Action", wide="Target")["SetARPINSTALLLOCATION"]
    assert (setter["Source"], setter["Target"]) == ("ARPINSTALLLOCATION", "[INSTALLDIR]")


def test_every_payload_file_installed_in_place(msis: dict[str, Path]) -> None:
    msi = msis["0.2.0"]
    directories = keyed(msi, "Directory", "Directory")
    components = keyed(msi, "Component", "Component")

    def path_of(directory: str) -> str:
        parts = []
        while directory != "INSTALLDIR":
            row = directories[directory]
            parts.append(row["DefaultDir"])
            directory = row["Directory_Parent"]
        return "/".join(reversed(parts))

    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert directories["INSTALLDIR"]["DefaultDir"] == "Backlight Agent"
    installed = set()
    for f in table(msi, "File"):
        folder = path_of(components[f["Component_"]]["Directory_"])
        installed.add(f"{folder}/{f['FileName']}".lstrip("/"))
        assert components[f["Component_"]]["KeyPath"] == f["File"]
    assert installed == set(STAND_IN_FILES)
    features = {r["Component_"] for r in table(msi, "FeatureComponents")}
    assert features == set(components)


def test_component_guids_stable_across_versions(msis: dict[str, Path]) -> None:
    def guids(msi: Path) -> dict[str, str]:
        return {k: r["ComponentId"] for k, r in keyed(msi, "Component", "Component").items()}

    assert guids(msis["0.1.0"]) == guids(msis["0.2.0"])


def test_launch_conditions(msis: dict[str, Path]) -> None:
    conditions = keyed(msis["0.2.0"], "LaunchCondition", "Condition")
    assert any("COLLECTOR_URL AND ENROLLMENT_TOKEN" in c for c in conditions)
    assert any('COLLECTOR_URL ~<< "https://"' in c for c in conditions)
    assert "VersionNT64" in conditions


@pytest.mark.parametrize("version", ["1.2.3rc1", "1.2", "256.0.0", "1.2.65536"])
def test_version_windows_cannot_compare_is_refused(version: str) -> None:
    with pytest.raises(ValueError, match="MSI versions"):
        identity.msi_version(version)


def test_payload_must_be_a_frozen_agent(tmp_path: Path) -> None:
    with pytest.raises(PayloadError, match="backlight-agent.exe"):
        scan(tmp_path)
    make_stand_in(tmp_path)
    (tmp_path / "_internal" / "QT6CORE.DLL").write_bytes(b"x")  # collides on Windows
    (tmp_path / "_internal" / "qt6core.dll").write_bytes(b"y")
    with pytest.raises(PayloadError, match="same name on Windows"):
        scan(tmp_path)


def _installer(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "installer", "--only", "windows", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )


def test_make_packages_builds_the_msi_only_from_a_frozen_build(
    stand_in: Path, tmp_path: Path
) -> None:
    need_msitools()
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "BACKLIGHT_WINDOWS_FROZEN"}
    env["PYTHONPATH"] = str(root)
    skipped = _installer(["--out", str(tmp_path / "a"), "--version", "1.0.0"], env, root)
    assert skipped.returncode == 0
    assert "BACKLIGHT_WINDOWS_FROZEN" in skipped.stderr and "freeze.ps1" in skipped.stderr
    assert not list((tmp_path / "a").glob("*.msi"))
    required = _installer(["--out", str(tmp_path / "b"), "--require", "windows"], env, root)
    assert required.returncode == 1

    env["BACKLIGHT_WINDOWS_FROZEN"] = str(stand_in)
    built = _installer(["--out", str(tmp_path / "c"), "--version", "1.0.0"], env, root)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "c" / "Backlight-Agent-1.0.0-x64.msi").is_file()
    assert properties(tmp_path / "c" / "Backlight-Agent-1.0.0-x64.msi")["ProductVersion"] == "1.0.0"


def test_cabinet_holds_the_payload_bytes(
    msis: dict[str, Path], stand_in: Path, tmp_path: Path
) -> None:
    need_programs("msiextract")
    subprocess.run(
        ["msiextract", "-C", str(tmp_path), str(msis["0.2.0"])], check=True, capture_output=True
    )
    installed = tmp_path / "Backlight Agent"
    for name in STAND_IN_FILES:
        assert (installed / name).read_bytes() == (stand_in / name).read_bytes(), name
