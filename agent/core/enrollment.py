"""Enrolling a profile: one POST /enroll, then the device token saved for good.

Both ``backlight-agent enroll`` (an admin or user typing a token) and the
agent's own auto-enrollment from the machine config (``agent.core.auto_enroll``)
come through here, so a profile enrolled either way looks the same.

A failure says what to do about it: which of unknown, used up, expired or
revoked the token is (when the collector says), when to try again after a
429, and that an ``https://`` URL points at a plain-HTTP collector rather
than a bare TLS error or read timeout.
"""

from __future__ import annotations

import logging
import platform
import socket
from dataclasses import replace

from agent.config import AgentConfig, Paths, load_config, save_config
from agent.core.collector_client import (
    CollectorClient,
    HttpError,
    Unreachable,
    agent_version,
    plain_http_answers,
)
from agent.core.policy import PolicyStore

log = logging.getLogger(__name__)


class EnrollmentFailed(Exception):
    """The collector could not be asked (``refused`` False) or said no (``refused`` True)."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        #: Seconds the collector asked us to wait (429), or None.
        self.retry_after = retry_after

    @property
    def refused(self) -> bool:
        """A 4xx answer: asking again with the same token will not help (but after a
        timeout or a rate limit, it will)."""
        status = self.status
        return status is not None and 400 <= status < 500 and status not in (408, 429)


def enroll_profile(
    paths: Paths, url: str, token: str, user: str, ca_bundle: str | None = None
) -> AgentConfig:
    """Enroll ``user`` on this workstation and save the device token in the profile."""
    url = url.rstrip("/")
    body = {
        "enrollment_token": token,
        "hostname": (socket.gethostname() or "unknown")[:100],
        "os": (platform.system() or "unknown").lower(),
        "agent_version": agent_version(),
        "user": user[:100],
    }
    try:
        data = CollectorClient(url, None, ca_bundle).enroll(body)
    except Unreachable as e:
        raise EnrollmentFailed(_unreachable(url, str(e))) from None
    except HttpError as e:
        raise EnrollmentFailed(_refused(e), e.status, e.retry_after) from None
    paths.ensure()
    config = replace(
        load_config(paths),
        collector_url=url,
        device_id=data["device_id"],
        device_token=data["device_token"],
        ca_bundle=ca_bundle,
        user=str(data.get("user") or user),
        team=str(data["team"]) if data.get("team") else None,
    )
    policies = PolicyStore(paths.policy_cache)
    policies.accept(data["policy"], None)
    save_config(paths, config)  # last: a running core reloads on this file's change
    try:  # the same policy again, now with its ETag, so later checks cost a 304
        policies.refresh(CollectorClient(url, config.device_token, ca_bundle))
    except (Unreachable, HttpError, ValueError) as e:
        log.warning("enrolled, but fetching the policy failed: %s", e)
    return config


#: What the collector says of a token it will not take (``fields[].message``
#: of the 401), and what the person holding it can do.
TOKEN_PROBLEMS = {
    "unknown": "the collector does not know this enrollment token: check that it was "
    "copied whole and that --collector is the collector that issued it",
    "used up": "this enrollment token is used up (every use it allowed is spent): "
    "ask your admin for a new one",
    "expired": "this enrollment token has expired: ask your admin for a new one",
    "revoked": "this enrollment token was revoked by an admin: ask your admin for a new one",
}


def _refused(e: HttpError) -> str:
    if e.status == 429:
        wait = f"{e.retry_after:.0f} s" if e.retry_after is not None else "a minute"
        return f"the collector is rate limiting enrollments (429): try again in {wait}"
    if e.status == 401:
        why = next(
            (f.get("message") for f in e.fields if f.get("field") == "enrollment_token"), None
        )
        if why in TOKEN_PROBLEMS:
            return f"{TOKEN_PROBLEMS[why]} (401)"
    return f"the collector refused the enrollment ({e.status}): {e.body[:300]}"


def _unreachable(url: str, error: str) -> str:
    plain = plain_http_answers(url)
    if plain:
        return (
            f"{url} does not answer HTTPS, but a plain-HTTP collector answers at {plain}: "
            f"use --collector {plain} (or put TLS in front of the collector)"
        )
    if "CERTIFICATE_VERIFY_FAILED" in error:
        return (
            f"the collector at {url} has a certificate this computer does not trust: "
            f"pass --ca-bundle PATH with the CA that signed it ({error})"
        )
    return f"cannot reach the collector at {url}: {error}"
