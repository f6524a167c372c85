"""The tray's process: one per session and profile, quit by the session's signals.

``run`` starts Qt (or, without a display, headless mode), makes sure a second
start only brings the first one forward (``instance``), builds the core and
the ``TrayApp`` on top of it, and turns SIGTERM (logout), SIGINT and SIGHUP
into a clean quit: the open segment written, one short last upload.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from agent.config import AlreadyRunning, Paths
from agent.core.facade import AgentCore
from agent.tray.app import TrayApp
from agent.tray.instance import SingleInstance, ask_running_to_show, server_name
from agent.tray.screenshots import Shooter

log = logging.getLogger(__name__)


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _quit_on_signals(app: QApplication) -> QSocketNotifier | None:
    """SIGTERM (logout), SIGINT, SIGHUP end the tray cleanly, without polling:
    the signal wakes Qt's event loop through a socket pair."""
    if not hasattr(signal, "set_wakeup_fd"):
        return None
    rsock, wsock = socket.socketpair()
    rsock.setblocking(False)
    wsock.setblocking(False)
    signal.set_wakeup_fd(wsock.fileno())
    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: app.quit())
    notifier = QSocketNotifier(rsock.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        with contextlib.suppress(OSError):
            rsock.recv(64)

    notifier.activated.connect(drain)
    notifier._socks = (rsock, wsock)  # keep both ends alive with the notifier
    return notifier


def run(paths: Paths, enroller: Callable | None = None) -> int:
    """``backlight-agent`` with no arguments: the tray, one per session and profile."""
    if not _has_display():
        from agent.service import run_headless

        print("backlight-agent: no display; running headless", file=sys.stderr)
        return run_headless(paths, enroller=enroller)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backlight")
    app.setQuitOnLastWindowClosed(False)
    name = server_name(paths)
    if ask_running_to_show(name):
        print("backlight-agent: already running; asked it to show itself", file=sys.stderr)
        return 0
    try:
        core = AgentCore(paths, enroller=enroller)
    except AlreadyRunning as e:
        print(f"backlight-agent: {e}", file=sys.stderr)
        return 1
    instance = SingleInstance(name)
    if not instance.listen():
        log.warning("cannot listen on %s: a second start will not find this one", name)
    tray = TrayApp(core, shooter=Shooter.from_env())
    instance.showRequested.connect(tray.show_self)
    notifier = _quit_on_signals(app)
    app.aboutToQuit.connect(tray.shutdown)
    QTimer.singleShot(0, tray.start)
    try:
        return app.exec()
    finally:
        instance.close()
        del notifier
