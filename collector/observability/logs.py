"""One log line per request, and JSON logs for a log shipper.

Each request gets an id: the caller's ``X-Request-Id`` when it is a short
token of safe characters (a proxy's or load balancer's id, so one request can
be followed across both logs), otherwise a fresh one. It is echoed in the
response's ``X-Request-Id`` and named in every line logged while the request
runs.

The access line carries the method, the route *template* (``/api/v1/...``,
never the concrete path, so no identifier in a URL reaches the log), the
status, the duration and, when a device token was used, the device id. It
never carries a body, a query string, a header value, a token or a password:
the fields are chosen here, nothing is copied from the request wholesale.

`serve` logs human-readable lines by default (as it always has); ``--log-format
json`` or ``BACKLIGHT_LOG_FORMAT=json`` makes every line, waitress's and the
collector's own, one JSON object (python-json-logger).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

ACCESS = logging.getLogger("backlight.access")
SERVER = logging.getLogger("backlight.server")
LOG_FORMATS = ("text", "json")
_SANE_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def route_of_request() -> str:
    """The matched route's template, or ``unmatched`` (a 404): bounded, content-free."""
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def _start() -> None:
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers["X-Request-Id"] = g.get("request_id", "")
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
    device = g.get("device")
    ACCESS.info(
        "%s %s %d %.1f ms",
        request.method,
        route_of_request(),
        response.status_code,
        duration_ms,
        extra={
            "method": request.method,
            "route": route_of_request(),
            "status": response.status_code,
            "duration_ms": round(duration_ms, 2),
            "device_id": getattr(device, "id", None),
        },
    )
    return response


def register(app: Flask) -> None:
    # First registered before_request hook runs first; after_request hooks run
    # in reverse, so this one, added before the others, logs their final answer.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)


class _RequestIdFilter(logging.Filter):
    """Stamp each record with the current request's id (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


def chosen_format(option: str | None) -> str:
    """The command-line option first, then ``BACKLIGHT_LOG_FORMAT``, then text."""
    value = (option or os.environ.get("BACKLIGHT_LOG_FORMAT") or "text").strip().lower()
    if value not in LOG_FORMATS:
        raise ValueError(f"log format {value!r}: use one of {', '.join(LOG_FORMATS)}")
    return value


def configure(log_format: str, level: int = logging.INFO) -> None:
    """Set up the process's logging for `serve`: one handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestIdFilter())
    if log_format == "json":
        formatter: logging.Formatter = JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%SZ",
        )
    else:
        formatter = logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            datefmt="%Y-%m-%dT%H:%M:%SZ",
        )
    formatter.converter = time.gmtime  # UTC, whatever the server's zone
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
