"""Counts and quality through the real API (docs/design.md §4: output units are
counts; payroll's error rate per paycheck; the below_quality band)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.collector.batches import batch, plan

EVERYTHING = {"from": "2000-01-01", "to": "2100-01-01"}


@pytest.fixture(scope="module")
def org(shared_collector):
    """Five payroll clerks, 7 hours of payroll in all, an operation of 100."""
    c = shared_collector
    c.cli("settings", "set", "operation.size=100")
    start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=5)
    tokens = [c.enroll(f"clerk{i}") for i in range(5)]
    for i, token in enumerate(tokens):
        steps = [("payroll", 7 * 60 / 5)]
        r = c.api("POST", "/summaries", token, json=batch(plan(start + timedelta(hours=i), steps)))
        assert r.status_code == 200, r.text
    span = {
        "from": (start - timedelta(days=1)).date().isoformat(),
        "to": (start + timedelta(days=1)).date().isoformat(),
    }
    return {"day": start.date().isoformat(), "tokens": tokens, "span": span}


def _export(c) -> str:
    r = c.api("GET", "/output-units", c.admin_key, params=EVERYTHING)
    assert r.status_code == 200
    return r.text


def test_a_fractional_json_upload_is_refused_whole_and_nothing_stored(shared_collector, org):
    c = shared_collector
    before = _export(c)
    items = [
        {"date": org["day"], "function": "scheduling", "units": 1, "team": "ops"},
        {"date": org["day"], "function": "scheduling", "units": 2.5, "team": "ops"},
        {
            "date": org["day"],
            "function": "reporting",
            "units": 2,
            "corrections": 0.5,
            "team": "ops",
        },
    ]
    r = c.api("POST", "/output-units", c.admin_key, json={"items": items})
    assert r.status_code == 400, r.text
    fields = {f["field"] for f in r.json()["fields"]}
    assert fields == {"items.1.units", "items.2.corrections"}
    assert _export(c) == before


def test_a_fractional_csv_upload_names_row_and_field_and_stores_nothing(shared_collector, org):
    c = shared_collector
    before = _export(c)
    day = org["day"]
    csv = (
        "date,function,units,corrections,team\n"
        f"{day},scheduling,1,0,ops\n"
        f"{day},scheduling,2.5,0,ops\n"
        f"{day},reporting,3,1.0,ops\n"
    )
    r = c.api("POST", "/output-units", c.admin_key, data=csv, headers={"Content-Type": "text/csv"})
    assert r.status_code == 400, r.text
    fields = {f["field"]: f["message"] for f in r.json()["fields"]}
    assert set(fields) == {"rows.3.units", "rows.4.corrections"}
    assert "whole number" in fields["rows.3.units"]
    assert _export(c) == before


def test_an_employee_cannot_log_half_a_unit(shared_collector, org):
    c = shared_collector
    before = _export(c)
    item = {"date": org["day"], "function": "reporting", "units": 0.5}
    r = c.api("POST", "/me/output-units", org["tokens"][0], json={"items": [item]})
    assert r.status_code == 400, r.text
    assert r.json()["fields"][0]["field"] == "items.0.units"
    assert _export(c) == before


def test_payroll_corrections_count_paychecks_up_to_cycles_times_operation(shared_collector, org):
    c = shared_collector
    before = _export(c)
    too_many = {
        "date": org["day"],
        "function": "payroll",
        "units": 1,
        "corrections": 101,
        "team": "ops",
    }
    r = c.api("POST", "/output-units", c.admin_key, json={"items": [too_many]})
    assert r.status_code == 400
    assert r.json()["fields"][0]["field"] == "items.0.corrections"
    assert _export(c) == before
    # Other functions: never more corrections than units.
    qa = {
        "date": org["day"],
        "function": "qa_evaluation",
        "units": 2,
        "corrections": 3,
        "team": "ops",
    }
    assert c.api("POST", "/output-units", c.admin_key, json={"items": [qa]}).status_code == 400


def test_three_corrected_paychecks_in_one_cycle_for_100_people_is_below_quality(
    shared_collector, org
):
    c = shared_collector
    item = {"date": org["day"], "function": "payroll", "units": 1, "corrections": 3, "team": "ops"}
    r = c.api("POST", "/output-units", c.admin_key, json={"items": [item]})
    assert r.status_code == 200, r.text
    r = c.api("GET", "/reports/time-per-unit", c.admin_key, params={"team": "ops", **org["span"]})
    assert r.status_code == 200, r.text
    payroll = next(f for f in r.json()["functions"] if f["function"] == "payroll")
    assert payroll["hours_per_unit"] == pytest.approx(7.0)  # reasonable on speed alone
    assert payroll["units"] == 1 and payroll["corrections"] == 3
    assert payroll["error_rate"] == pytest.approx(0.03)
    assert payroll["quality_limit"] == 0.02
    assert payroll["band"] == "below_quality"
    assert payroll["fix"]["symptom"] == "Payroll errors exceed 2%"
    assert payroll["money_at_stake"] == 0.0
    # Raise the limit (an admin's choice) and the same figures read reasonable.
    c.cli("settings", "set", "quality.limits.payroll=0.05")
    r = c.api("GET", "/reports/time-per-unit", c.admin_key, params={"team": "ops", **org["span"]})
    payroll = next(f for f in r.json()["functions"] if f["function"] == "payroll")
    assert payroll["band"] == "reasonable"
    c.cli("settings", "set", "quality.limits.payroll=0.02")


def test_a_quality_limit_outside_0_to_1_is_refused_by_name(shared_collector):
    c = shared_collector
    r = c.api(
        "PUT", "/settings", c.admin_key, json={"settings": {"quality.limits.qa_evaluation": 2}}
    )
    assert r.status_code == 400
    assert "quality.limits.qa_evaluation" in r.text


def test_the_openapi_document_declares_counts_as_integers(shared_collector):
    doc = shared_collector.api("GET", "/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for name in ("OutputUnit", "MyUnit"):
        assert schemas[name]["properties"]["units"]["type"] == "integer", name
        assert schemas[name]["properties"]["corrections"]["type"] == "integer", name
    row = schemas["FunctionRow"]["properties"]
    for key in (
        "error_rate",
        "quality_limit",
        "hours_per_week",
        "units_per_week",
        "money_at_stake",
        "fix",
    ):
        assert key in row, key
    assert "below_quality" in str(row["band"])
