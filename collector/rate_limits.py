"""Rate limits on ingest: per credential (device) and per client address.

What they are for: a broken or hostile client that posts in a tight loop
must not take the collector's one writer from everyone else. What they must
not do: refuse a real fleet. An agent posts every few minutes; after a week
offline it posts its backlog back to back (a week is a few dozen batches of
500 segments). So the defaults are far above both:

* per device token (or API key): ``RATE_LIMIT_DEVICE``, default
  1,200 requests per 10 minutes, two a second sustained, 1,200 at once;
* per address: ``RATE_LIMIT_ADDRESS``, default 50,000 per 10 minutes (2,000
  agents behind one NAT posting every five minutes make 4,000).

Each is a `limits` string ("600 per 10 minutes"), from app config or
``BACKLIGHT_RATE_LIMIT_DEVICE`` / ``..._ADDRESS``. Over a limit the answer is
429 with ``Retry-After`` (seconds) and the API's error body; the request is
not looked at further, so nothing is stored, and the agent retries later.

Same idea as sign-in's per-address limit (dashboard/signin_limits.py: in
memory, the address as ProxyFix leaves it), with a sliding-window counter
instead of a moving window: constant work per request at these much larger
counts (collector/sliding_window.py; the limit strings are still parsed by
the `limits` package). The device key is a digest of the bearer token,
so the check runs before the token is looked up and costs no query; an
unknown token only ever spends its own bucket and the address's. Counts
live in this process; a restart forgets them.
"""

from __future__ import annotations

import hashlib
import math
import os

from flask import Flask, Response, current_app, request
from limits import RateLimitItem, parse

from collector.api.errors import ApiError
from collector.sliding_window import SlidingWindowCounter

DEVICE_DEFAULT = "1200 per 10 minutes"
ADDRESS_DEFAULT = "50000 per 10 minutes"
#: The endpoints (blueprint.view) that store what clients send.
LIMITED = frozenset(
    {"api.post_summaries", "api.post_output_units", "api.my_output_units", "api.enroll"}
)
#: The same, as paths, for the OpenAPI document (429 is declared on them).
LIMITED_PATHS = frozenset(
    {"/api/v1/summaries", "/api/v1/output-units", "/api/v1/me/output-units", "/api/v1/enroll"}
)
_EXTENSION = "backlight.rate_limits"


class _Limit:
    def __init__(self, text: str) -> None:
        self.item: RateLimitItem = parse(text)
        self.counter = SlidingWindowCounter(self.item.amount, self.item.get_expiry())


class _Limits:
    def __init__(self, app: Flask) -> None:
        self.device = _Limit(_setting(app, "RATE_LIMIT_DEVICE", DEVICE_DEFAULT))
        self.address = _Limit(_setting(app, "RATE_LIMIT_ADDRESS", ADDRESS_DEFAULT))


def _setting(app: Flask, key: str, default: str) -> str:
    return str(app.config.get(key) or os.environ.get(f"BACKLIGHT_{key}") or default)


def _credential_key() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return hashlib.sha256(token.strip().encode()).hexdigest()[:32]


def _check() -> Response | None:
    if request.method != "POST" or request.endpoint not in LIMITED:
        return None
    state: _Limits = current_app.extensions[_EXTENSION]
    checks = [(state.address, f"address:{request.remote_addr or 'unknown'}", "this address")]
    credential = _credential_key()
    if credential is not None:
        checks.append((state.device, f"credential:{credential}", "this device"))
    for limit, key, who in checks:
        if not limit.counter.hit(key):
            wait = max(1, math.ceil(limit.counter.retry_after(key)))
            return ApiError(
                429,
                "rate_limited",
                f"too many requests from {who} (limit {limit.item}); nothing was stored; "
                f"retry after {wait} s",
                headers={"Retry-After": str(wait)},
            ).response()
    return None


def register(app: Flask) -> None:
    app.extensions[_EXTENSION] = _Limits(app)
    app.before_request(_check)
