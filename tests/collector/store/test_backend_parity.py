"""The same organisation on both backends gives the same answers.

A demo organisation (collector/demo.py: people, devices, a few weeks of
batches, output units, absences, financials) is stored once on SQLite and
once on PostgreSQL through the store interface; then every report query, the
export of one person, the row count of every table, and all of it again after
erasing a person, must be equal. A statement one backend reads differently
(grouping, NULL sums, ordering, week arithmetic) shows here as a difference.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from collector import demo
from collector.jobs import open_counting_store
from collector.store import Store

PEOPLE, DAYS = 10, 24

TABLES = [
    "teams",
    "people",
    "devices",
    "consents",
    "users",
    "user_teams",
    "api_keys",
    "api_key_teams",
    "batches",
    "segments",
    "rollups",
    "rollups_monthly",
    "person_weeks",
    "team_rollups",
    "team_days",
    "interruption_days",
    "interruption_backlog",
    "interruption_recount_queue",
    "interruption_recount",
    "uncategorised_apps",
    "clients",
    "client_financials",
    "output_units",
    "rule_versions",
    "consent_texts",
    "web_sessions",
    "absences",
    "work_types",
    "work_items",
    "work_item_timings",
    "changes",
    "change_teams",
    "alert_deliveries",
]

#: Results whose ORDER BY leaves ties (several rows of one week, or of one
#: date and function): compared as sets of rows.
WEEKLY = (
    "weekly_hours_by_function",
    "weekly_units_by_function",
    "weekly_units_by_team",
    "output_units",
)

#: Columns that hold the moment a row was made, a random id or a hash: they
#: differ between any two fills, whatever the backend.
VOLATILE = {"created_at", "at", "received_at", "last_seen_at", "consent_at", "id", "device_id"}


def plain(value):
    """Rounded floats and key-sorted dicts, so that sums added in another
    order (a different plan) compare equal while real differences do not."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in sorted(value.items(), key=str) if k not in VOLATILE}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def everything(store: Store, person_id: int) -> dict:
    end = date.today().isoformat()
    start = (date.today() - timedelta(days=DAYS + 40)).isoformat()
    mid = (date.today() - timedelta(days=DAYS // 2)).isoformat()
    teams = [t["id"] for t in store.teams()]
    people = [p["id"] for p in store.people()]
    out: dict = {"tables": {t: store.row_count(t) for t in TABLES}}
    for scope_name, scope in (("all", None), ("one", teams[:1]), ("none", [])):
        for lo in (start, mid):
            key = f"{scope_name}-{lo}"
            out[key] = {
                "people_tracked": store.people_tracked(scope, lo, end),
                "hours_by_category": store.hours_by_category(scope, lo, end),
                "units_by_function": store.units_by_function(scope, lo, end),
                "weekly_hours_by_function": store.weekly_hours_by_function(scope, lo, end),
                "interruption_days": store.interruption_days(scope, lo, end),
                "hours_by_person": store.hours_by_person(scope, lo, end),
                "weekly_people": store.weekly_people(scope, lo, end),
                "weekly_people_5": store.weekly_people(scope, lo, end, at_least=5),
                "output_units": store.output_units(scope, lo, end),
                "output_units_summary": store.output_units_summary(scope, lo, end),
                "recent_output_units": store.recent_output_units(scope, lo, end, 5),
                "weekly_units_by_function": store.weekly_units_by_function(scope, lo, end),
                "weekly_units_by_team": store.weekly_units_by_team(scope, lo, end),
                "absences": store.absences(scope, lo, end),
                "unsettled_changes": store.unsettled_changes(scope, lo, end),
                "function_days": store.function_days(scope, lo, end),
                "tracked_days": store.tracked_days(scope, lo, end),
                "unit_days": store.unit_days(scope, lo, end, "payroll"),
            }
        out[f"people_on_days-{scope_name}"] = store.people_on_days(scope, [mid, end])
    for result in out.values():
        for name in WEEKLY:
            if isinstance(result, dict) and isinstance(result.get(name), list):
                result[name] = sorted(result[name], key=repr)
    out["client_hours"] = store.client_hours(start, end)
    out["uncategorised_apps"] = store.uncategorised_apps(start, end)
    out["person_summary"] = store.person_summary(person_id, start, end)
    out["absent_days"] = store.absent_days(people, start, end)
    out["first_tracked_days"] = store.first_tracked_days(people)
    out["people"] = store.people()
    out["teams"] = store.teams()
    out["clients"] = store.clients()
    out["financials"] = store.financials(end[:7])
    out["settings"] = store.settings()
    out["rules"] = store.current_rules()
    out["users"] = [{**u, "teams": sorted((u["teams"] or "").split(", "))} for u in store.users()]
    out["export"] = {
        table: sorted(plain(rows), key=repr)
        for table, rows in store.person_export(person_id).items()
    }
    out["recount_backlog"] = store.recount_backlog()
    out["changes"] = store.changes()
    out["active_spans"] = store.active_spans(teams[:1], mid, end)
    return plain(out)


def differences(a, b, path: str = "") -> list[str]:
    """Where two results part, by key path, for a failure one can read."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            d
            for k in sorted(set(a) | set(b), key=str)
            for d in differences(a.get(k), b.get(k), f"{path}/{k}")
        ]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path}: sqlite {a!r} != postgresql {b!r}"]


@pytest.fixture
def both(tmp_path: Path, postgres_url: str):
    opened = [
        open_counting_store(f"sqlite:///{tmp_path / 'parity.db'}"),
        open_counting_store(postgres_url),
    ]
    for store in opened:
        demo.fill(store, people=PEOPLE, days=DAYS)
    yield opened
    for store in opened:
        store.close()


@pytest.mark.slow
def test_every_report_is_equal_on_both_backends_before_and_after_an_erasure(both):
    sqlite, postgres = both
    person = sqlite.people()[0]
    assert postgres.people()[0]["name"] == person["name"]
    before = [everything(s, person["id"]) for s in both]
    assert before[0]["tables"]["segments"] > 1000  # a real organisation, not an empty one
    assert differences(*before) == []

    erased = [s.person_erase(person["id"], "test") for s in both]
    assert erased[0] == erased[1] and erased[0]["segments"] > 0
    for s in both:
        s.wipe_free_space()
    other = sqlite.people()[1]["id"]
    after = [everything(s, other) for s in both]
    assert after[0]["tables"]["segments"] < before[0]["tables"]["segments"]
    assert differences(*after) == []
