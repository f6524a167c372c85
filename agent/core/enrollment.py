"""Enrolling a profile: one POST /enroll, then the device token saved for good.

Both ``backlight-agent enroll`` (an admin or user typing a token) and the
agent's own auto-enrollment from the machine config (``agent.core.auto_enroll``)
come through here, so a profile enrolled either way looks the same.
"""

from __future__ import annotations

import logging
import platform
import socket
from dataclasses import replace

from agent.config import AgentConfig, Paths, load_config, save_config
from agent.core.collector_client import CollectorClient, HttpError, Unreachable, agent_version
from agent.core.policy import PolicyStore

log = logging.getLogger(__name__)


class EnrollmentFailed(Exception):
    """The collector could not be asked (``refused`` False) or said no (``refused`` True)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status

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
        raise EnrollmentFailed(f"cannot reach the collector at {url}: {e}") from None
    except HttpError as e:
        raise EnrollmentFailed(
            f"the collector refused the enrollment ({e.status}): {e.body[:300]}", e.status
        ) from None
    paths.ensure()
    config = replace(
        load_config(paths),
        collector_url=url,
        device_id=data["device_id"],
        device_token=data["device_token"],
        ca_bundle=ca_bundle,
        user=user,
    )
    policies = PolicyStore(paths.policy_cache)
    policies.accept(data["policy"], None)
    save_config(paths, config)  # last: a running core reloads on this file's change
    try:  # the same policy again, now with its ETag, so later checks cost a 304
        policies.refresh(CollectorClient(url, config.device_token, ca_bundle))
    except (Unreachable, HttpError, ValueError) as e:
        log.warning("enrolled, but fetching the policy failed: %s", e)
    return config
