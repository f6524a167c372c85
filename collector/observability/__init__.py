"""What an operator watches: request ids and logs, Prometheus metrics, and the
database health check (docs/design.md §6, issue 13 "Operations").

`register(app)` wires all of it into `create_app` in one line. Request ids
come first, so every later hook and log line can name the request.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from collector.observability import logs, metrics

    logs.register(app)
    metrics.register(app)
