"""The platform layer: what the agent sees of this desktop, chosen once, at start.

Two parts behind one small interface (``base``): the foreground probe of
this desktop (``x11``, ``wayland``, ``windows``, ``macos``; ``fixed`` for
tests) and the key and click counter (``input``, pynput on every platform).
``default_probe_factory`` and ``default_input_factory`` are what the core
uses; ``BACKLIGHT_AGENT_PROBE`` (see ``fixed``) swaps both for tests.

The platform modules import their native libraries (python-xlib, ctypes'
user32, pyobjc, jeepney, pynput) only when a probe or listener starts, so
this package imports anywhere, including CI machines with no desktop at all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

from agent.platform.base import (
    ForegroundProbe,
    InputSource,
    Probe,
    ProbeUnavailable,
    ProcessNames,
    SessionLock,
    Window,
)
from agent.platform.fixed import ENV_PROBE, FixedProbe

__all__ = [
    "ENV_PROBE",
    "FixedProbe",
    "ForegroundProbe",
    "InputSource",
    "Probe",
    "ProbeUnavailable",
    "ProcessNames",
    "SessionLock",
    "Window",
    "create_input",
    "create_probe",
    "default_input_factory",
    "default_lock_factory",
    "default_probe_factory",
    "detect_platform",
    "open_session_lock",
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


def create_input() -> InputSource:
    """The key and click counter for this desktop (not started).

    pynput serves every platform the agent runs on; it needs a display when
    imported, hence the late import (``start()`` reports what is missing).
    """
    from agent.platform.input import InputMonitor

    return InputMonitor()


def default_probe_factory() -> Probe:
    """The probe the agent runs with: the fixed test probe when
    ``BACKLIGHT_AGENT_PROBE`` says so, else this desktop's."""
    spec = os.environ.get(ENV_PROBE)
    if spec:
        return FixedProbe.from_spec(spec)
    return create_probe()


def default_lock_factory() -> SessionLock | None:
    """logind's lock signal on Linux desktops (X11 and Wayland); None elsewhere,
    and under the fixed test probe (no session to lock)."""
    if os.environ.get(ENV_PROBE) or detect_platform() not in ("x11", "wayland"):
        return None
    from agent.platform.session_lock import LogindLock

    return LogindLock()


def open_session_lock(
    factory: Callable[[], SessionLock | None],
) -> tuple[SessionLock | None, str | None]:
    """The lock signal and, when it cannot be read here, the limitation to show."""
    try:
        lock = factory()
        if lock is None or lock.locked() is not None:
            return lock, None
        return lock, (
            f"a locked screen is not noticed here ({lock.problem}); "
            "idle time still ends active time"
        )
    except Exception as e:  # a nicety: tracking goes on without it
        return None, f"a locked screen is not noticed here ({type(e).__name__}: {e})"


def default_input_factory() -> Callable[[], InputSource] | None:
    """None (no counting) under the fixed test probe, else ``create_input``."""
    if os.environ.get(ENV_PROBE):
        return None
    return create_input
