"""Audit log: every mutating call (who, when, what, target), newest first."""

from __future__ import annotations

import json
import re

from flask import render_template, request

from collector.admin import bp
from collector.admin.forms import int_or_none
from collector.db import get_store

PER_PAGE = 50
#: Device ids are 32 hex digits; the table shows the first 10 (the full id on hover).
LONG_ID = re.compile(r"\b([0-9a-f]{10})[0-9a-f]{22}\b")


def short(value: str) -> str:
    return LONG_ID.sub(r"\1…", value or "")


def _detail(raw: str) -> list[tuple[str, str]]:
    """The stored JSON detail as (key, value) pairs for reading."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return [("detail", raw)]
    if not isinstance(data, dict):
        return [("detail", json.dumps(data))]
    out = []
    for key, value in data.items():
        if value is None:
            shown = "none"
        elif isinstance(value, str):
            shown = value
        else:
            shown = json.dumps(value, ensure_ascii=False)
        out.append((str(key), shown[:300]))
    return out


@bp.get("/audit")
def audit():
    store = get_store()
    total = store.audit_count()
    pages = max(1, -(-total // PER_PAGE))
    page = int_or_none(request.args.get("page", "1")) or 1
    page = min(max(page, 1), pages)
    rows = [
        {
            **r,
            "pairs": _detail(r["detail"]),
            "actor_short": short(r["actor"]),
            "target_short": short(r["target"]),
        }
        for r in store.audit_log(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    ]
    return render_template(
        "admin/audit.html",
        page="audit",
        entries=rows,
        total=total,
        page_no=page,
        pages=pages,
        per_page=PER_PAGE,
    )
