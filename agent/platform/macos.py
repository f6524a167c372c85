"""The foreground app, its window title and idle time on macOS, through pyobjc.

The native calls live in ``MacApi`` (imported only when the probe starts, so
this module loads on any OS) and the probe's decisions are tested with a fake
in its place: which window is the front app's, what a locked screen looks
like, and when to tell the employee that titles are hidden.

macOS guards two things the agent uses behind permissions the employee grants
in System Settings > Privacy & Security:

- Screen Recording: without it ``CGWindowListCopyWindowInfo`` leaves out
  every other app's window *names* (owners and positions still come back).
  Tracking still works per application; rules that look at titles do not.
- Accessibility (Input Monitoring): without it pynput receives no key or
  mouse events, so counts stay zero; idle time still works, because
  ``CGEventSourceSecondsSinceLastEventType`` needs no permission.

The frontmost application comes from ``NSWorkspace``, which is refreshed by
notifications on the main run loop: the tray (Qt runs that loop) sees
changes at once. This has not been exercised on a Mac in this repository's
tests; only the logic behind the seam has.
"""

from __future__ import annotations

import logging
import os
from typing import Any, NamedTuple

from agent.platform.base import ForegroundProbe, ProbeUnavailable, ProcessNames, Window

__all__ = ["MacApi", "MacProbe", "MacWindow", "FrontApp"]

log = logging.getLogger(__name__)

MAX_TITLE = 2048
LOCK_SCREEN_BUNDLES = frozenset({"com.apple.loginwindow", "com.apple.ScreenSaver.Engine"})

TITLES_HIDDEN = (
    "window titles are hidden: macOS has not given Backlight the Screen Recording "
    "permission, so only the application is known and rules that look at titles "
    "cannot match (System Settings > Privacy & Security > Screen Recording)"
)
NO_ACCESSIBILITY = (
    "keys and clicks are not counted: macOS has not given Backlight the Accessibility "
    "permission (System Settings > Privacy & Security > Accessibility); "
    "idle time still works"
)


class FrontApp(NamedTuple):
    pid: int
    name: str  # localized display name, a last resort for the app name
    bundle_id: str
    exe: str


class MacWindow(NamedTuple):
    pid: int
    layer: int
    name: str | None  # None: the key was absent (hidden without Screen Recording)


class MacApi:
    """The pyobjc calls. Needs pyobjc-framework-Cocoa and pyobjc-framework-Quartz."""

    def __init__(self) -> None:
        import AppKit
        import Quartz

        self._workspace = AppKit.NSWorkspace.sharedWorkspace()
        self._q = Quartz

    def frontmost(self) -> FrontApp | None:
        app = self._workspace.frontmostApplication()
        if app is None:
            return None
        url = app.executableURL()
        return FrontApp(
            int(app.processIdentifier()),
            str(app.localizedName() or ""),
            str(app.bundleIdentifier() or ""),
            str(url.path()) if url is not None else "",
        )

    def windows(self) -> list[MacWindow]:
        """On-screen windows, front to back."""
        q = self._q
        options = q.kCGWindowListOptionOnScreenOnly | q.kCGWindowListExcludeDesktopElements
        found = q.CGWindowListCopyWindowInfo(options, q.kCGNullWindowID) or []
        return [
            MacWindow(
                int(w.get(q.kCGWindowOwnerPID, 0)),
                int(w.get(q.kCGWindowLayer, 0)),
                None if w.get(q.kCGWindowName) is None else str(w.get(q.kCGWindowName)),
            )
            for w in found
        ]

    def seconds_since_input(self) -> float:
        q = self._q
        return float(
            q.CGEventSourceSecondsSinceLastEventType(
                q.kCGEventSourceStateHIDSystemState, q.kCGAnyInputEventType
            )
        )

    def screen_recording_allowed(self) -> bool | None:
        """None on macOS before 10.15, which has no such permission check."""
        check = getattr(self._q, "CGPreflightScreenCaptureAccess", None)
        return None if check is None else bool(check())

    def accessibility_trusted(self) -> bool | None:
        try:
            from ApplicationServices import AXIsProcessTrusted
        except ImportError:
            return None
        return bool(AXIsProcessTrusted())


class MacProbe(ForegroundProbe):
    name = "macos"

    def __init__(self, api: Any = None, *, names: ProcessNames | None = None):
        """``api`` is a ``MacApi`` or a test's fake with the same methods."""
        super().__init__()
        self.api = api
        self.names = names or ProcessNames()
        self.own_pid = os.getpid()
        self._titles_hidden: bool | None = None  # None: not known yet

    def start(self) -> None:
        if self.api is None:
            try:
                self.api = MacApi()
            except ImportError as e:
                raise ProbeUnavailable(
                    f"pyobjc is not installed, so macOS windows cannot be read ({e.name})"
                ) from e
        allowed = self.api.screen_recording_allowed()
        if allowed is not None:
            self._titles_hidden = not allowed
        else:
            self._titles_hidden = _names_missing(self.api.windows(), self.own_pid)
        if self.api.accessibility_trusted() is False:
            self._limit(NO_ACCESSIBILITY)

    def limitations(self) -> list[str]:
        limits = list(self._limits)
        if self._titles_hidden:
            limits.insert(0, TITLES_HIDDEN)
        return limits

    def foreground(self) -> Window | None:
        try:
            front = self.api.frontmost()
            if front is None or front.bundle_id in LOCK_SCREEN_BUNDLES:
                return None
            windows = self.api.windows()
        except Exception as e:  # an app quitting mid-call: this poll has no answer
            log.debug("frontmost application unavailable: %s", e)
            return None
        title = ""
        for w in windows:
            if w.pid == front.pid and w.layer == 0 and w.name:
                title = w.name[:MAX_TITLE]
                break
        if self._titles_hidden is not False:
            # Looked at on every poll, so a permission granted later clears the warning.
            seen = _names_missing(windows, self.own_pid)
            self._titles_hidden = self._titles_hidden if seen is None else seen
        found = self.names.lookup(front.pid)
        if found is not None:
            return Window(found[0], title, front.pid, found[1] or front.exe)
        app = os.path.basename(front.exe) or front.name or "unknown"
        return Window(app, title, front.pid, front.exe)

    def idle_seconds(self) -> float | None:
        try:
            return max(0.0, self.api.seconds_since_input())
        except Exception:  # a transient Quartz failure: the input monitor still answers
            return None


def _names_missing(windows: list[MacWindow], own_pid: int) -> bool | None:
    """Without the permission no other app's window carries a name key at all;
    None when there is no other app's window to tell by."""
    others = [w for w in windows if w.pid != own_pid and w.layer == 0]
    if not others:
        return None
    return all(w.name is None for w in others)
