"""`by=team` on time-per-unit over real HTTP, worked by hand (issue 19):
one function across teams against the same bands, each team its own group.

Minimum group 2. Reporting (reasonable 1-2 h per report, slow above 3):
ops, 2 people x 3 h = 6 h for 4 reports = 1.5 h (reasonable); west, 2 people
x 4 h = 8 h for 2 reports = 4 h (slow); solo, 1 person: hidden, no rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.collector.batches import batch, plan

DAY = date.today() - timedelta(days=3)
RANGE = {"from": (DAY - timedelta(days=6)).isoformat(), "to": date.today().isoformat()}


@pytest.fixture(scope="module")
def org(shared_collector):
    c = shared_collector
    c.cli("settings", "set", "privacy.min_group_size=2")
    for team in ("west", "solo"):
        c.cli("team", "add", team)
    start = datetime(DAY.year, DAY.month, DAY.day, 8, tzinfo=UTC)
    for team, people, minutes in [("ops", 2, 180), ("west", 2, 240), ("solo", 1, 120)]:
        for i in range(people):
            token = c.enroll(f"{team}{i}", team=team)
            steps = [("reporting", minutes), ("communication", 30)]
            r = c.api("POST", "/summaries", token, json=batch(plan(start, steps)))
            assert r.status_code == 200, r.text
    items = [
        {"date": DAY.isoformat(), "function": "reporting", "units": 4, "team": "ops"},
        {"date": DAY.isoformat(), "function": "reporting", "units": 2, "team": "west"},
        {"date": DAY.isoformat(), "function": "reporting", "units": 1, "team": "solo"},
    ]
    r = c.api("POST", "/output-units", c.admin_key, json={"items": items})
    assert r.status_code == 200, r.text
    return c


def _get(c, key, **params):
    r = c.api("GET", "/reports/time-per-unit", key, params={**RANGE, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_one_row_per_team_and_function_with_the_bands(org):
    body = _get(org, org.admin_key, by="team")
    assert body["by"] == "team"
    rows = {(r["team"], r["function"]): r for r in body["functions"]}
    ops, west = rows[("ops", "reporting")], rows[("west", "reporting")]
    assert ops["hours"] == pytest.approx(6.0) and ops["units"] == 4
    assert ops["hours_per_unit"] == pytest.approx(1.5) and ops["band"] == "reasonable"
    assert west["hours"] == pytest.approx(8.0) and west["hours_per_unit"] == pytest.approx(4.0)
    assert west["band"] == "slow" and west["money_at_stake"] == pytest.approx((4 - 2) * 2 * 25)
    per_team = [r["function"] for r in body["functions"] if r["team"] == "ops"]
    assert per_team == [r["function"] for r in body["functions"] if r["team"] == "west"]
    assert rows[("ops", "invoicing")]["hours"] == 0 and rows[("ops", "invoicing")]["band"] is None


def test_a_team_below_the_minimum_group_has_no_rows(org):
    body = _get(org, org.admin_key, by="team")
    teams = {t["team"]: t for t in body["teams"]}
    assert teams["solo"]["suppressed"] is True and "people" not in teams["solo"]
    assert teams["ops"]["people"] == 2 and teams["west"]["people"] == 2
    assert not [r for r in body["functions"] if r["team"] == "solo"]


def test_a_manager_gets_their_teams_only_and_403_for_another(org):
    key = org.cli("apikey", "create", "--role", "manager", "--team", "west").strip()
    body = _get(org, key, by="team")
    assert [t["team"] for t in body["teams"]] == ["west"]
    assert {r["team"] for r in body["functions"]} == {"west"}
    r = org.api("GET", "/reports/time-per-unit", key, params={"team": "ops", "by": "team"})
    assert r.status_code == 403


def test_without_by_the_report_is_as_before_and_a_bad_by_names_the_field(org):
    body = _get(org, org.admin_key, team="ops")
    assert "by" not in body and "team" not in body["functions"][0]
    r = org.api("GET", "/reports/time-per-unit", org.admin_key, params={"by": "person"})
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "by"
