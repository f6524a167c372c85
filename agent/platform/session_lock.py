"""Whether the desktop session is locked: logind's ``LockedHint``.

A locked screen is nobody working, yet on X11 the window that had the focus
keeps it behind most screen lockers, so the probe alone would go on counting
it. Screen lockers (GNOME, KDE, xss-lock, light-locker ...) tell logind, which
publishes ``LockedHint`` on the session's object; the tracker treats "locked"
as "away": the open segment ends at the last poll and nothing is counted
until the session is unlocked.

Read over the system D-Bus with jeepney (the library the Wayland probe
already uses), at most every ``POLL_S``; where the bus does not answer,
``loginctl show-session`` is asked instead when it exists. When neither
answers (no logind: containers, WSL, BSDs), ``locked()`` is None, said once
in ``problem``, and asked again only every ``RETRY_S``: idle time still ends
active time there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

LOGIN1 = "org.freedesktop.login1"
MANAGER_PATH = "/org/freedesktop/login1"
SESSION_IFACE = "org.freedesktop.login1.Session"
#: logind's name for "the caller's own session" (systemd >= 232).
AUTO_SESSION_PATH = "/org/freedesktop/login1/session/auto"
#: A lock is noticed at most this late (the tracker polls every second).
POLL_S = 2.0
#: After neither D-Bus nor loginctl answered, ask again this much later.
RETRY_S = 60.0
CALL_TIMEOUT_S = 1.0


def parse_show_session(text: str) -> dict[str, str]:
    """``loginctl show-session`` prints one ``Key=Value`` per line."""
    props: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            props[key.strip()] = value.strip()
    return props


def locked_hint(props: Mapping[str, str]) -> bool | None:
    """``LockedHint=yes|no`` as a bool; None when loginctl did not print it."""
    return {"yes": True, "no": False}.get(props.get("LockedHint", "").lower())


class LogindLock:
    """The session's ``LockedHint``; ``locked()`` is cheap to call every poll."""

    name = "logind"

    def __init__(
        self,
        session_id: str | None = None,
        bus: str = "SYSTEM",
        *,
        clock: Callable[[], float] = time.monotonic,
        loginctl: str | None = None,
    ):
        self.session_id = session_id if session_id is not None else os.environ.get("XDG_SESSION_ID")
        self.bus = bus
        self.clock = clock
        self.loginctl = loginctl if loginctl is not None else shutil.which("loginctl")
        self.problem: str | None = None
        self._conn: Any = None
        self._path: str | None = None
        self._value: bool | None = None
        self._next_at = float("-inf")

    def locked(self) -> bool | None:
        """True while locked; None when this machine cannot tell."""
        now = self.clock()
        if now < self._next_at:
            return self._value
        value, why = self._read_dbus()
        if value is None and self.loginctl:
            value, also = self._read_loginctl()
            why = f"{why}; {also}"
        if value is None:
            if why != self.problem:
                log.info("the screen lock cannot be seen: %s", why)
            self.problem = why
            self._next_at = now + RETRY_S
        else:
            self.problem = None
            self._next_at = now + POLL_S
        self._value = value
        return value

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn, self._path = None, None

    # -- the two readers ----------------------------------------------------------
    def _read_dbus(self) -> tuple[bool | None, str | None]:
        try:
            from jeepney import DBusAddress, Properties, new_method_call
            from jeepney.io.blocking import open_dbus_connection
            from jeepney.wrappers import unwrap_msg
        except ImportError as e:  # not on Linux, or a broken install
            return None, f"no D-Bus library ({e})"
        try:
            if self._conn is None:
                self._conn = open_dbus_connection(bus=self.bus, auth_timeout=CALL_TIMEOUT_S)
            if self._path is None:
                self._path = self._session_path(DBusAddress, new_method_call, unwrap_msg)
            session = DBusAddress(self._path, bus_name=LOGIN1, interface=SESSION_IFACE)
            msg = Properties(session).get("LockedHint")
            reply = self._conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT_S)
            (_sig, value) = unwrap_msg(reply)[0]
            return bool(value), None
        except Exception as e:  # no bus, no logind, no such session: all "cannot tell"
            self.close()
            return None, f"logind does not answer on the system bus ({_first_line(e)})"

    def _session_path(self, address: Any, call: Any, unwrap: Any) -> str:
        if not self.session_id:
            return AUTO_SESSION_PATH
        manager = address(MANAGER_PATH, bus_name=LOGIN1, interface=f"{LOGIN1}.Manager")
        msg = call(manager, "GetSession", "s", (self.session_id,))
        (path,) = unwrap(self._conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT_S))
        return str(path)

    def _read_loginctl(self) -> tuple[bool | None, str | None]:
        cmd = [self.loginctl, "show-session", self.session_id or "auto", "-p", "LockedHint"]
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=CALL_TIMEOUT_S * 3, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            return None, f"loginctl failed ({_first_line(e)})"
        value = locked_hint(parse_show_session(done.stdout)) if done.returncode == 0 else None
        if value is None:
            return None, f"loginctl cannot say ({_first_line_of(done.stderr) or 'no LockedHint'})"
        return value, None


def _first_line(e: BaseException) -> str:
    return _first_line_of(str(e)) or type(e).__name__


def _first_line_of(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""
