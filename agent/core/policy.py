"""The policy the agent follows: rules, consent text, intervals, clients.

It comes from the collector (``GET /policy``) and is cached on disk, so an
agent that starts offline works exactly as it did when it last heard from
the collector. Before the first fetch the shipped default rule pack is used,
and there is no consent text yet: nothing can be consented to (and so nothing
tracked) until a policy arrives, which enrollment provides.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.config import write_private_json
from agent.core.collector_client import CollectorClient
from agent.core.today import InterruptionRule
from shared.rules import RuleSet, default_rules

log = logging.getLogger(__name__)

DEFAULT_UPLOAD_INTERVAL_S = 300.0
DEFAULT_IDLE_AFTER_S = 300.0
#: Tests and demos run with short intervals; below this an agent fleet would
#: hammer the collector for no gain.
MIN_UPLOAD_INTERVAL_S = 5.0


@dataclass(frozen=True)
class ClientChoice:
    key: str
    name: str


@dataclass(frozen=True)
class WorkType:
    """A kind of deferred work the tray's timer offers (``work_types`` in the policy)."""

    key: str
    name: str
    function: str


@dataclass(frozen=True, eq=False)
class Policy:
    rules: RuleSet
    consent_version: int | None
    consent_text: str | None
    upload_interval_s: float
    idle_after_s: float
    clients: tuple[ClientChoice, ...]
    privacy: dict[str, Any]
    source: str  # "default" | "cache" | "collector"
    interruptions: InterruptionRule = InterruptionRule()
    work_types: tuple[WorkType, ...] = ()
    #: The organisation's key for hashing work-item references (HMAC-SHA256);
    #: None from a collector that does not take timed items yet.
    work_item_salt: str | None = None

    @property
    def rules_version(self) -> int:
        return self.rules.version

    def client_keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.clients)

    @classmethod
    def default(cls) -> Policy:
        return cls(
            rules=default_rules(),
            consent_version=None,
            consent_text=None,
            upload_interval_s=DEFAULT_UPLOAD_INTERVAL_S,
            idle_after_s=DEFAULT_IDLE_AFTER_S,
            clients=(),
            privacy={},
            source="default",
        )

    @classmethod
    def from_body(cls, body: dict, source: str) -> Policy:
        """Parse a policy body; raises ValueError (with the reason) when it is unusable."""
        try:
            version = int(body["rules_version"])
            rules = RuleSet.from_dicts(list(body["rules"]), version=version)
            consent = body["consent"]
            agent = body.get("agent") or {}
            clients = tuple(
                ClientChoice(str(c["key"]), str(c.get("name") or c["key"]))
                for c in body.get("clients") or []
            )
            return cls(
                rules=rules,
                consent_version=int(consent["version"]),
                consent_text=str(consent["text"]),
                upload_interval_s=max(
                    MIN_UPLOAD_INTERVAL_S,
                    float(agent.get("upload_interval_s", DEFAULT_UPLOAD_INTERVAL_S)),
                ),
                idle_after_s=max(1.0, float(agent.get("idle_after_s", DEFAULT_IDLE_AFTER_S))),
                clients=clients,
                privacy=dict(body.get("privacy") or {}),
                source=source,
                interruptions=_interruption_rule(body.get("interruptions")),
                work_types=_work_types(body.get("work_types")),
                work_item_salt=str(body["work_item_salt"]) if body.get("work_item_salt") else None,
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"unusable policy: {e!r}") from None


def _work_types(raw: Any) -> tuple[WorkType, ...]:
    """A malformed entry is skipped, not fatal: the rest of the policy still holds."""
    types = []
    for t in raw if isinstance(raw, list) else []:
        try:
            key = str(t["key"])
            types.append(WorkType(key, str(t.get("name") or key), str(t.get("function") or "")))
        except (KeyError, TypeError):
            log.warning("skipping a work type the policy describes badly: %r", t)
    return tuple(types)


def _interruption_rule(raw: Any) -> InterruptionRule:
    """A collector older than the ``interruptions`` block sends none: keep the defaults."""
    if not raw:
        return InterruptionRule()
    known = {f: float(raw[f]) for f in InterruptionRule.__dataclass_fields__ if f in raw}
    return InterruptionRule(**known)


class PolicyStore:
    """The current policy, its ETag, and the file that keeps both across restarts."""

    def __init__(self, cache_path: Path):
        self.cache_path = cache_path
        self._lock = threading.Lock()
        self._etag: str | None = None
        self.fetched_at: str | None = None
        self._policy = self._load()

    @property
    def current(self) -> Policy:
        return self._policy

    @property
    def etag(self) -> str | None:
        return self._etag

    def _load(self) -> Policy:
        try:
            cached = json.loads(self.cache_path.read_text("utf-8"))
            policy = Policy.from_body(cached["body"], "cache")
        except FileNotFoundError:
            return Policy.default()
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.warning("ignoring the cached policy in %s: %s", self.cache_path, e)
            return Policy.default()
        self._etag = cached.get("etag")
        self.fetched_at = cached.get("fetched_at")
        return policy

    def accept(self, body: dict, etag: str | None) -> Policy:
        """Adopt a policy from the collector and cache it; a bad one is refused whole."""
        policy = Policy.from_body(body, "collector")
        now = datetime.now(UTC).isoformat()
        with self._lock:
            write_private_json(self.cache_path, {"etag": etag, "fetched_at": now, "body": body})
            self._policy, self._etag, self.fetched_at = policy, etag, now
        return policy

    def refresh(self, client: CollectorClient, timeout: float | None = None) -> bool:
        """Ask the collector for a newer policy; True when it changed.

        Network errors and error statuses propagate (as the client raises
        them): the caller decides whether that means offline or unauthorised.
        An unchanged policy costs one 304 round trip.
        """
        resp = client.policy(self._etag, timeout=timeout)
        if resp.status_code == 304:
            return False
        body = resp.json()
        old = self._policy
        new = self.accept(body, resp.headers.get("ETag"))
        return old.source == "default" or _differs(old, new)


def _differs(a: Policy, b: Policy) -> bool:
    return (
        a.rules_version != b.rules_version
        or a.consent_version != b.consent_version
        or a.upload_interval_s != b.upload_interval_s
        or a.idle_after_s != b.idle_after_s
        or a.clients != b.clients
        or a.rules.rules != b.rules.rules
    )
