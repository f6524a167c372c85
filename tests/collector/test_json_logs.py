"""Logs of a real collector: one JSON object a line with a request id, and no content.

`serve --log-format json` (or BACKLIGHT_LOG_FORMAT=json) writes every line as
JSON; each request's line has time, level, request id, method, route
template, status, duration and the device id when a device token was used,
and never a body, token or password. The id comes from a sane X-Request-Id
or is made, and is echoed in the response. Text stays the default.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from tests.collector.batches import batch, day_at, plan
from tests.fixtures.collector_server import CollectorServer, run_cli, web_sign_in

PASSWORD = "a long enough password"


def _server(tmp: Path, args: list[str], env: dict[str, str] | None = None) -> CollectorServer:
    server = CollectorServer(tmp / "c.db", tmp / "c.log", env=env)
    run_cli(server.db, "team", "add", "ops")
    run_cli(server.db, "user", "add", "root", "--role", "admin", stdin=PASSWORD + "\n")
    server.serve_args = args
    server.start()
    return server


def _lines(server: CollectorServer, until: str) -> list[str]:
    """The log's lines once one of them names `until` (the log is written as it goes)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = server.log.read_text()
        if until in text:
            return text.splitlines()
        time.sleep(0.1)
    raise AssertionError(f"{until!r} never logged:\n{server.log.read_text()}")


def _access(records: list[dict], request_id: str) -> dict:
    [record] = [r for r in records if r.get("request_id") == request_id and "status" in r]
    return record


@pytest.mark.parametrize("how", ["option", "env"])
def test_json_lines_name_the_request_and_never_its_content(tmp_path: Path, how: str):
    args = ["--log-format", "json"] if how == "option" else []
    env = {"BACKLIGHT_LOG_FORMAT": "json"} if how == "env" else None
    server = _server(tmp_path, args, env)
    try:
        device = server.enroll("ana")
        body = batch(plan(day_at(1, 9), [("payroll", 20), ("communication", 4)], app="sapgui"))
        traced = {"X-Request-Id": "trace-42"}
        r = server.api("POST", "/summaries", device, json=body, headers=traced)
        assert r.status_code == 200 and r.headers["X-Request-Id"] == "trace-42"
        insane = server.api("GET", "/health", headers={"X-Request-Id": "no spaces <allowed>"})
        made = insane.headers["X-Request-Id"]
        assert re.fullmatch(r"[0-9a-f]{32}", made), made
        long = server.api("GET", "/health", headers={"X-Request-Id": "x" * 129})
        assert long.headers["X-Request-Id"] != "x" * 129
        _session, signed_in = web_sign_in(server.url, "root", PASSWORD)
        assert signed_in.status_code in (302, 303)
        server.api("GET", "/health", headers={"X-Request-Id": "last-one"})

        lines = _lines(server, "last-one")
        records = [json.loads(line) for line in lines]  # every line is one JSON object
        for record in records:
            assert {"time", "level", "message"} <= record.keys(), record
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["time"])
        ingest = _access(records, "trace-42")
        with sqlite3.connect(server.db) as c:
            device_id = c.execute("SELECT id FROM devices").fetchone()[0]
        assert ingest["level"] == "INFO"
        assert ingest["method"] == "POST" and ingest["route"] == "/api/v1/summaries"
        assert ingest["status"] == 200 and ingest["duration_ms"] > 0
        assert ingest["device_id"] == device_id
        assert _access(records, made)["route"] == "/api/v1/health"
        assert _access(records, made)["device_id"] is None
        text = "\n".join(lines)
        for secret in (device, PASSWORD, body["batch_id"], "sapgui", "payroll", "csrf_token"):
            assert secret not in text, f"{secret!r} reached the log"
    finally:
        server.stop()


def test_text_stays_the_default_and_names_the_request_id(collector):
    collector.api("GET", "/health", headers={"X-Request-Id": "plain-7"})
    [line] = [x for x in _lines(collector, "plain-7") if "plain-7" in x]
    assert "GET /api/v1/health 200" in line and "[plain-7]" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
