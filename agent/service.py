"""Headless mode: the agent's core with no window, until the session ends.

Logout and shutdown reach it as signals: SIGTERM on Linux (systemd, the
session manager) and macOS (launchd), SIGHUP when its terminal goes away,
SIGINT for Ctrl+C, SIGBREAK for a closed console window on Windows. Any of
them ends it the same way: the open segment is closed at that moment and
written to the outbox, one last upload is tried with a short timeout (what
does not make it stays queued for next time), and the process exits 0.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

from agent.config import Paths
from agent.core.facade import AgentCore

log = logging.getLogger(__name__)

#: Session managers give a process a few seconds after SIGTERM before SIGKILL.
FINAL_UPLOAD_TIMEOUT_S = 5.0

_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK")


def run_headless(
    paths: Paths,
    final_upload_timeout: float = FINAL_UPLOAD_TIMEOUT_S,
    enroller: Callable | None = None,
) -> int:
    """Run until a signal; returns the exit code. ``enroller``: see ``agent.core.auto_enroll``."""
    stop = threading.Event()
    received: list[str] = []

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signal.Signals(signum).name)
        stop.set()

    for name in _SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), on_signal)

    core = AgentCore(paths, enroller=enroller)
    core.start()
    _explain(core)
    while not stop.wait(1.0):  # a timed wait, so signals are handled promptly everywhere
        pass
    core.stop(f"signal {received[0]}", final_upload_timeout=final_upload_timeout)
    log.info("stopped; %d segment(s) still queued", _queued(paths))
    return 0


def _explain(core: AgentCore) -> None:
    """Say why nothing is tracked, when nothing is: there is no tray to show it."""
    state = core.state()
    log.info("agent running (probe: %s, profile: %s)", state.probe, core.paths.config_file)
    for limit in state.limitations:
        log.warning("limitation: %s", limit)
    if not state.enrolled and core.enroller is not None:
        log.info("not enrolled yet: enrolling from the machine config")
    elif not state.enrolled:
        log.warning("not enrolled: run `backlight-agent enroll --collector URL --token TOKEN`")
    if state.consent != "granted":
        log.warning(
            "consent is %s: nothing is tracked; see `backlight-agent consent show`",
            state.consent,
        )


def _queued(paths: Paths) -> int:
    from agent.outbox import Outbox

    outbox = Outbox(paths.outbox, recover=False)
    try:
        return outbox.stats().queued_segments
    finally:
        outbox.close()
