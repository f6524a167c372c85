"""Small helpers the admin views share: reading form fields and writing the audit log.

Fields are read as text and checked here, so a missing, oversized or odd
value becomes an error naming the field, never an exception (no input may
give a 500).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import g, request

from collector.db import get_store

#: Names of people, teams and key labels: printable, one line.
NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,100}$")


class FormErrors(dict):
    """{field: message}, in the order the fields appear on the form."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)


def text(name: str, max_len: int = 200) -> str:
    return request.form.get(name, "").strip()[: max_len + 1]


def choice(name: str, allowed: tuple[str, ...] | list[str]) -> str | None:
    value = request.form.get(name, "")
    return value if value in allowed else None


def int_or_none(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def team_ids(field: str, errors: FormErrors) -> list[int]:
    """The teams ticked in a form, each one checked to exist."""
    known = {t["id"] for t in get_store().teams()}
    ids: list[int] = []
    for raw in request.form.getlist(field)[:1000]:
        value = int_or_none(raw)
        if value is None or value not in known:
            errors.add(field, f"{field}: {raw[:40]!r} is not a known team")
            continue
        if value not in ids:
            ids.append(value)
    return ids


def audit(action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
    """Write the audit entry for a change made on an admin page, as the API does."""
    get_store().audit(g.principal.label, action, target, detail or {}, request.remote_addr or "")


def when(value: str | float | None) -> str:
    """An ISO time or an epoch as 'YYYY-MM-DD HH:MM UTC' for the tables."""
    if value is None or value == "":
        return "—"
    try:
        if isinstance(value, int | float):
            t = datetime.fromtimestamp(value, UTC)
        else:
            t = datetime.fromisoformat(value).astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        return str(value)
    return t.strftime("%Y-%m-%d %H:%M UTC")
