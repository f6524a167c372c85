"""The platform layer's interface: the ``Probe`` and ``InputSource`` the tracker
drives, the ``Window`` a probe reports, the error it raises when it cannot work
at all, and the process-name lookup the probes share.

A probe answers two questions about once a second: which window is in front
(``foreground``) and how long the person has been away from the keyboard and
mouse (``idle_seconds``). It must be cheap (the agent's footprint is a
feature) and it must never take tracking down: a window that vanished
between two calls, a process that exited, or a denied permission all come
back as "don't know" (``None`` or an empty string), not as an exception.
What a probe cannot see on this machine is said once, in plain words, by
``limitations()``; ``backlight-agent status`` shows those lines to the
employee.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple, Protocol

import psutil

__all__ = [
    "ForegroundProbe",
    "InputSource",
    "Probe",
    "ProbeUnavailable",
    "SessionLock",
    "ProcessNames",
    "Window",
]


class Window(NamedTuple):
    """The foreground window. ``title`` stays on the workstation (rules only)."""

    app: str  # process name, e.g. "xterm", "EXCEL.EXE"
    title: str
    pid: int = 0
    exe: str = ""


class Probe(Protocol):
    """What the tracker asks of a probe; ``ForegroundProbe`` is the usual base."""

    name: str

    def start(self) -> None: ...
    def foreground(self) -> Window | None: ...
    def idle_seconds(self) -> float | None: ...
    def limitations(self) -> list[str]: ...
    def close(self) -> None: ...


class InputSource(Protocol):
    """What the tracker asks of an input listener (``agent.platform.input``):
    counts and the time of the last input, never a key's value."""

    problem: str | None

    def start(self) -> bool: ...
    def take_counts(self) -> tuple[int, int]: ...
    def seconds_since_input(self) -> float | None: ...
    def stop(self) -> None: ...


class SessionLock(Protocol):
    """Whether the session is locked (``agent.platform.session_lock``): True, False,
    or None when this machine cannot tell (``problem`` says why)."""

    problem: str | None

    def locked(self) -> bool | None: ...
    def close(self) -> None: ...


class ProbeUnavailable(RuntimeError):
    """This desktop cannot be watched at all; the message is shown to the employee
    as it is, so it says what is missing and, when it can, what to do."""


class ForegroundProbe:
    """The base the platform probes share: ``Probe`` with
    do-nothing defaults, so a probe only writes what its platform can do."""

    name = "base"

    def __init__(self) -> None:
        self._limits: list[str] = []

    def start(self) -> None:
        """Open connections here, not in ``__init__``: the core builds the probe
        before it knows tracking is allowed, and imports must stay cheap."""

    def foreground(self) -> Window | None:
        raise NotImplementedError

    def idle_seconds(self) -> float | None:
        """``None`` means this probe cannot tell; the input monitor is asked instead."""
        return None

    def limitations(self) -> list[str]:
        return list(self._limits)

    def close(self) -> None:
        """Release what ``start`` opened; safe to call twice or without ``start``."""

    def _limit(self, text: str) -> None:
        if text not in self._limits:
            self._limits.append(text)


class ProcessNames:
    """Process name and executable per PID, cached by (pid, create time).

    The create time is part of the key because PIDs are reused: a cache keyed
    by PID alone would, after the operating system hands an old PID to a new
    program, go on naming the old one. Looking up the create time still costs
    one ``psutil.Process`` per call, but name and exe (two more system calls,
    and on Windows an OpenProcess each) are read once per process.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self._cache: OrderedDict[tuple[int, float], tuple[str, str]] = OrderedDict()

    def lookup(self, pid: int) -> tuple[str, str] | None:
        """``(name, exe)`` of a running process, or None when it is gone or unknown.

        ``exe`` is "" when the OS will not say (another user's process); the
        name alone is enough for the rules.
        """
        if pid <= 0:
            return None
        try:
            proc = psutil.Process(pid)
            key = (pid, proc.create_time())
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            name = proc.name()
        except (psutil.Error, OSError, ValueError):
            return None
        try:
            exe = proc.exe()
        except (psutil.Error, OSError):
            exe = ""
        entry = (name, exe)
        self._cache[key] = entry
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return entry

    def clear(self) -> None:
        self._cache.clear()
