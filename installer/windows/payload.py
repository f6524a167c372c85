"""The frozen agent's folder as Windows Installer sees it: directories, components, files.

The PyInstaller output changes with every dependency bump (hundreds of files
under ``_internal``), so the WiX source is generated from the folder rather
than written by hand. One component per file, keyed by that file, with a
GUID derived from the file's path: the plain component rules, which keep
repairs and upgrades predictable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from installer.windows.identity import GUI_EXE, stable_guid


class PayloadError(ValueError):
    """The folder is not a frozen agent build; the message says what is wrong."""


@dataclass(frozen=True)
class PayloadFile:
    source: Path
    relative: PurePosixPath  # e.g. _internal/python311.dll

    @property
    def file_id(self) -> str:
        return "fil_" + _digest(self.relative)

    @property
    def component_id(self) -> str:
        return "cmp_" + _digest(self.relative)

    @property
    def guid(self) -> str:
        return str(stable_guid("file", str(self.relative))).upper()


@dataclass
class PayloadDirectory:
    relative: PurePosixPath  # "." for the install folder itself
    files: list[PayloadFile] = field(default_factory=list)
    children: list[PayloadDirectory] = field(default_factory=list)

    @property
    def directory_id(self) -> str:
        return "dir_" + _digest(self.relative)

    def walk_files(self) -> list[PayloadFile]:
        found = list(self.files)
        for child in self.children:
            found.extend(child.walk_files())
        return found


def _digest(relative: PurePosixPath) -> str:
    # Identifiers must be at most 72 characters of [A-Za-z0-9_.]; a hash of
    # the path is short, stable and unique where file names are not.
    return hashlib.sha1(str(relative).lower().encode()).hexdigest()[:20]


def scan(root: Path) -> PayloadDirectory:
    """Read a frozen build folder; refuse one without the agent's program or with links."""
    root = Path(root)
    if not (root / GUI_EXE).is_file():
        raise PayloadError(f"{root} has no {GUI_EXE}: not a frozen agent build")
    return _scan_dir(root, PurePosixPath("."))


def _scan_dir(path: Path, relative: PurePosixPath) -> PayloadDirectory:
    node = PayloadDirectory(relative)
    names = {}
    for entry in sorted(path.iterdir(), key=lambda p: p.name.lower()):
        key = entry.name.lower()
        if key in names:
            # Windows file names are case-insensitive: two entries would be one file.
            raise PayloadError(f"{entry} and {names[key]} are the same name on Windows")
        names[key] = entry
        rel = PurePosixPath(entry.name) if relative == PurePosixPath(".") else relative / entry.name
        if entry.is_symlink():
            raise PayloadError(f"{entry} is a symbolic link; the MSI carries plain files only")
        if entry.is_dir():
            node.children.append(_scan_dir(entry, rel))
        elif entry.is_file():
            node.files.append(PayloadFile(entry, rel))
    return node
