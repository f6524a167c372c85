"""The one place the Qt layer meets the agent core.

The core calls its listeners from its own threads (tracker, service); Qt
widgets may only be touched from the UI thread. The bridge turns each call
into a queued Qt signal. Anything that can wait on the network (the
collector's figures for "my day") runs on a short-lived worker thread and
comes back as a signal too, so the UI never freezes while a collector is slow
or gone. Everything else the core does is quick (a lock, a small file or
SQLite write) and is called directly.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import date

from PySide6.QtCore import QObject, QThread, Signal

from agent.core.facade import AgentCore
from agent.core.state import AgentState


class CoreBridge(QObject):
    #: A fresh AgentState, delivered on the UI thread.
    stateChanged = Signal(object)
    #: (requested_day, body or None when the collector cannot be reached).
    summaryReady = Signal(object, object)
    #: ((first day, last day), body or None): My week and My month.
    rangeReady = Signal(object, object)

    def __init__(self, core: AgentCore, parent: QObject | None = None):
        super().__init__(parent)
        self.core = core
        self.state: AgentState = core.state()
        self.stateChanged.connect(self._remember)
        # Emitting on a deleted QObject crashes the process: threads that outlive the
        # tray (a slow summary request, a core notifying during shutdown) check this.
        self._gate = threading.Lock()
        self._closed = False
        self._listener = self._from_core
        core.add_listener(self._listener)

    def _emit(self, signal, *args) -> None:
        if QThread.currentThread() is self.thread():
            if not self._closed:  # on our own thread: nothing can delete us meanwhile
                signal.emit(*args)
            return
        with self._gate:
            if not self._closed:
                signal.emit(*args)

    def _from_core(self, state: AgentState) -> None:
        self._emit(self.stateChanged, state)  # from the core's thread: queued to ours

    def _remember(self, state: AgentState) -> None:
        self.state = state

    def refresh(self) -> AgentState:
        """Read the state now (after an action the core does not announce)."""
        self.state = self.core.state()
        self.stateChanged.emit(self.state)
        return self.state

    def fetch_summary(self, day: date) -> None:
        """Ask the collector for this person's totals; answers via ``summaryReady``."""

        def work() -> None:
            try:
                body = self.core.collector_summary(day, day)
            except Exception:  # a worker must never take the tray down
                body = None
            self._emit(self.summaryReady, day, body)

        threading.Thread(target=work, name="backlight-summary", daemon=True).start()

    def fetch_range(self, start: date, end: date) -> None:
        """The collector's figures for this person over a range; via ``rangeReady``."""

        def work() -> None:
            try:
                body = self.core.collector_summary(start, end)
            except Exception:  # a worker must never take the tray down
                body = None
            self._emit(self.rangeReady, (start, end), body)

        threading.Thread(target=work, name="backlight-range", daemon=True).start()

    def detach(self) -> None:
        """No more signals from other threads (call before the tray goes away)."""
        with self._gate:
            self._closed = True
        with contextlib.suppress(ValueError):
            self.core.remove_listener(self._listener)
