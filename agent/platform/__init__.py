"""Pick the foreground probe for this desktop, once, when the agent starts.

The platform modules import their native libraries (python-xlib, ctypes'
user32, pyobjc, jeepney) only when a probe starts, so this package imports
anywhere, including CI machines with no desktop at all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from agent.platform.base import ForegroundProbe, ProbeUnavailable, ProcessNames, Window

__all__ = [
    "ForegroundProbe",
    "ProbeUnavailable",
    "ProcessNames",
    "Window",
    "create_probe",
    "detect_platform",
]

PLATFORMS = ("x11", "wayland", "windows", "macos", "unsupported")


def detect_platform(env: Mapping[str, str] = os.environ, sys_platform: str = sys.platform) -> str:
    """One of PLATFORMS.

    A Wayland session counts as Wayland even when ``DISPLAY`` is set too:
    that display is XWayland, which sees only the X11 applications, so an
    X11 probe there would report the last X11 window while the person works
    in a native Wayland one. Saying "Wayland" and its limits is honest;
    reporting the wrong window is not.
    """
    if sys_platform.startswith("win") or sys_platform == "cygwin":
        return "windows"
    if sys_platform == "darwin":
        return "macos"
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return "wayland"
    if env.get("DISPLAY"):
        return "x11"
    return "unsupported"


def create_probe(
    env: Mapping[str, str] | None = None, sys_platform: str | None = None
) -> ForegroundProbe:
    """The probe for this desktop (not started). Raises ProbeUnavailable when there
    is no desktop the agent knows how to watch."""
    env = os.environ if env is None else env
    kind = detect_platform(env, sys.platform if sys_platform is None else sys_platform)
    if kind == "x11":
        from agent.platform.x11 import X11Probe

        return X11Probe(env.get("DISPLAY"))
    if kind == "wayland":
        from agent.platform.wayland import WaylandProbe

        return WaylandProbe()
    if kind == "windows":
        from agent.platform.windows import WindowsProbe

        return WindowsProbe()
    if kind == "macos":
        from agent.platform.macos import MacProbe

        return MacProbe()
    raise ProbeUnavailable(
        "no graphical session found (neither DISPLAY nor WAYLAND_DISPLAY is set); "
        "the agent has to run inside the employee's desktop session"
    )
