"""PySide6 cut down to what the tray uses, and the Debian libraries it needs.

The wheel carries all of Qt Essentials (~250 MB installed: QML, Quick,
Designer, tools, stubs). The tray imports QtCore, QtGui, QtWidgets and
QtNetwork; keeping those modules, a short list of plugins (X11, Wayland,
offscreen, input methods, SVG and common image formats) and the Qt
libraries they load (found with ``ldd``) roughly thirds the package.

``ldd`` also names the system libraries outside the wheel; ``dpkg -S`` turns
them into the package's ``Depends:``, so the list is what the binaries really
link against rather than a list kept by hand.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from installer import BuildToolMissing

KEEP_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtNetwork")
KEEP_PLUGINS = (
    "platforms/libqxcb.so",
    "platforms/libqwayland.so",
    "platforms/libqoffscreen.so",
    "platforms/libqminimal.so",
    "platformthemes/libqxdgdesktopportal.so",
    "xcbglintegrations/*.so",
    "wayland-shell-integration/*.so",
    "wayland-decoration-client/*.so",
    "wayland-graphics-integration-client/*.so",
    "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
    "platforminputcontexts/libibusplatforminputcontextplugin.so",
    "iconengines/libqsvgicon.so",
    "imageformats/libqsvg.so",
    "imageformats/libqico.so",
    "imageformats/libqgif.so",
    "imageformats/libqjpeg.so",
)
#: Beside the modules: the tools, headers and type stubs a program never loads.
DROP = ("Qt/qml", "Qt/metatypes", "Qt/libexec", "include", "typesystems", "glue", "doc", "scripts")
TOOLS = ("assistant", "designer", "linguist", "lrelease", "lupdate", "qmlformat", "qmllint",
         "qmlls", "svgtoqml")  # fmt: skip


def trim(site: Path) -> None:
    pyside = site / "PySide6"
    qt = pyside / "Qt"
    for rel in DROP:
        shutil.rmtree(pyside / rel, ignore_errors=True)
    for name in TOOLS:
        (pyside / name).unlink(missing_ok=True)
    for f in pyside.glob("*.pyi"):
        f.unlink()
    for f in pyside.glob("Qt*.abi3.so"):
        if f.name.split(".")[0] not in KEEP_MODULES:
            f.unlink()
    (pyside / "libpyside6qml.abi3.so.6").unlink(missing_ok=True)
    for f in pyside.glob("libpyside6qml*"):
        f.unlink()
    kept_plugins = {p for pattern in KEEP_PLUGINS for p in (qt / "plugins").glob(pattern)}
    for f in (qt / "plugins").rglob("*.so"):
        if f not in kept_plugins:
            f.unlink()
    for d in sorted((qt / "plugins").iterdir()):
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
    translations = qt / "translations"
    if translations.is_dir():
        for f in translations.iterdir():
            if not f.name.startswith("qtbase_"):
                f.unlink() if f.is_file() else shutil.rmtree(f)
    needed = set()  # ldd is transitive: what the kept modules and plugins load, at any depth
    for binary in binaries(site):
        if not binary.is_relative_to(qt / "lib"):
            needed |= {p for p in linked(binary) if p.is_relative_to(qt / "lib")}
    needed_names = {p.name for p in needed}
    for f in (qt / "lib").iterdir():
        if f.is_file() and f.name.startswith("libQt6") and f.name not in needed_names:
            f.unlink()


def binaries(site: Path) -> list[Path]:
    """Every shared object the venv still holds (Python extensions, plugins, Qt)."""
    return sorted(p for p in site.rglob("*.so*") if p.is_file() and not p.is_symlink())


def linked(binary: Path) -> set[Path]:
    """What ``binary`` loads, resolved by the dynamic linker (transitively)."""
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    found: set[Path] = set()
    for line in out.stdout.splitlines():
        if "not found" in line:
            lib = line.split()[0]
            raise BuildToolMissing(
                f"{lib}, which {binary.name} links against: install it to build "
                "(scripts/system-deps.sh lists Qt's libraries)"
            )
        m = re.search(r"=> (/\S+)", line)
        if m:  # "$ORIGIN/../lib" comes out as written: normalise, and keep both names
            found.add(Path(os.path.normpath(m.group(1))))
            found.add(Path(os.path.realpath(m.group(1))))
    return found


def system_depends(site: Path) -> list[str]:
    """The Debian packages holding every library the venv links to outside itself."""
    libs: set[Path] = set()
    for binary in binaries(site):
        libs |= {p for p in linked(binary) if not p.is_relative_to(site)}
    names = {lib: _dpkg_names(lib) for lib in libs}
    query = sorted({n for ns in names.values() for n in ns})
    out = subprocess.run(["dpkg", "-S", *query], capture_output=True, text=True)
    owners: dict[str, str] = {}
    for line in out.stdout.splitlines():
        pkgs, _, path = line.partition(": ")
        if path:
            owners[path.strip()] = pkgs.split(",")[0].split(":")[0].strip()
    packages: set[str] = set()
    for lib, ns in sorted(names.items()):
        owner = next((owners[n] for n in ns if n in owners), None)
        if owner is None:
            raise BuildToolMissing(f"no Debian package owns {lib}: cannot name the dependency")
        packages.add(owner)
    return sorted(packages)


def _dpkg_names(path: Path) -> list[str]:
    """The names dpkg may know a library by (merged /usr, symlinked sonames)."""
    out = []
    for p in (path, path.resolve()):
        s = str(p)
        out.append(s)
        if s.startswith("/usr/lib/"):
            out.append(s.removeprefix("/usr"))
        elif s.startswith("/lib/"):
            out.append("/usr" + s)
    return out
