"""GET /metrics on a real collector: Prometheus text that counts what happened.

Ingest outcomes (stored, duplicate, refused; segments stored and refused),
requests by route template and status, latency histograms, the interruption
recount backlog and the database's size; and who may read it: an API key by
default, loopback without a key only when the operator opted in.
"""

from __future__ import annotations

from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CollectorServer, run_cli


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_ingest_requests_latency_and_size(collector):
    device = collector.enroll("ana")
    body = batch(plan(day_at(1, 9), [("payroll", 20), ("communication", 4), ("payroll", 10)]))
    assert collector.api("POST", "/summaries", device, json=body).status_code == 200
    again = collector.api("POST", "/summaries", device, json=body)
    assert again.json()["duplicate"] is True
    bad = batch(plan(day_at(1, 11), [("payroll", 5), ("no-such-category", 5)]))
    assert collector.api("POST", "/summaries", device, json=bad).status_code == 400
    assert requests.get(f"{collector.url}/no/such/page", timeout=5).status_code == 404

    anonymous = requests.get(f"{collector.url}/metrics", timeout=5)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "unauthorised"
    device_token = requests.get(
        f"{collector.url}/metrics", headers={"Authorization": f"Bearer {device}"}, timeout=5
    )
    assert device_token.status_code == 401, "a device token is not an API key"

    manager_key = collector.cli("apikey", "create", "--role", "manager", "--team", "ops").strip()
    r = requests.get(
        f"{collector.url}/metrics", headers={"Authorization": f"Bearer {manager_key}"}, timeout=5
    )
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain")
    s = _samples(r.text)

    assert _value(s, "backlight_ingest_batches_total", outcome="stored") == 1
    assert _value(s, "backlight_ingest_batches_total", outcome="duplicate") == 1
    assert _value(s, "backlight_ingest_batches_total", outcome="refused") == 1
    assert _value(s, "backlight_ingest_segments_total", outcome="stored") == 3
    assert _value(s, "backlight_ingest_segments_total", outcome="refused") == 2
    route = "/api/v1/summaries"
    assert _value(s, "backlight_http_requests_total", route=route, method="POST", status="200") == 2
    assert _value(s, "backlight_http_requests_total", route=route, method="POST", status="400") == 1
    assert (
        _value(s, "backlight_http_requests_total", route="unmatched", method="GET", status="404")
        == 1
    ), "an unknown path is counted without its path (bounded labels)"
    assert _value(s, "backlight_http_request_duration_seconds_count", route=route) == 3
    assert _value(s, "backlight_http_request_duration_seconds_sum", route=route) > 0
    # The batch's person-day waits for its recount unless the settle thread got there.
    assert _value(s, "backlight_rollup_queue_person_days") in (0, 1)
    on_disk = collector.db.stat().st_size + Path(f"{collector.db}-wal").stat().st_size
    assert abs(_value(s, "backlight_database_size_bytes") - on_disk) <= 64 * 1024
    assert "payroll" not in r.text and "ana" not in r.text, "no content in the metrics"


def test_loopback_reads_metrics_without_a_key_only_when_allowed(tmp_path: Path):
    server = CollectorServer(
        tmp_path / "c.db", tmp_path / "c.log", env={"BACKLIGHT_METRICS_ALLOW_LOOPBACK": "1"}
    )
    run_cli(server.db, "team", "add", "ops")
    server.start()
    try:
        r = requests.get(f"{server.url}/metrics", timeout=5)
        assert r.status_code == 200, r.text
        assert "backlight_database_size_bytes" in r.text
    finally:
        server.stop()
