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
from importlib import metadata
from typing import Any

import requests

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0


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


class Unreachable(Exception):
    """No answer: network down, DNS, TLS failure, timeout."""


class HttpError(Exception):
    def __init__(self, status: int, body: str):
        self.status = status
        self.body = body
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        self.code = parsed.get("error") if isinstance(parsed, dict) else None
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
            raise HttpError(resp.status_code, resp.text)
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
