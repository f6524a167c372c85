"""The Linux package: ``backlight-agent_VERSION_ARCH.deb``, built with dpkg-deb.

What it installs:

* ``/opt/backlight/venv``: a private Python environment on Debian's own
  interpreter, with the agent and its wheels (see ``payload`` for why not
  Debian's Python packages), PySide6 trimmed to what the tray loads
  (``qt_trim``);
* ``/usr/bin/backlight-agent``: the launcher;
* ``/etc/xdg/autostart/backlight-agent.desktop``: the agent starts in every
  user's graphical session;
* maintainer scripts (``files/``): postinst writes ``/etc/backlight/agent.toml``
  from ``BACKLIGHT_COLLECTOR_URL``, ``BACKLIGHT_ENROLLMENT_TOKEN`` and
  ``BACKLIGHT_CA_BUNDLE``; prerm stops running agents on removal; postrm
  purge removes ``/etc/backlight``.

The machine config is not a dpkg conffile because the package does not ship
it (it is made from the install's parameters); postinst gives it the same
life: kept on upgrade, never replaced by an install without parameters.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

from installer import BuildToolMissing
from installer.linux import payload, qt_trim

PACKAGE = "backlight-agent"
FILES = Path(__file__).parent / "files"
BUILD = payload.ROOT / "build" / "linux"
#: xz, which every Debian tool and repository manager reads (zstd is refused by lintian
#: and older tools), at level 1: ~35 s on a busy 2-core machine for 117 MB, where
#: level 6 takes minutes for a package only a few percent smaller.
COMPRESSION = ("-Zxz", "-z1")
MAINTAINER = "Backlight maintainers <backlight@example.org>"


def build(version: str, out: Path) -> list[Path]:
    for tool in ("dpkg-deb", "dpkg", "ldd"):
        if shutil.which(tool) is None:
            raise BuildToolMissing(f"{tool} (Debian's dpkg / libc-bin)")
    payload.target_python()
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    stage = BUILD / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    requirements = payload.agent_requirements()
    payload.ensure_wheels(BUILD / "wheels", requirements)
    wheel = payload.project_wheel(BUILD)
    site = payload.make_venv(stage, BUILD / "wheels", requirements, wheel)
    qt_trim.trim(site)
    smoke_test(stage)
    payload.byte_compile(stage)
    depends = [f"python3.{sys.version_info.minor}", *qt_trim.system_depends(site)]
    place_files(stage)
    write_changelog(stage, version)
    normalise_modes(stage)
    write_control(stage, version, arch, depends)
    deb = out / f"{PACKAGE}_{version}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", *COMPRESSION, "--build", str(stage), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return [deb]


def smoke_test(stage: Path) -> None:
    """The trimmed venv still starts the CLI and loads the tray's Qt modules."""
    python = stage / payload.VENV.lstrip("/") / "bin" / "python"
    code = (
        "import agent.cli, agent.service, agent.tray.app\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
    )
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(stage)}
    out = subprocess.run(
        [str(python), "-I", "-B", "-c", code], capture_output=True, text=True, env=env
    )
    if out.returncode != 0:
        raise RuntimeError(f"the packaged agent does not start:\n{out.stderr[-3000:]}")


def place_files(stage: Path) -> None:
    def put(name: str, dest: str, mode: int) -> None:
        target = stage / dest.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FILES / name, target)
        target.chmod(mode)

    put("backlight-agent", "/usr/bin/backlight-agent", 0o755)
    put("backlight-agent.desktop", "/etc/xdg/autostart/backlight-agent.desktop", 0o644)
    put("copyright", f"/usr/share/doc/{PACKAGE}/copyright", 0o644)
    for script in ("postinst", "prerm", "postrm"):
        put(script, f"/DEBIAN/{script}", 0o755)
    # /etc/xdg/autostart is a conffile: an admin's edit survives upgrades.
    (stage / "DEBIAN" / "conffiles").write_text("/etc/xdg/autostart/backlight-agent.desktop\n")


def write_changelog(stage: Path, version: str) -> None:
    when = formatdate(float(os.environ.get("SOURCE_DATE_EPOCH", time.time())))
    text = (
        f"{PACKAGE} ({version}) stable; urgency=medium\n\n"
        f"  * Release {version}; the project's git history has the details.\n\n"
        f" -- {MAINTAINER}  {when}\n"
    )
    changelog = stage / "usr" / "share" / "doc" / PACKAGE / "changelog.gz"
    with gzip.GzipFile(changelog, "wb", mtime=0) as f:
        f.write(text.encode())


def normalise_modes(stage: Path) -> None:
    """Readable by all, writable by root only, whatever the builder's umask."""
    for dirpath, _dirs, filenames in os.walk(stage):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_symlink():
                continue
            exe = p.stat().st_mode & 0o111 and ".so" not in p.name  # libraries are not run
            p.chmod(0o755 if exe else 0o644)


def write_control(stage: Path, version: str, arch: str, depends: list[str]) -> None:
    size_kb = 0
    sums = []
    for p in sorted(stage.rglob("*")):
        rel = p.relative_to(stage)
        if rel.parts[0] == "DEBIAN" or p.is_symlink() or not p.is_file():
            continue
        size_kb += (p.stat().st_size + 1023) // 1024
        sums.append(f"{hashlib.md5(p.read_bytes()).hexdigest()}  {rel}\n")
    (stage / "DEBIAN" / "md5sums").write_text("".join(sums))
    (stage / "DEBIAN" / "md5sums").chmod(0o644)
    control = f"""\
Package: {PACKAGE}
Version: {version}
Architecture: {arch}
Maintainer: {MAINTAINER}
Installed-Size: {size_kb}
Depends: {", ".join(depends)}
Section: utils
Priority: optional
Homepage: https://backlight.invalid/
Description: Backlight workstation agent (tray and headless)
 Turns foreground-application time into time per back-office function and
 uploads it to a Backlight collector, after the employee's consent. Nothing
 is tracked before consent; window titles and URLs never leave the machine.
 .
 Silent install: BACKLIGHT_COLLECTOR_URL, BACKLIGHT_ENROLLMENT_TOKEN and
 optionally BACKLIGHT_CA_BUNDLE in the environment write
 /etc/backlight/agent.toml, from which every user's agent enrolls itself.
"""
    (stage / "DEBIAN" / "control").write_text(control)
    (stage / "DEBIAN" / "control").chmod(0o644)
