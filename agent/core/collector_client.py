"""The one HTTP client of the agent: every call to the collector goes through it.

Enrollment (``POST /enroll``), the policy (``GET /policy``), consent
(``POST /consent``), summaries (``POST /summaries``), logged work and the
employee's own figures (``/me/...``): one method each on ``CollectorClient``,
so the agent's whole use of the API reads in one place. All go through
``call``, which turns every failure into one of two exceptions:
``Unreachable`` (no answer) or ``HttpError`` (an answer that says no).

It lives apart from the uploader so the policy store, enrollment and the
tray can talk to the collector without importing the upload loop, and the
upload loop without importing them.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
#: A ``Retry-After`` longer than this is taken as this: a collector that asks
#: for days is misconfigured, and an agent must not go quiet for that long.
MAX_RETRY_AFTER_S = 6 * 3600.0
#: How long the "is it plain HTTP?" check after a failed https call may take.
PLAIN_HTTP_CHECK_S = 2.0


def agent_version() -> str:
    try:
        return metadata.version("backlight")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def os_name() -> str:
    return f"{platform.system() or 'unknown'} {platform.release()}".strip()


USER_AGENT = f"backlight-agent/{agent_version()} ({os_name()})"


def token_fingerprint(token: str | None) -> str:
    """Names a token in the outbox's notes without storing the token itself."""
    return hashlib.sha256((token or "").encode()).hexdigest()[:16]


def retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date
    (RFC 9110, 10.2.3); None when absent or unreadable (then backoff alone decides)."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER_S)


def plain_http_answers(url: str, timeout: float = PLAIN_HTTP_CHECK_S) -> str | None:
    """The ``http://`` form of an ``https://`` URL when a plain HTTP server answers
    there; None otherwise. Asked only after an https call failed, to turn a TLS
    error or a read timeout into the sentence that names the fix."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return None
    plain = urlunsplit(("http", parts.netloc, parts.path, "", ""))
    try:
        requests.get(plain.rstrip("/") + "/api/v1/health", timeout=timeout)
    except requests.RequestException:
        return None
    return plain


class Unreachable(Exception):
    """No answer: network down, DNS, TLS failure, timeout."""


class HttpError(Exception):
    """An answer that says no. ``code``, ``message`` and ``fields`` come from the
    API's error body when there is one; ``retry_after`` (seconds) from a 429's
    or a 503's ``Retry-After``."""

    def __init__(self, status: int, body: str, retry_after: float | None = None):
        self.status = status
        self.body = body
        self.retry_after = retry_after
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        parsed = parsed if isinstance(parsed, dict) else {}
        self.code = parsed.get("error")
        self.message = parsed.get("message") if isinstance(parsed.get("message"), str) else None
        fields = parsed.get("fields")
        self.fields = [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
        super().__init__(f"HTTP {status}: {body[:300]}")

    @property
    def retryable(self) -> bool:
        return self.status >= 500 or self.status in (408, 429)


class CollectorClient:
    """A requests.Session with the device token, TLS verification (optionally
    against a pinned CA bundle), timeouts and the agent's User-Agent."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
    ):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.timeout = timeout
        self.session = requests.Session()
        self.session.verify = ca_bundle or True
        self.session.headers["User-Agent"] = USER_AGENT
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.fingerprint = token_fingerprint(token)

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict | None = None,
        params: dict | None = None,
        timeout: float | None = None,
    ) -> requests.Response:
        """The response for a 2xx/304; raises Unreachable or HttpError otherwise."""
        t = self.timeout if timeout is None else (min(self.timeout[0], timeout), timeout)
        try:
            resp = self.session.request(
                method, self.base + path, json=json, headers=headers, params=params, timeout=t
            )
        except requests.RequestException as e:
            raise Unreachable(f"{type(e).__name__}: {e}") from None
        if resp.status_code >= 400:
            wait = retry_after_s(resp.headers.get("Retry-After"))
            raise HttpError(resp.status_code, resp.text, wait)
        return resp

    # -- the calls the agent makes, one method each ---------------------------
    def enroll(self, body: dict) -> dict:
        """``POST /enroll``: an enrollment token traded for a device token and the policy."""
        return self.call("POST", "/enroll", json=body).json()

    def policy(self, etag: str | None, timeout: float | None = None) -> requests.Response:
        """``GET /policy``; a 304 (no body) while ``etag`` is still the current one."""
        headers = {"If-None-Match": etag} if etag else {}
        return self.call("GET", "/policy", headers=headers, timeout=timeout)

    def send_consent(self, body: dict, timeout: float | None = None) -> None:
        """``POST /consent``: one decision (granted, declined, withdrawn)."""
        self.call("POST", "/consent", json=body, timeout=timeout)

    def send_summaries(
        self, payload: dict, queue: tuple[int, int], timeout: float | None = None
    ) -> None:
        """``POST /summaries``: one batch; ``queue`` (still queued, quarantined) rides
        along in ``Backlight-Queue`` so the collector can show a device falling behind."""
        header = {"Backlight-Queue": f"{queue[0]},{queue[1]}"}
        self.call("POST", "/summaries", json=payload, headers=header, timeout=timeout)

    def send_units(self, body: dict, timeout: float | None = None) -> None:
        """``POST /me/output-units``: work the employee logged."""
        self.call("POST", "/me/output-units", json=body, timeout=timeout)

    def my_summary(self, params: dict, timeout: float | None = None) -> dict:
        """``GET /me/summary``: the collector's own figures for this person."""
        return self.call("GET", "/me/summary", params=params, timeout=timeout).json()

    def close(self) -> None:
        self.session.close()
