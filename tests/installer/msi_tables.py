"""Read a built MSI back the way an admin would, with msiinfo (msitools).

``msiinfo export`` prints a table as idt text: column names, column types,
the table name and key columns, then one tab-separated row per line. Values
are not escaped, so a value holding a tab (our custom action data does)
spreads over several fields; ``wide`` names the one column that may.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def msiinfo(*args: str) -> str:
    return subprocess.run(["msiinfo", *args], check=True, capture_output=True, text=True).stdout


def table(msi: Path, name: str, wide: str | None = None) -> list[dict[str, str]]:
    lines = msiinfo("export", str(msi), name).splitlines()
    columns = lines[0].split("\t")
    rows = []
    for line in lines[3:]:
        parts = line.split("\t")
        if len(parts) > len(columns):
            if wide is None:
                raise AssertionError(f"{name}: row has {len(parts)} fields for {columns}: {line!r}")
            at = columns.index(wide)
            extra = len(parts) - len(columns)
            parts = parts[:at] + ["\t".join(parts[at : at + extra + 1])] + parts[at + extra + 1 :]
        rows.append(dict(zip(columns, parts, strict=True)))
    return rows


def keyed(msi: Path, name: str, key: str, wide: str | None = None) -> dict[str, dict[str, str]]:
    return {row[key]: row for row in table(msi, name, wide)}


def properties(msi: Path) -> dict[str, str]:
    return {row["Property"]: row["Value"] for row in table(msi, "Property")}


def summary(msi: Path) -> dict[str, str]:
    found = {}
    for line in msiinfo("suminfo", str(msi)).splitlines():
        name, _, value = line.partition(": ")
        found[name] = value
    return found


def extract(msi: Path, stream: str) -> bytes:
    return subprocess.run(
        ["msiinfo", "extract", str(msi), stream], check=True, capture_output=True
    ).stdout
