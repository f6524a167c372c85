"""``backlight-agent upload``: send what waits now, and say what was sent.

Two ways, one answer. When no agent runs on the profile, the command takes
the profile's lock and runs one upload round itself (``upload_here``). When
one runs, the outbox is the running agent's to send from (two senders could
post the same batch twice), so the command asks it: it writes a request id
to ``upload-request`` beside the outbox, the agent's service thread notices
the file change within a second, runs a round at once, and leaves its answer
in the outbox's note ``upload_answer`` under the same id, which the command
reads (``ask_running_agent``).

Either way the answer is a plain dict: ``ok``, ``sent`` (segments, batches,
consent decisions, work items), ``queued`` (segments still waiting),
``error`` and ``rate_limited_until`` (the collector's Retry-After, which no
upload, asked for or not, runs before), ``asked`` (whether the collector
was contacted at all).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict

from agent.config import AgentConfig, Paths, file_signature, write_private_json
from agent.core.collector_client import CollectorClient
from agent.core.consent import ConsentBook
from agent.core.policy import PolicyStore
from agent.core.uploader import Uploader
from agent.outbox import Outbox

REQUEST_FILE = "upload-request"
ANSWER_META = "upload_answer"
#: How long one asked-for round may take (a week's backlog is a few dozen batches).
UPLOAD_TIMEOUT_S = 60.0


def answer(uploader: Uploader, outbox: Outbox, ok: bool, asked: bool) -> dict:
    """What a round did, as the command prints it."""
    stats = outbox.stats()
    until = uploader.rate_limited_until
    return {
        "ok": ok,
        "asked": asked,
        "sent": asdict(uploader.sent),
        "queued": stats.queued_segments,
        "error": None if ok else stats.last_error,
        "rate_limited_until": until.isoformat() if until else None,
    }


def upload_here(paths: Paths, config: AgentConfig, timeout_s: float = UPLOAD_TIMEOUT_S) -> dict:
    """One round from this process; the caller holds the profile's lock."""
    outbox = Outbox(paths.outbox)  # a crashed run's open segment is queued first
    try:
        book = ConsentBook(paths.consent_file)
        client = CollectorClient(config.collector_url, config.device_token, config.ca_bundle)
        uploader = Uploader(
            outbox,
            client,
            PolicyStore(paths.policy_cache),
            lambda: book.record.body() if book.record else None,
        )
        asked = not uploader.waiting_for_collector()
        ok = uploader.run(timeout_s=timeout_s)
        return answer(uploader, outbox, ok, asked)
    finally:
        outbox.close()


def ask_running_agent(paths: Paths, timeout_s: float = UPLOAD_TIMEOUT_S + 5) -> dict | None:
    """Ask the agent running on this profile for a round; None when it did not
    answer in time (it may still send; nothing is lost either way)."""
    request = uuid.uuid4().hex
    write_private_json(paths.data_dir / REQUEST_FILE, {"request": request})
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.2)
        outbox = Outbox(paths.outbox, recover=False)
        try:
            raw = outbox.get_meta(ANSWER_META)
        finally:
            outbox.close()
        try:
            got = json.loads(raw) if raw else None
        except ValueError:
            got = None
        if isinstance(got, dict) and got.get("request") == request:
            return got
    return None


class UploadRequests:
    """The running agent's side: a new request id in the file, once each."""

    def __init__(self, paths: Paths):
        self.file = paths.data_dir / REQUEST_FILE
        self._seen = file_signature(self.file)

    def new_request(self) -> str | None:
        seen = file_signature(self.file)
        if seen == self._seen or seen is None:
            return None
        self._seen = seen
        try:
            request = json.loads(self.file.read_text("utf-8")).get("request")
        except (OSError, ValueError, AttributeError):
            return None
        return request if isinstance(request, str) else None
