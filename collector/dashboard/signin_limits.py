"""Failed sign-ins counted per client address, on top of the per-account lock.

The account lock stops guessing one name's password; it does nothing against
one address trying a common password over many names. After
``LOGIN_ADDRESS_FAILURES`` failures within ``LOGIN_ADDRESS_WINDOW_S`` (app config,
or ``BACKLIGHT_LOGIN_ADDRESS_FAILURES`` / ``..._WINDOW_S`` in the environment) an
address gets 429 with ``Retry-After`` until the oldest failure leaves the
moving window, right password or not.

The address is ``request.remote_addr``: the peer, unless the operator set
``TRUSTED_PROXIES`` (then ProxyFix has put the proxy's X-Forwarded-For there,
see dashboard/sessions.py). Counts live in this process's memory, as the
collector is one process; a restart forgets them, which is the safe side.
"""

from __future__ import annotations

import math
import os
import time

from flask import Flask, current_app, request
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

FAILURES = 10
WINDOW_S = 15 * 60
_EXTENSION = "backlight_signin_limits"


def _limiter(app: Flask) -> tuple[MovingWindowRateLimiter, RateLimitItemPerSecond]:
    state = app.extensions.get(_EXTENSION)
    if state is None:
        item = RateLimitItemPerSecond(
            int(_setting(app, "LOGIN_ADDRESS_FAILURES", FAILURES)),
            int(_setting(app, "LOGIN_ADDRESS_WINDOW_S", WINDOW_S)),
            namespace="signin",
        )
        state = app.extensions[_EXTENSION] = (MovingWindowRateLimiter(MemoryStorage()), item)
    return state


def _setting(app: Flask, key: str, default: int) -> str | int:
    """App config first, then ``BACKLIGHT_<KEY>`` for an operator (e.g. an office
    behind one NAT address may need more than ten failures per window)."""
    return app.config.get(key) or os.environ.get(f"BACKLIGHT_{key}") or default


def client_address() -> str:
    return request.remote_addr or "unknown"


def retry_after() -> int | None:
    """Seconds this address must wait before trying again, or None when it may try."""
    limiter, item = _limiter(current_app._get_current_object())  # type: ignore[attr-defined]
    address = client_address()
    if limiter.test(item, address):
        return None
    reset = limiter.get_window_stats(item, address).reset_time
    return max(1, math.ceil(reset - time.time()))


def note_failure() -> None:
    limiter, item = _limiter(current_app._get_current_object())  # type: ignore[attr-defined]
    limiter.hit(item, client_address())
