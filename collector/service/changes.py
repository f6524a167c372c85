"""Changes an admin marks for the before/after comparison (issue 14): a day,
a note and the teams it concerns. The API and the admin page both come here,
so both refuse the same input with the same field named."""

from __future__ import annotations

import re
from datetime import date, timedelta

from collector.service.errors import Invalid, NotFound
from collector.store import Store

NOTE_MAX = 500
#: One line of text with something in it besides spaces. Character classes
#: only, so the document's pattern means the same to every regex engine.
NOTE_PATTERN = r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$"
#: A change may be marked ahead (a training next month), not years ahead.
AHEAD_DAYS = 366


def check_note(note: str) -> str:
    text = note.strip(" ")
    if len(text) > NOTE_MAX:
        raise Invalid.field("note", f"at most {NOTE_MAX} characters")
    if not re.fullmatch(NOTE_PATTERN, text):
        raise Invalid.field("note", "say what changed, on one line")
    return text


def check_day(day: date, today: date | None = None) -> date:
    today = today or date.today()
    if day.year < 1900:
        raise Invalid.field("day", "before 1900")
    if day > today + timedelta(days=AHEAD_DAYS):
        raise Invalid.field("day", f"at most {AHEAD_DAYS} days ahead")
    return day


def team_ids_by_name(store: Store, names: list[str], field: str = "teams") -> list[int]:
    """Names to ids, every unknown one named by its position; none is an error."""
    if not names:
        raise Invalid.field(field, "name at least one team")
    known = {t["name"]: t["id"] for t in store.teams()}
    errors = [
        {"field": f"{field}.{i}", "message": f"no team named {name!r}"}
        for i, name in enumerate(names)
        if name not in known
    ]
    if errors:
        raise Invalid("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
    return sorted({known[n] for n in names})


def mark_change(
    store: Store, day: date, note: str, team_ids: list[int], actor: str, ip: str = ""
) -> dict:
    """Store the change (with its audit entry, one transaction) and return it."""
    text = check_note(note)
    check_day(day)
    if not team_ids:
        raise Invalid.field("teams", "name at least one team")
    change_id = store.add_change(day.isoformat(), text, team_ids, actor, ip)
    found = store.change(change_id)
    assert found is not None
    return found


def visible_change(store: Store, change_id: int, scope: list[int] | None) -> dict:
    """The change with only the teams the caller may see; NotFound when none is
    (another team's change answers like a missing one, so ids probe nothing)."""
    found = store.change(change_id)
    if found is not None and scope is not None:
        keep = [
            (tid, name)
            for tid, name in zip(found["team_ids"], found["teams"], strict=True)
            if tid in set(scope)
        ]
        found = {**found, "team_ids": [t for t, _ in keep], "teams": [n for _, n in keep]}
    if found is None or not found["team_ids"]:
        raise NotFound(f"no change {change_id}", [{"field": "change", "message": "no such change"}])
    return found


def visible_changes(store: Store, scope: list[int] | None) -> list[dict]:
    """Newest first, each with only the teams the caller may see."""
    out = []
    for c in store.changes(scope):
        if scope is not None:
            keep = [i for i, tid in enumerate(c["team_ids"]) if tid in set(scope)]
            c = {
                **c,
                "team_ids": [c["team_ids"][i] for i in keep],
                "teams": [c["teams"][i] for i in keep],
            }
        out.append(c)
    return out
