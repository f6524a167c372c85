"""The MSI installed, upgraded and removed for real, by Wine's Windows Installer.

Wine is not Windows: its msi.dll and jscript.dll are reimplementations,
icacls does not set real rights and there is no Restart Manager. But it
runs the same tables the same way Windows Installer documents them, so this
is where the sequence, the upgrade rows, the launch conditions, the JScript
custom action and PURGE are seen working end to end: exit codes 0 and 1603,
files, the HKLM Run value, the Add/Remove Programs entry, agent.toml kept
on upgrade and removed only on request.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from installer.windows import identity
from tests.fixtures.requirements import missing
from tests.installer.msi_build import msis, stand_in

__all__ = ["msis", "stand_in"]  # fixtures, used by name

pytestmark = pytest.mark.slow

RUN_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Run"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"
URL = "https://backlight.example.org"
TOKEN = "tok_Zq9-3f"
CA = r"C:\ProgramData\Backlight\ca.pem"
SUCCESS, FATAL = 0, 1603 & 0xFF  # ERROR_SUCCESS, ERROR_INSTALL_FAILURE as Linux sees them


def _wine_binary() -> str:
    for candidate in (shutil.which("wine64"), shutil.which("wine"), "/usr/lib/wine/wine64"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    missing("wine64 (Debian package wine64)")
    raise AssertionError("unreachable")


class Wine:
    def __init__(self, prefix: Path) -> None:
        self.binary = _wine_binary()
        self.prefix = prefix
        self.env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        self.env.update(
            WINEPREFIX=str(prefix), WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml="
        )
        self.env["PATH"] = f"{Path(self.binary).parent}:{self.env.get('PATH', '')}"

    def run(self, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.binary, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def settle(self) -> None:
        # The registry reaches the prefix's files when wineserver is idle.
        server = Path(self.binary).with_name("wineserver")
        subprocess.run(
            [str(server) if server.exists() else "wineserver", "-w"],
            env=self.env,
            timeout=120,
            check=False,
        )

    def drive_c(self, path: str) -> Path:
        return self.prefix / "drive_c" / path

    def msiexec(self, msi: Path, *args: str) -> int:
        """msiexec's exit code; a Linux process keeps only its low byte (1603 -> 67)."""
        target = self.drive_c(msi.name)
        shutil.copy(msi, target)
        done = self.run("msiexec", *args[:1], f"C:\\{msi.name}", "/qn", *args[1:])
        self.settle()
        return done.returncode

    def reg_value(self, key: str, name: str) -> str | None:
        done = self.run("reg", "query", key, "/v", name)
        for line in done.stdout.splitlines():
            parts = line.strip().split("    ")
            if len(parts) >= 3 and parts[0] == name:
                return parts[2].strip()
        return None


@pytest.fixture(scope="module")
def wine(tmp_path_factory: pytest.TempPathFactory) -> Wine:
    w = Wine(tmp_path_factory.mktemp("wineprefix"))
    done = w.run("wineboot", "--init", timeout=300)
    w.settle()
    assert w.drive_c("windows").is_dir(), done.stderr[-2000:]
    return w


def _config(wine: Wine) -> dict:
    return tomllib.loads(wine.drive_c("ProgramData/Backlight/agent.toml").read_text("ascii"))


def _arp(wine: Wine, version: str, name: str) -> str | None:
    code = identity.braced(identity.product_code(version))
    return wine.reg_value(f"{UNINSTALL_KEY}\\{code}", name)


def test_install_upgrade_uninstall_purge(wine: Wine, msis: dict[str, Path]) -> None:
    program = wine.drive_c("Program Files/Backlight Agent")
    data = wine.drive_c("ProgramData/Backlight")

    # Half a configuration is refused before anything is installed.
    assert wine.msiexec(msis["0.1.0"], "/i", f"COLLECTOR_URL={URL}") == FATAL
    assert not program.exists()
    assert (
        wine.msiexec(msis["0.1.0"], "/i", "COLLECTOR_URL=ftp://x", f"ENROLLMENT_TOKEN={TOKEN}")
        == FATAL
    )

    assert (
        wine.msiexec(
            msis["0.1.0"],
            "/i",
            f"COLLECTOR_URL={URL}",
            f"ENROLLMENT_TOKEN={TOKEN}",
            f"CA_BUNDLE={CA}",
            "USER_NAME={login}@corp.example",
        )
        == SUCCESS
    )
    assert (program / "backlight-agent.exe").is_file()
    assert (program / "_internal/PySide6/plugins/platforms/qwindows.dll").is_file()
    assert _config(wine) == {
        "collector_url": URL,
        "enrollment_token": TOKEN,
        "ca_bundle": CA,
        "user_name": "{login}@corp.example",
    }
    run_value = wine.reg_value(RUN_KEY, "Backlight Agent")
    assert run_value == '"C:\\Program Files\\Backlight Agent\\backlight-agent.exe"'
    assert _arp(wine, "0.1.0", "DisplayName") == "Backlight Agent"
    assert _arp(wine, "0.1.0", "DisplayVersion") == "0.1.0"
    assert _arp(wine, "0.1.0", "InstallLocation") == "C:\\Program Files\\Backlight Agent\\"
    assert _arp(wine, "0.1.0", "NoModify") == "0x1"

    # Upgrade without properties: the old product is gone, the config kept.
    before = data.joinpath("agent.toml").read_bytes()
    assert wine.msiexec(msis["0.2.0"], "/i") == SUCCESS
    assert _arp(wine, "0.1.0", "DisplayName") is None
    assert _arp(wine, "0.2.0", "DisplayVersion") == "0.2.0"
    assert (program / "backlight-agent.exe").is_file()
    assert data.joinpath("agent.toml").read_bytes() == before
    assert wine.reg_value(RUN_KEY, "Backlight Agent") == run_value

    # An older MSI does not go over a newer one.
    assert (
        wine.msiexec(msis["0.1.0"], "/i", f"COLLECTOR_URL={URL}", f"ENROLLMENT_TOKEN={TOKEN}")
        == FATAL
    )
    assert _arp(wine, "0.2.0", "DisplayVersion") == "0.2.0"

    # Running it again with new values rewrites the config (token rotation).
    assert (
        wine.msiexec(msis["0.2.0"], "/i", f"COLLECTOR_URL={URL}", "ENROLLMENT_TOKEN=tok_new")
        == SUCCESS
    )
    assert _config(wine)["enrollment_token"] == "tok_new"

    # Uninstall: program and autostart go, the machine config stays.
    assert wine.msiexec(msis["0.2.0"], "/x") == SUCCESS
    assert not (program / "backlight-agent.exe").exists()
    assert wine.reg_value(RUN_KEY, "Backlight Agent") is None
    assert _arp(wine, "0.2.0", "DisplayName") is None
    assert _config(wine)["enrollment_token"] == "tok_new"

    # Reinstalled with nothing passed, it uses the kept config; PURGE=1 removes it.
    assert wine.msiexec(msis["0.2.0"], "/i") == SUCCESS
    assert _config(wine)["enrollment_token"] == "tok_new"
    assert wine.msiexec(msis["0.2.0"], "/x", "PURGE=1") == SUCCESS
    assert not data.joinpath("agent.toml").exists()
    assert not data.exists(), "the empty folder goes too"
