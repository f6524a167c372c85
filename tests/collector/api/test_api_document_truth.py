"""The API document and the server agree, value by value (issue 16, item 6).

Each test names one disagreement schemathesis found (test_openapi_fuzz.py
runs every check across the whole document); these pin them one by one,
against a real collector process, both directions: what the document
forbids is refused, what it allows is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

REPORTS = [
    "/reports/time-per-unit",
    "/reports/interruptions",
    "/reports/workload",
    "/reports/overview",
    "/reports/uncategorised",
]


@pytest.fixture(scope="module")
def doc(shared_collector) -> dict:
    return shared_collector.api("GET", "/openapi.json").json()


def schema(doc: dict, name: str) -> dict:
    return doc["components"]["schemas"][name]


@pytest.mark.parametrize("path", REPORTS)
def test_a_day_that_is_a_number_is_refused_not_read_as_1970(shared_collector, path):
    c = shared_collector
    for bad in ("0", "20260101", "2026-1-1", "0001-01-01"):
        r = c.api("GET", f"{path}?to={bad}", c.admin_key)
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["fields"][0]["field"] == "to"
    assert c.api("GET", f"{path}?to=2026-01-31", c.admin_key).status_code == 200


def test_me_summary_refuses_a_number_for_a_day(shared_collector):
    device = shared_collector.enroll("doc-day")
    assert shared_collector.api("GET", "/me/summary?to=0", device).status_code == 400


def test_report_days_are_declared_with_format_and_the_range_rule(doc):
    (param,) = [
        p
        for p in doc["paths"]["/api/v1/reports/overview"]["get"]["parameters"]
        if p["name"] == "from"
    ]
    day = param["schema"]["anyOf"][0]
    assert day["format"] == "date" and day["pattern"].startswith("^(19|20|21)")
    assert "1100 days" in param["description"]


def test_a_405_names_the_allowed_methods(shared_collector):
    for path, allowed in [("/clients", {"GET", "POST"}), ("/summaries", {"POST"})]:
        r = shared_collector.api("TRACE", path)
        assert r.status_code == 405
        assert allowed <= {m.strip() for m in r.headers["Allow"].split(",")}
        assert r.json()["error"] == "method_not_allowed"


def test_consent_version_is_an_integer_and_2081_point_0_is_that_integer(shared_collector, doc):
    c = shared_collector
    device = c.enroll("doc-consent", consent=False)
    version = c.api("GET", "/policy", device).json()["consent"]["version"]
    at = datetime.now(UTC).isoformat()
    body = {"decision": "granted", "consent_version": float(version), "at": at}
    assert c.api("POST", "/consent", device, json=body).status_code == 200
    for bad in ("1", 1.5, True):
        r = c.api("POST", "/consent", device, json={**body, "consent_version": bad})
        assert r.status_code == 400, bad
    prop = schema(doc, "ConsentRequest")["properties"]["consent_version"]
    assert prop == {**prop, "type": "integer", "minimum": 1}


def test_timezone_is_one_of_the_declared_names(shared_collector, doc):
    tz = schema(doc, "TimedBatch")["properties"]["timezone"]
    assert "" not in tz["enum"] and "Europe/Paris" in tz["enum"] and "UTC" in tz["enum"]
    device = shared_collector.enroll("doc-tz")
    now = datetime.now(UTC).replace(microsecond=0)
    batch = {
        "batch_id": "doc-tz-0001",
        "sent_at": now.isoformat(),
        "rules_version": 0,
        "timezone": "",
        "segments": [
            {
                "start": (now - timedelta(minutes=5)).isoformat(),
                "end": (now - timedelta(minutes=4)).isoformat(),
                "app": "excel",
                "category": "payroll",
                "state": "active",
                "keys": 3.0,
            }
        ],
    }
    r = shared_collector.api("POST", "/summaries", device, json=batch)
    assert r.status_code == 400 and r.json()["fields"][0]["field"] == "timezone"
    r = shared_collector.api("POST", "/summaries", device, json={**batch, "timezone": "UTC"})
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1


def test_a_rule_needs_app_or_title_and_says_so(shared_collector, doc):
    rule = schema(doc, "Rule")
    assert {tuple(a["required"]) for a in rule["anyOf"]} == {("app",), ("title",)}
    assert rule["properties"]["app"]["anyOf"][0]["format"] == "regex"
    r = shared_collector.api(
        "PUT", "/rules", shared_collector.admin_key, json={"rules": [{"category": "payroll"}]}
    )
    assert r.status_code == 400


def test_settings_keys_types_and_bounds_are_declared_and_enforced(shared_collector, doc):
    c = shared_collector
    declared = schema(doc, "SettingsIn")["properties"]["settings"]
    assert declared["additionalProperties"] is False and declared["minProperties"] == 1
    assert declared["properties"]["retention_days"] == {
        **declared["properties"]["retention_days"],
        "type": "integer",
        "minimum": 7,
        "maximum": 3650,
    }
    for bad in (
        {"": []},
        {"no.such.key": 1},
        {"privacy.individual_reports": "true"},
        {"retention_days": "30"},
        {"retention_days": 6},
        {"cost.currency": "euro"},
    ):
        r = c.api("PUT", "/settings", c.admin_key, json={"settings": bad})
        assert r.status_code == 400, (bad, r.text)
    r = c.api(
        "PUT", "/settings", c.admin_key, json={"settings": {"interruptions.recovery_min_s": 5000}}
    )
    assert r.status_code == 409
    assert r.json()["fields"][0]["field"] == "settings.interruptions.recovery_min_s"
    r = c.api("PUT", "/settings", c.admin_key, json={"settings": {"retention_days": 30.0}})
    assert r.status_code == 200 and r.json()["settings"]["retention_days"] == 30


def test_csv_upload_declares_a_header_and_rows(shared_collector, doc):
    body = doc["paths"]["/api/v1/output-units"]["post"]["requestBody"]["content"]["text/csv"]
    assert body["schema"]["minLength"] > 0 and body["schema"]["pattern"].startswith("^date,")
    c = shared_collector
    headers = {"Content-Type": "text/csv"}
    for bad in ("", '"', "date,function,units\n"):
        r = c.api("POST", "/output-units", c.admin_key, data=bad, headers=headers)
        assert r.status_code == 400, (bad, r.text)
    r = c.api(
        "POST",
        "/output-units",
        c.admin_key,
        data="date,function,units\n2026-01-05,payroll,12",
        headers=headers,
    )
    assert r.status_code == 200 and r.json() == {"stored": 1}


def test_the_time_zone_setting_lists_its_names_and_a_refusal_says_why(shared_collector, doc):
    settings = schema(doc, "SettingsIn")["properties"]["settings"]
    zone = settings["properties"]["org.timezone"]
    assert "Europe/London" in zone["enum"] and "Mars/Base" not in zone["enum"]
    c = shared_collector
    r = c.api("PUT", "/settings", c.admin_key, json={"settings": {"org.timezone": "Mars/Base"}})
    assert r.status_code == 400
    assert [f["field"] for f in r.json()["fields"]] == ["settings.org.timezone"]
    assert "Mars/Base" in r.json()["fields"][0]["message"]
    r = c.api(
        "PUT", "/settings", c.admin_key, json={"settings": {"planning.holidays": "2026-02-30"}}
    )
    assert r.status_code == 400
    assert "2026-02-30 is not a calendar day" in r.json()["fields"][0]["message"]
