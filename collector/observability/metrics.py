"""`GET /metrics`: the collector's figures in Prometheus text format.

Counted per request (after_request): requests by route template, method and
status; latency by route; and for `POST /api/v1/summaries` the batches and
segments stored, found duplicate, or refused. Read at scrape time: the
interruption recount backlog (the rollup work still queued, store/
interruptions.py) and the database's size on disk (file + WAL).

Who may read it. The figures hold no personal data, but routes, rates and
sizes still describe the organisation, so the default asks for a bearer API
key (any role; a manager key for one team is enough for a scraper). An
operator whose Prometheus runs on the collector's own host may set
``METRICS_ALLOW_LOOPBACK`` (``BACKLIGHT_METRICS_ALLOW_LOOPBACK=1``) so that
requests *from* 127.0.0.1/::1 need no key. That is off by default because a
reverse proxy on the same host makes every outside request arrive from
127.0.0.1 unless TRUSTED_PROXIES is set (docs/deploy.md).

Each app has its own registry, so tests that build many apps do not share
counters. Several server processes (the Scale issue) would each count their
own requests; prometheus-client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``,
a `MultiProcessCollector` in the scrape view, `mark_process_dead` on exit,
``multiprocess_mode`` on the gauges) would then sum them. Not built here: the
collector is one process today.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import time
from pathlib import Path

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from werkzeug.exceptions import HTTPException

from collector.observability.logs import route_of_request

_EXTENSION = "backlight.metrics"
_INGEST_ENDPOINT = "api.post_summaries"
#: Ingest of 500 segments takes tens of ms; reports up to a second or two.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "backlight_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "backlight_http_request_duration_seconds",
            "Time to answer a request, by route template.",
            ["route"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.batches = Counter(
            "backlight_ingest_batches",
            "Summary batches received: stored, duplicate (a retry, stored once) or refused.",
            ["outcome"],
            registry=r,
        )
        self.segments = Counter(
            "backlight_ingest_segments",
            "Segments in summary batches: stored or refused.",
            ["outcome"],
            registry=r,
        )
        self.backlog = Gauge(
            "backlight_rollup_queue_person_days",
            "Person-days waiting for their interruption recount (the rollup work queue).",
            registry=r,
        )
        self.db_bytes = Gauge(
            "backlight_database_size_bytes",
            "Size of the SQLite database on disk, write-ahead log included.",
            registry=r,
        )
        for outcome in ("stored", "duplicate", "refused"):
            self.batches.labels(outcome)
        for outcome in ("stored", "refused"):
            self.segments.labels(outcome)


def _metrics() -> Metrics:
    return current_app.extensions[_EXTENSION]


def _observe(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:
        return response
    m = _metrics()
    route = route_of_request()
    m.requests.labels(route, request.method, str(response.status_code)).inc()
    m.latency.labels(route).observe(time.perf_counter() - started)
    if request.endpoint == _INGEST_ENDPOINT:
        _count_ingest(m, response)
    return response


def _count_ingest(m: Metrics, response: Response) -> None:
    if response.status_code == 200:
        # The view's outcome (api/devices.py), so the answer need not be parsed back.
        outcome = g.get("ingest_outcome")
        if outcome is None:
            body = response.get_json(silent=True) or {}
            outcome = (int(body.get("accepted") or 0), bool(body.get("duplicate")))
        accepted, duplicate = outcome
        m.batches.labels("duplicate" if duplicate else "stored").inc()
        m.segments.labels("stored").inc(accepted)
        return
    m.batches.labels("refused").inc()
    try:  # the body as the view saw it; a body too large was never read
        sent = request.get_json(silent=True)
    except HTTPException:
        return
    segments = sent.get("segments") if isinstance(sent, dict) else None
    if isinstance(segments, list):
        m.segments.labels("refused").inc(len(segments))


def database_bytes(path: str) -> int:
    total = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):  # no WAL (yet): nothing to add
            total += Path(path + suffix).stat().st_size
    return total


def _loopback_allowed(app: Flask) -> bool:
    raw = app.config.get("METRICS_ALLOW_LOOPBACK")
    if raw is None:
        raw = os.environ.get("BACKLIGHT_METRICS_ALLOW_LOOPBACK", "")
    if str(raw).strip().lower() not in ("1", "true", "yes", "on"):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _scrape() -> Response:
    from collector import auth
    from collector.api.errors import from_service
    from collector.db import get_store
    from collector.service.errors import ServiceError

    if not _loopback_allowed(current_app):
        try:
            auth.current_principal("manager")
        except ServiceError as exc:
            return from_service(exc).response()
    m = _metrics()
    store = get_store()
    m.backlog.set(store.recount_backlog())
    m.db_bytes.set(database_bytes(store.path))
    return Response(generate_latest(m.registry), content_type=CONTENT_TYPE_LATEST)


def register(app: Flask) -> None:
    disable_created_metrics()  # the *_created series only double the page
    app.extensions[_EXTENSION] = Metrics()
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", _scrape, methods=["GET"])
