"""Counts of key presses and mouse clicks, and the time of the last input.

Only counts: the key callback takes the key pynput hands it as an argument
and lets it go; no attribute, closure or queue of this module ever holds a
key (tests/agent/platform/test_input_monitor.py proves it). That is the promise of
docs/design.md §2 and §5: key *values* are never read, stored or sent.

What is counted:

- a key press is one key (releases and auto-repeat releases are not);
- a mouse button press is one click (releases are not);
- scrolling counts as one click per burst: wheel notches less than
  ``SCROLL_BURST_S`` apart are one gesture, so reading down a long page does
  not look like hundreds of clicks;
- pointer movement counts nothing but is input, so it resets the idle clock.

Synthetic input (XTEST, SendInput: automation tools, remote desktops,
on-screen keyboards) is counted like any other; it cannot be told apart
reliably from hardware on every platform, and the tests drive the monitor
with xdotool, which is synthetic.

pynput chooses its backend when it is imported and fails without a display,
so it is imported in ``start()``; this module imports anywhere.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["InputMonitor"]

log = logging.getLogger(__name__)

#: Wheel events closer together than this are one scroll gesture.
SCROLL_BURST_S = 1.0
#: How long start() waits for the listeners to connect before giving up.
READY_TIMEOUT_S = 5.0
#: How long stop() waits for the listener threads (see stop()).
STOP_WAIT_S = 0.5


class InputMonitor:
    """pynput keyboard and mouse listeners feeding thread-safe counters.

    The listener threads call the ``_on_*`` methods; the tracker thread calls
    ``take_counts`` and ``seconds_since_input``. Counters change under a lock;
    the last-input time is a single float assignment, which is atomic, so the
    frequent pointer-move callback stays lock-free and cheap.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.problem: str | None = None
        self._lock = threading.Lock()
        self._keys = 0
        self._clicks = 0
        self._last_input: float | None = None
        self._last_scroll = float("-inf")
        self._listening = False
        self._started_at: float | None = None
        self._listeners: list[Any] = []

    # -- life cycle -------------------------------------------------------------
    def start(self) -> bool:
        """Listen; False (and ``problem`` in plain words) when this desktop will not let us."""
        if self._listeners:
            return True
        try:
            from pynput import keyboard, mouse
        except Exception as e:  # ImportError with no display, or a broken backend
            return self._fail(f"key and mouse events cannot be heard here ({_first_line(e)})")
        try:
            self._listeners = [
                keyboard.Listener(on_press=self._on_key),
                mouse.Listener(
                    on_move=self._on_move, on_click=self._on_click, on_scroll=self._on_scroll
                ),
            ]
            for listener in self._listeners:
                listener.start()
        except Exception as e:
            self.stop()
            return self._fail(f"key and mouse events cannot be heard: {_first_line(e)}")
        for listener in self._listeners:
            if not _wait_ready(listener, READY_TIMEOUT_S):
                self.stop()
                return self._fail(
                    "key and mouse events cannot be heard: the input listener did not start "
                    "(on X11 the server needs the RECORD extension)"
                )
            if getattr(listener, "IS_TRUSTED", True) is False:  # macOS without permission
                self.stop()
                return self._fail(
                    "keys and clicks are not counted: macOS has not given Backlight the "
                    "Accessibility permission (System Settings > Privacy & Security)"
                )
        self._started_at = self.clock()
        self._listening = True
        self.problem = None
        return True

    def stop(self) -> None:
        """Stop counting at once; the listener threads end soon after.

        Nothing is counted once this returns (the callbacks check ``_listening``
        first). pynput's X11 listeners leave their thread only when the next
        input event arrives, so this waits briefly for them and then lets the
        daemon threads finish on their own: a pause or a withdrawal of consent
        must not hold the tracker up for seconds.
        """
        self._listening = False
        listeners, self._listeners = self._listeners, []
        for listener in listeners:
            try:
                listener.stop()
            except Exception:
                log.debug("stopping an input listener failed", exc_info=True)
        deadline = time.monotonic() + STOP_WAIT_S
        for listener in listeners:
            try:
                listener.join(max(0.0, deadline - time.monotonic()))
            except Exception:  # pynput re-raises a listener's own failure here
                log.debug("input listener ended with an error", exc_info=True)

    def _fail(self, problem: str) -> bool:
        self.problem = problem
        return False

    # -- what the tracker reads ----------------------------------------------------
    def take_counts(self) -> tuple[int, int]:
        """Keys and clicks since the previous call, and start again from zero."""
        with self._lock:
            counts = (self._keys, self._clicks)
            self._keys = self._clicks = 0
        return counts

    def seconds_since_input(self) -> float | None:
        """Seconds since the last event heard; before any, since listening began.

        Either way the answer is an upper bound on the true idle time (input
        the listener cannot hear only makes the real figure smaller), which is
        why the tracker takes the smaller of this and the probe's own answer.
        """
        last = self._last_input if self._last_input is not None else self._started_at
        if last is None:
            return None
        return max(0.0, self.clock() - last)

    # -- listener callbacks (listener threads) -----------------------------------
    # Each takes pynput's arguments as *_ and never names them: the key that
    # on_press receives is not bound to anything that outlives the call.
    def _on_key(self, *_: object) -> None:
        if not self._listening:
            return
        now = self.clock()
        with self._lock:
            self._keys += 1
        self._last_input = now

    def _on_click(self, _x: object, _y: object, _b: object, pressed: object, *_: object) -> None:
        if not self._listening:
            return
        now = self.clock()
        if pressed:
            with self._lock:
                self._clicks += 1
        self._last_input = now

    def _on_scroll(self, *_: object) -> None:
        if not self._listening:
            return
        now = self.clock()
        with self._lock:
            if now - self._last_scroll >= SCROLL_BURST_S:
                self._clicks += 1
            self._last_scroll = now
        self._last_input = now

    def _on_move(self, *_: object) -> None:
        if self._listening:
            self._last_input = self.clock()


def _wait_ready(listener: Any, timeout: float) -> bool:
    """pynput's own ``wait()`` blocks forever when its thread dies before it is ready
    (no RECORD extension, display gone), so watch the thread as well."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if getattr(listener, "_ready", True):
            return True
        if not listener.is_alive():
            return False
        time.sleep(0.01)
    return False


def _first_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__
