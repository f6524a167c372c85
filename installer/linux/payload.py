"""The agent's private environment under /opt/backlight, built from wheels.

Why a private venv and not Debian's packages: bookworm has no PySide6 at all
(only PySide2) and its pydantic is 1.10 where the agent needs 2.x, so
``Depends:`` on Debian's Python modules cannot work. The venv uses Debian's
own interpreter (``/usr/bin/python3.X``, the same minor version as the build's),
so the package depends on ``python3.X`` and on the system libraries Qt links
against, and on nothing outside Debian's repositories.

The wheels are fetched once with pip into ``build/linux/wheels`` (PyPI at
build time, never on the workstation); later builds install from that folder
without the network, which keeps CI's two builds (install, then upgrade)
quick.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from installer import BuildToolMissing

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/opt/backlight"
VENV = f"{PREFIX}/venv"
#: Distributions only the collector needs: left out of the workstation package.
COLLECTOR_ONLY = {"flask", "sqlite-utils", "waitress", "argon2-cffi"}
#: Our packages the agent does not run (the collector, the installers).
NOT_SHIPPED = ("collector", "installer")


def target_python() -> Path:
    """Debian's interpreter: the one the workstation will run the venv with."""
    path = Path(f"/usr/bin/python3.{sys.version_info.minor}")
    if not path.exists():
        raise BuildToolMissing(
            f"{path} (Debian's python3.{sys.version_info.minor}): the .deb's venv is built on it"
        )
    return path


def agent_requirements() -> list[str]:
    """The project's dependencies less the collector's (one list, in pyproject.toml)."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    name = re.compile(r"^[A-Za-z0-9._-]+")
    return [d for d in deps if name.match(d).group(0).lower() not in COLLECTOR_ONLY]


def project_wheel(work: Path) -> Path:
    out = work / "project-wheel"
    shutil.rmtree(out, ignore_errors=True)
    _pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT))
    (wheel,) = out.glob("backlight-*.whl")
    return wheel


def ensure_wheels(cache: Path, requirements: list[str]) -> None:
    """Every dependency as a wheel in ``cache``; the network only when one is missing."""
    cache.mkdir(parents=True, exist_ok=True)
    probe = [
        "download", "--quiet", "--no-index", "--find-links", str(cache),
        "--dest", str(cache / ".probe"), "--only-binary", ":all:", *requirements,
    ]  # fmt: skip
    if subprocess.run(_pip_cmd(*probe), capture_output=True).returncode == 0:
        shutil.rmtree(cache / ".probe", ignore_errors=True)
        return
    python = str(target_python())
    _pip("--python", python, "wheel", "--quiet", "--wheel-dir", str(cache),
         "--find-links", str(cache), *requirements)  # fmt: skip
    # A dependency with no wheel on PyPI (evdev) was compiled here, perhaps long ago
    # by another interpreter (pip's cache does not tell them apart): compile it
    # again, uncached, by Debian's, against the headers of the Python that loads it.
    for built in cache.glob("*-linux_*.whl"):
        name, version = built.name.split("-")[:2]
        built.unlink()
        _pip("--python", python, "wheel", "--quiet", "--no-cache-dir", "--no-deps",
             "--wheel-dir", str(cache), f"{name}=={version}")  # fmt: skip


def make_venv(stage: Path, cache: Path, requirements: list[str], wheel: Path) -> Path:
    """The venv at ``stage/opt/backlight/venv``, working in place and once installed."""
    venv = stage / VENV.lstrip("/")
    python = target_python()
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(venv)], check=True)
    install = [
        "--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-index",
        "--find-links", str(cache), "--no-compile", "--no-warn-script-location",
    ]  # fmt: skip
    _pip(*install, *requirements)
    _pip(*install, "--no-deps", str(wheel))  # its collector dependencies stay out
    site = next((venv / "lib").glob("python3.*/site-packages"))
    for name in NOT_SHIPPED:
        shutil.rmtree(site / name, ignore_errors=True)
    # Scripts pip wrote point at the staging path; /usr/bin/backlight-agent is ours.
    for f in (venv / "bin").iterdir():
        if not f.name.startswith("python"):
            f.unlink()
    cfg = venv / "pyvenv.cfg"
    lines = [ln for ln in cfg.read_text().splitlines() if not ln.startswith("command")]
    cfg.write_text("\n".join(lines) + "\n")
    return site


def byte_compile(stage: Path) -> None:
    """.pyc files with the installed paths in them: users cannot write to /opt."""
    venv = stage / VENV.lstrip("/")
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0",
         "-s", str(stage), "-p", "/", str(venv / "lib")],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _pip_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]


def _pip(*args: str) -> None:
    out = subprocess.run(_pip_cmd(*args), capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"pip {' '.join(args[:2])} failed:\n{out.stderr[-3000:]}")
