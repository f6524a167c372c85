"""The WiX source for the agent's MSI, written for what wixl really implements.

wixl (msitools) reads a subset of WiX 3 and orders actions by its own
defaults, which are not always Windows Installer's. So every action of
InstallExecuteSequence gets an explicit number here, and the tests read the
built MSI back with ``msiinfo`` to check the order that was written.

How the silent properties become ``%ProgramData%\\Backlight\\agent.toml``:
Windows Installer has no action that writes a file from property values in
any format but INI, and an INI section (``[Backlight]``) would nest every key
in a TOML table. So a JScript custom action (Windows Installer hosts JScript
itself: no PowerShell, no extra program) runs deferred as LocalSystem and
writes the four keys as escaped TOML strings, in pure ASCII so no byte-order
mark or code page is involved. Two ``icacls`` custom actions first give the
folder to Administrators and make it writable only by SYSTEM and
Administrators (readable by Users: each user's agent reads it), because
ProgramData lets every user create files in new sub-folders.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from installer.windows.identity import (
    GUI_EXE,
    MANUFACTURER,
    PRODUCT_NAME,
    RUN_KEY,
    RUN_VALUE_NAME,
    UPGRADE_CODE,
    braced,
    msi_version,
    product_code,
    stable_guid,
)
from installer.windows.payload import PayloadDirectory

WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"

# The public properties an admin passes to msiexec, and the TOML key each fills.
MACHINE_CONFIG_PROPERTIES = {
    "COLLECTOR_URL": "collector_url",
    "ENROLLMENT_TOKEN": "enrollment_token",
    "CA_BUNDLE": "ca_bundle",
    "USER_NAME": "user_name",
}
# PURGE=1 on uninstall also deletes agent.toml.
SECURE_PROPERTIES = (*MACHINE_CONFIG_PROPERTIES, "PURGE")
# Kept out of the msiexec log (/L*v): the token, and the custom action data carrying it.
HIDDEN_PROPERTIES = ("ENROLLMENT_TOKEN", "WriteMachineConfig")

CONFIG_GIVEN = "COLLECTOR_URL AND ENROLLMENT_TOKEN"
INSTALLING = 'NOT REMOVE~="ALL"'
PURGING = 'REMOVE~="ALL" AND PURGE AND NOT UPGRADINGPRODUCTCODE'

# Five fields (folder, then the four properties), tab-separated: the tab
# cannot come from an msiexec command line by accident, and the script
# refuses data with any other number of fields.
WRITE_CONFIG_DATA = "\t".join(
    ["[BACKLIGHTDATADIR]"] + [f"[{p}]" for p in MACHINE_CONFIG_PROPERTIES]
)

# icacls: owner Administrators; full control SYSTEM and Administrators; read Users.
ICACLS_OWNER = '"[BACKLIGHTDATADIR]." /setowner *S-1-5-32-544 /T /Q'
ICACLS_GRANT = (
    '"[BACKLIGHTDATADIR]." /inheritance:r'
    " /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX /T /Q"
)

# (action, sequence, condition): the whole InstallExecuteSequence, in order.
# RemoveExistingProducts right after InstallValidate: the older version is
# uninstalled completely before this one installs, so no component-rule slip
# between versions can leave a file behind or delete a new one.
EXECUTE_SEQUENCE: list[tuple[str, int, str | None]] = [
    ("FindRelatedProducts", 25, None),
    ("LaunchConditions", 100, None),
    ("ValidateProductID", 700, None),
    ("CostInitialize", 800, None),
    ("FileCost", 900, None),
    ("CostFinalize", 1000, None),
    ("SetARPINSTALLLOCATION", 1001, None),
    ("SetIcaclsPath", 1002, None),
    ("SetWriteMachineConfigData", 1003, None),
    ("SetPurgeMachineConfigData", 1004, None),
    ("MigrateFeatureStates", 1200, None),
    ("InstallValidate", 1400, None),
    ("RemoveExistingProducts", 1401, None),
    ("InstallInitialize", 1500, None),
    ("ProcessComponents", 1600, None),
    ("UnpublishFeatures", 1800, None),
    ("RemoveRegistryValues", 2600, None),
    ("RemoveFiles", 3500, None),
    ("PurgeMachineConfig", 3510, PURGING),
    ("RemoveFolders", 3600, None),
    ("CreateFolders", 3700, None),
    ("OwnDataFolder", 3710, INSTALLING),
    ("LockDataFolder", 3720, INSTALLING),
    ("InstallFiles", 4000, None),
    ("WriteRegistryValues", 5000, None),
    ("RegisterUser", 6000, None),
    ("RegisterProduct", 6100, None),
    ("PublishFeatures", 6300, None),
    ("PublishProduct", 6400, None),
    ("WriteMachineConfig", 6510, f"{CONFIG_GIVEN} AND {INSTALLING}"),
    ("InstallFinalize", 6600, None),
]

LAUNCH_CONDITIONS = [
    (
        "Installed OR REMOVE OR (NOT COLLECTOR_URL AND NOT ENROLLMENT_TOKEN)"
        " OR (COLLECTOR_URL AND ENROLLMENT_TOKEN)",
        "COLLECTOR_URL and ENROLLMENT_TOKEN go together: pass both, or neither"
        " (then place agent.toml yourself).",
    ),
    (
        'Installed OR REMOVE OR NOT COLLECTOR_URL OR COLLECTOR_URL ~<< "https://"'
        ' OR COLLECTOR_URL ~<< "http://"',
        "COLLECTOR_URL must start with https:// (or http:// on a test network).",
    ),
    ("VersionNT64", "The Backlight Agent needs 64-bit Windows."),
]

ARP_PROPERTIES = {
    "ARPNOMODIFY": "1",
    "ARPCOMMENTS": "Shows each employee where their working time goes; consent first.",
    "ARPCONTACT": "Your IT department",
    "ARPURLINFOABOUT": "https://backlight.example.org",
    "ARPHELPLINK": "https://backlight.example.org/docs/deploy",
}


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def render(version: str, payload: PayloadDirectory) -> str:
    """The .wxs text for one version of the agent built from one payload folder.

    wixl looks sources up relative to its working directory only, so file
    sources are ``payload/<path>`` and the script is ``machine_config.js``:
    ``installer.windows.msi`` lays that directory out.
    """
    ET.register_namespace("", WIX_NS)
    wix = ET.Element("Wix", xmlns=WIX_NS)
    product = _el(
        wix,
        "Product",
        Id=braced(product_code(version)),
        Name=PRODUCT_NAME,
        Language="1033",
        Codepage="1252",
        Version=msi_version(version),
        Manufacturer=MANUFACTURER,
        UpgradeCode=braced(UPGRADE_CODE),
    )
    _el(
        product,
        "Package",
        InstallerVersion="500",
        Compressed="yes",
        InstallScope="perMachine",
        Description=f"{PRODUCT_NAME} {msi_version(version)}",
        Comments="Per-machine install; silent parameters COLLECTOR_URL, ENROLLMENT_TOKEN,"
        " CA_BUNDLE, USER_NAME; PURGE=1 on uninstall removes agent.toml.",
    )
    _el(product, "Media", Id="1", Cabinet="agent.cab", EmbedCab="yes")
    _el(
        product,
        "MajorUpgrade",
        DowngradeErrorMessage="A newer Backlight Agent is already installed.",
    )
    for name, value in ARP_PROPERTIES.items():
        _el(product, "Property", Id=name, Value=value)
    _el(product, "Property", Id="MsiHiddenProperties", Value=";".join(HIDDEN_PROPERTIES))
    for condition, message in LAUNCH_CONDITIONS:
        _el(product, "Condition", condition, Message=message)

    _directories(product, payload)
    _custom_actions(product)

    feature = _el(product, "Feature", Id="Agent", Title=PRODUCT_NAME, Level="1")
    for f in payload.walk_files():
        _el(feature, "ComponentRef", Id=f.component_id)
    for component in ("cmp_run_key", "cmp_data_folder"):
        _el(feature, "ComponentRef", Id=component)

    sequence = _el(product, "InstallExecuteSequence")
    for action, number, condition in EXECUTE_SEQUENCE:
        if action in _CUSTOM_ACTION_IDS:
            _el(sequence, "Custom", condition, Action=action, Sequence=str(number))
        else:
            _el(sequence, action, condition, Sequence=str(number))

    ET.indent(wix)
    return ET.tostring(wix, encoding="unicode", xml_declaration=True) + "\n"


def _directories(product: ET.Element, payload: PayloadDirectory) -> None:
    target = _el(product, "Directory", Id="TARGETDIR", Name="SourceDir")
    programs = _el(target, "Directory", Id="ProgramFiles64Folder")
    install = _el(programs, "Directory", Id="INSTALLDIR", Name=PRODUCT_NAME)
    _payload_tree(install, payload)

    run = _el(install, "Component", Id="cmp_run_key", Guid=_guid("run key"), Win64="yes")
    _el(
        run,
        "RegistryValue",
        Root="HKLM",
        Key=RUN_KEY,
        Name=RUN_VALUE_NAME,
        Type="string",
        Value=f'"[INSTALLDIR]{GUI_EXE}"',
        KeyPath="yes",
    )

    appdata = _el(target, "Directory", Id="CommonAppDataFolder")
    data = _el(appdata, "Directory", Id="BACKLIGHTDATADIR", Name="Backlight")
    folder = _el(data, "Component", Id="cmp_data_folder", Guid=_guid("data folder"), Win64="yes")
    _el(folder, "CreateFolder")


def _payload_tree(parent: ET.Element, node: PayloadDirectory) -> None:
    for f in node.files:
        component = _el(parent, "Component", Id=f.component_id, Guid=f.guid, Win64="yes")
        _el(
            component,
            "File",
            Id=f.file_id,
            Name=f.relative.name,
            Source=f"payload/{f.relative}",
            KeyPath="yes",
        )
    for child in node.children:
        directory = _el(parent, "Directory", Id=child.directory_id, Name=child.relative.name)
        _payload_tree(directory, child)


def _guid(name: str) -> str:
    return str(stable_guid("component", name)).upper()


_CUSTOM_ACTION_IDS = {
    "SetARPINSTALLLOCATION",
    "SetIcaclsPath",
    "SetWriteMachineConfigData",
    "SetPurgeMachineConfigData",
    "OwnDataFolder",
    "LockDataFolder",
    "WriteMachineConfig",
    "PurgeMachineConfig",
}


def _custom_actions(product: ET.Element) -> None:
    _el(product, "Binary", Id="MachineConfigScript", SourceFile="machine_config.js")
    # Immediate type-51 actions: a deferred action sees only its own
    # CustomActionData, so its inputs are set beforehand under its name.
    # Impersonate="yes" keeps wixl from adding NoImpersonate (0x800), a flag
    # Windows Installer defines for deferred actions only.
    _el(
        product,
        "CustomAction",
        Id="SetARPINSTALLLOCATION",
        Property="ARPINSTALLLOCATION",
        Value="[INSTALLDIR]",
        Impersonate="yes",
    )
    _el(
        product,
        "CustomAction",
        Id="SetIcaclsPath",
        Property="ICACLS_EXE",
        Value="[System64Folder]icacls.exe",
        Impersonate="yes",
    )
    _el(
        product,
        "CustomAction",
        Id="SetWriteMachineConfigData",
        Property="WriteMachineConfig",
        Value=WRITE_CONFIG_DATA,
        Impersonate="yes",
    )
    _el(
        product,
        "CustomAction",
        Id="SetPurgeMachineConfigData",
        Property="PurgeMachineConfig",
        Value="[BACKLIGHTDATADIR]",
        Impersonate="yes",
    )
    for action, command in (("OwnDataFolder", ICACLS_OWNER), ("LockDataFolder", ICACLS_GRANT)):
        _el(
            product,
            "CustomAction",
            Id=action,
            Property="ICACLS_EXE",
            ExeCommand=command,
            Execute="deferred",
            Impersonate="no",
            Return="check",
        )
    for action in ("WriteMachineConfig", "PurgeMachineConfig"):
        _el(
            product,
            "CustomAction",
            Id=action,
            BinaryKey="MachineConfigScript",
            JScriptCall=action,
            Execute="deferred",
            Impersonate="no",
            Return="check",
        )
