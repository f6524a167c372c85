"""An admin-set start day per person (docs/design.md §4 Workload; issue 13).

Targets and available hours count a person from their first tracked day,
which is right for most people and wrong for two: someone whose agent was
installed days after they started (their first weeks would count nothing
against them, and their tracked hours nothing either, so little harm), and
someone tracked before they started, on a trial or a training account (a
target for days they were not employed). An admin who knows the real day
sets it; the CLI (`person start`) and the Devices page both come here.
"""

from __future__ import annotations

from datetime import date

from collector.service.errors import Invalid, NotFound
from collector.store import Store

#: What clears the start day, so the first tracked day counts again.
CLEAR = ("", "none", "clear")


def parse_start_day(text: str, field: str = "start_day") -> str | None:
    """An ISO day not after the collector's date, or None (cleared)."""
    value = text.strip()
    if value.lower() in CLEAR:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid.field(field, f"{value[:40]!r} is not a date; give it as YYYY-MM-DD") from None
    if day > date.today():
        raise Invalid.field(
            field,
            f"{day.isoformat()} is after today ({date.today().isoformat()}); "
            "set a start day once it has come",
        )
    if day.year < 2000:
        raise Invalid.field(field, f"{day.isoformat()} is before 2000; check the year")
    return day.isoformat()


def set_start_day(store: Store, person: dict, text: str, actor: str, ip: str = "") -> str | None:
    """Store the parsed day (or clear it) for `person` ({id, name, team}) and
    audit it, in one transaction."""
    day = parse_start_day(text)
    with store.write():
        if not store.set_start_day(int(person["id"]), day):
            raise NotFound(f"no person {person['name']!r}")
        store.audit(
            actor,
            "person.start_day",
            person["name"],
            {"team": person["team"], "start_day": day},
            ip,
        )
    return day
