"""Files the collector hands out for download: CSV a spreadsheet opens right,
named for what it holds.

Excel reads a CSV without a byte-order mark in the machine's legacy code
page, so "Payroll & HR — Zürich" arrives garbled; with the UTF-8 BOM it is
read as UTF-8 (LibreOffice and Python's ``utf-8-sig`` skip the mark). The
file name says the report, the scope actually exported and its period, so
two downloads of the same page for different teams or months do not
overwrite each other and a forwarded file says what it is:
``backlight-time-per-unit-payroll-hr-2026-11-01-2026-11-28.csv`` (the
report as the API names it, the team, the range). A manager's default scope
is their teams, named, never "all-teams".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from flask import Response

from collector.spreadsheet_csv import BOM

#: More teams than this are counted in the name instead of listed.
TEAMS_NAMED = 3


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; "team" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:60].rstrip("-") or "team"


def export_scope(team: str | None, team_ids: Iterable[int] | None, teams: list[dict]) -> str:
    """The scope of an export, for its file name: the team asked for, every
    team (admins, no team chosen), or the teams a manager's default covers."""
    if team:
        return slug(team)
    if team_ids is None:
        return "all-teams"
    ids = set(team_ids)
    names = sorted(slug(t["name"]) for t in teams if t["id"] in ids)
    if not names:
        return "no-teams"
    if len(names) > TEAMS_NAMED:
        return f"{len(names)}-teams"
    return "+".join(names)


#: Pages whose report the API names otherwise: the file says the API's name.
REPORT_NAMES = {
    "functions": "time-per-unit",
    "review": "monthly-review",
    "client_functions": "clients-per-function",
    "team_functions": "teams-per-function",
}


def period(start: date, end: date) -> str:
    return f"{start.isoformat()}-{end.isoformat()}"


def csv_file_name(report: str, scope: str, span: str) -> str:
    return f"backlight-{slug(REPORT_NAMES.get(report, report))}-{scope}-{span}.csv"


def csv_download(body: str, file_name: str) -> Response:
    """A CSV attachment: UTF-8 with a BOM, never cached (it holds figures)."""
    return Response(
        BOM + body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name}"',
            "Cache-Control": "no-store",
        },
    )
