"""Schemathesis against the served OpenAPI document: no 5xx, and every
response matches the schema the collector publishes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ST = Path(sys.executable).parent / "st"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


def _run(collector, token: str, *filters: str, examples: int = 25) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(ST) if ST.exists() else "st",
            "run",
            f"{collector.url}/api/v1/openapi.json",
            "--checks",
            CHECKS,
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            str(examples),
            "--phases",
            "examples,fuzzing",
            "--seed",
            "1",
            "--workers",
            "2",
            "--no-color",
            "--generation-database",
            "none",
            *filters,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_openapi_document_describes_every_operation(collector):
    doc = collector.api("GET", "/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in [
        "/api/v1/enroll",
        "/api/v1/policy",
        "/api/v1/consent",
        "/api/v1/summaries",
        "/api/v1/me/summary",
        "/api/v1/output-units",
        "/api/v1/clients",
        "/api/v1/clients/{key}/financials",
        "/api/v1/reports/time-per-unit",
        "/api/v1/reports/interruptions",
        "/api/v1/reports/clients",
        "/api/v1/reports/monthly-review",
        "/api/v1/reports/workload",
        "/api/v1/reports/uncategorised",
        "/api/v1/rules",
    ]:
        assert path in paths, path
    segment = doc["components"]["schemas"]["Segment"]
    assert segment["additionalProperties"] is False
    assert "title" not in segment["properties"]


@pytest.mark.slow
def test_device_operations_survive_fuzzing(collector):
    token = collector.enroll("fuzz")
    out = _run(collector, token, "--include-tag", "devices")
    assert out.returncode == 0, out.stdout[-6000:]


@pytest.mark.slow
def test_manager_operations_survive_fuzzing(collector):
    out = _run(collector, collector.admin_key, "--exclude-tag", "devices")
    assert out.returncode == 0, out.stdout[-6000:]
