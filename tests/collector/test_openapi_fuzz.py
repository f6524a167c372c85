"""Schemathesis against the served OpenAPI document with every check
(`--checks all`): no 5xx, every response as published, every request the
document allows accepted and every request it forbids refused, 405 with
`Allow`. Run as an admin API key and as an enrolled device.

Rules that tie values together (a report range, corrections within units,
names of stored rows) cannot be written in JSON Schema; the document states
them in prose and schemathesis_hooks.py keeps generated requests within
them. One worker: hypothesis's lambda introspection is not thread-safe on
Python 3.11 (it raised "AST constructor recursion depth mismatch").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.collector.schemathesis_hooks import FUZZ_TYPE

ST = Path(sys.executable).parent / "st"
ROOT = Path(__file__).resolve().parents[2]
HOOKS = "tests.collector.schemathesis_hooks"
CONFIG = Path(__file__).with_name("schemathesis.toml")
#: Bounded for a shared 2-core machine: each principal's run takes a minute or two.
EXAMPLES = 25


def _run(
    collector, token: str, *filters: str, examples: int = EXAMPLES
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(ST) if ST.exists() else "st",
            "--config-file",
            str(CONFIG),
            "run",
            f"{collector.url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {token}",
            "--max-examples",
            str(examples),
            "--phases",
            "examples,coverage,fuzzing",
            "--seed",
            "1",
            "--workers",
            "1",
            "--no-color",
            "--generation-database",
            "none",
            *filters,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)},
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
        "/api/v1/reports/spikes",
        "/api/v1/reports/before-after",
        "/api/v1/changes",
        "/api/v1/rules",
    ]:
        assert path in paths, path
    segment = doc["components"]["schemas"]["Segment"]
    assert segment["additionalProperties"] is False
    assert "title" not in segment["properties"]


@pytest.mark.slow
def test_device_operations_conform_under_every_check(collector):
    token = collector.enroll("fuzz")
    out = _run(collector, token, "--include-tag", "devices")
    assert out.returncode == 0, out.stdout[-6000:]


@pytest.mark.slow
def test_admin_operations_conform_under_every_check(collector):
    collector.enroll("fuzz")  # the person absences name (schemathesis_hooks.FUZZ_PERSON)
    types = {"types": [FUZZ_TYPE]}  # the work type items name
    assert collector.api("PUT", "/work-types", collector.admin_key, json=types).ok
    out = _run(collector, collector.admin_key, "--exclude-tag", "devices")
    assert out.returncode == 0, out.stdout[-6000:]
