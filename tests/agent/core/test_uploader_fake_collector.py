"""A scriptable stand-in for the collector, speaking real HTTP on 127.0.0.1.

The agent's tests need answers the real collector gives only when something
is wrong (500, 503, a lost response, a revoked token), on cue. This server
follows the wire contract (docs/design.md §3): it validates summary batches with the
shared pydantic model, stores each batch_id once, answers 403
``consent_required`` without a grant, and serves the policy with an ETag.
``script`` queues one-off answers per path, e.g. ``{"/summaries": [500]}``,
or with headers: ``{"/summaries": [(429, {"Retry-After": "120"})]}``.

Other agent test modules import ``FakeCollector`` and the ``fake_collector``
fixture from here; the tests at the bottom pin the fake's own behaviour.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from pydantic import ValidationError

from shared.payload import TimedBatch
from shared.rules import default_rule_dicts

ENROLL_TOKEN = "enroll-secret"
DEVICE_TOKEN = "device-token-1"


def policy_body(
    rules_version: int = 3,
    consent_version: int = 1,
    upload_interval_s: int = 300,
    rules: list[dict] | None = None,
    clients: list[dict] | None = None,
) -> dict:
    return {
        "rules_version": rules_version,
        "rules": rules if rules is not None else list(default_rule_dicts()),
        "consent": {"version": consent_version, "text": f"Consent text v{consent_version}."},
        "privacy": {"min_group_size": 5, "individual_reports": False, "retention_days": 400},
        "agent": {"upload_interval_s": upload_interval_s, "idle_after_s": 300},
        "clients": clients if clients is not None else [{"key": "acme", "name": "Acme"}],
    }


class FakeCollector:
    def __init__(self, tls: ssl.SSLContext | None = None):
        self.policy = policy_body()
        self.tokens = {DEVICE_TOKEN}
        self.require_consent = True
        self.consent: dict | None = None  # the last decision received
        self.batches: dict[str, dict] = {}  # batch_id -> payload, stored once
        self.units: list[dict] = []
        self.log: list[tuple[str, str, dict, dict | None]] = []  # method, path, headers, body
        self.script: dict[str, list[int | tuple[int, dict]]] = defaultdict(list)
        self.lose_response: set[str] = set()  # paths whose next success answers 500
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # keep test output quiet
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what tests read ------------------------------------------------------
    def paths(self) -> list[str]:
        with self.lock:
            return [p for _, p, _, _ in self.log]

    def segments(self) -> list[dict]:
        with self.lock:
            return [s for b in self.batches.values() for s in b["segments"]]

    def etag(self) -> str:
        return (
            '"'
            + hashlib.sha256(json.dumps(self.policy, sort_keys=True).encode()).hexdigest()[:16]
            + '"'
        )

    # -- the server ---------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(h.path)
        path = url.path.removeprefix("/api/v1")
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        with self.lock:
            self.log.append((method, path, dict(h.headers), body))
            scripted = self.script[path].pop(0) if self.script[path] else None
        if scripted is not None:
            status, headers = scripted if isinstance(scripted, tuple) else (scripted, None)
            return self._send(
                h,
                status,
                {"error": "scripted", "message": f"scripted {status}", "fields": []},
                headers,
            )
        if path == "/enroll" and method == "POST":
            if body.get("enrollment_token") != ENROLL_TOKEN:
                return self._send(h, 401, {"error": "unauthorised", "message": "bad token"})
            return self._send(
                h, 201, {"device_id": "dev-1", "device_token": DEVICE_TOKEN, "policy": self.policy}
            )
        auth = h.headers.get("Authorization", "")
        if auth.removeprefix("Bearer ") not in self.tokens:
            return self._send(h, 401, {"error": "unauthorised", "message": "bad device token"})
        if path == "/policy" and method == "GET":
            if h.headers.get("If-None-Match") == self.etag():
                return self._send(h, 304, None, {"ETag": self.etag()})
            return self._send(h, 200, self.policy, {"ETag": self.etag()})
        if path == "/consent" and method == "POST":
            with self.lock:
                self.consent = body
            return self._send(h, 200, {**body, "recorded": True})
        if path == "/summaries" and method == "POST":
            return self._summaries(h, body)
        if path == "/me/summary" and method == "GET":
            q = parse_qs(url.query)
            return self._send(
                h,
                200,
                {
                    "from": q["from"][0],
                    "to": q["to"][0],
                    "total_hours": 1.5,
                    "categories": [{"category": "payroll", "hours": 1.5}],
                    "interruptions": {"count": 0, "away_minutes": 0, "task_switches": 0},
                },
            )
        if path == "/me/output-units" and method == "POST":
            with self.lock:
                self.units.extend(body["items"])
            return self._send(h, 200, {"stored": len(body["items"])})
        return self._send(h, 404, {"error": "not_found", "message": path})

    def _summaries(self, h: BaseHTTPRequestHandler, body: dict) -> None:
        if self.require_consent and (self.consent or {}).get("decision") != "granted":
            return self._send(h, 403, {"error": "consent_required", "message": "no consent"})
        try:
            TimedBatch.model_validate_json(json.dumps(body))  # the contract: work_items too
        except ValidationError as e:
            fields = [
                {"field": ".".join(map(str, x["loc"])), "message": x["msg"]} for x in e.errors()
            ]
            return self._send(
                h, 400, {"error": "invalid_request", "message": "bad batch", "fields": fields}
            )
        with self.lock:
            duplicate = body["batch_id"] in self.batches
            if not duplicate:
                self.batches[body["batch_id"]] = body
            lost = "/summaries" in self.lose_response
            self.lose_response.discard("/summaries")
        if lost:  # stored, but the answer never arrives
            return self._send(h, 500, {"error": "lost", "message": "response lost"})
        return self._send(
            h,
            200,
            {
                "batch_id": body["batch_id"],
                "accepted": 0 if duplicate else len(body["segments"]),
                "duplicate": duplicate,
            },
        )

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler, status: int, body: dict | None, headers: dict | None = None
    ) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        if body is not None:
            h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)


@pytest.fixture
def fake_collector():
    server = FakeCollector()
    yield server
    server.stop()


def _auth() -> dict:
    return {"Authorization": f"Bearer {DEVICE_TOKEN}"}


def test_the_fake_stores_a_batch_once_and_says_duplicate_the_second_time(fake_collector):
    fake_collector.consent = {"decision": "granted"}
    seg = {
        "start": "2026-01-05T09:00:00+00:00",
        "end": "2026-01-05T09:01:00+00:00",
        "category": "payroll",
        "client": None,
        "app": "excel",
        "state": "active",
        "keys": 1,
        "clicks": 0,
    }
    batch = {
        "batch_id": "abcdefgh12",
        "sent_at": "2026-01-05T09:02:00+00:00",
        "rules_version": 0,
        "timezone": "UTC",
        "segments": [seg],
    }
    url = f"{fake_collector.url}/api/v1/summaries"
    first = requests.post(url, json=batch, headers=_auth(), timeout=5).json()
    second = requests.post(url, json=batch, headers=_auth(), timeout=5).json()
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    assert len(fake_collector.segments()) == 1


def test_the_fake_refuses_summaries_without_consent_and_bad_batches_with_400(fake_collector):
    url = f"{fake_collector.url}/api/v1/summaries"
    r = requests.post(url, json={}, headers=_auth(), timeout=5)
    assert (r.status_code, r.json()["error"]) == (403, "consent_required")
    fake_collector.consent = {"decision": "granted"}
    r = requests.post(url, json={"batch_id": "x"}, headers=_auth(), timeout=5)
    assert r.status_code == 400 and r.json()["fields"]


def test_the_fake_answers_304_to_its_own_etag(fake_collector):
    url = f"{fake_collector.url}/api/v1/policy"
    r = requests.get(url, headers=_auth(), timeout=5)
    r2 = requests.get(url, headers={**_auth(), "If-None-Match": r.headers["ETag"]}, timeout=5)
    assert (r.status_code, r2.status_code) == (200, 304)
