"""What the agent can and cannot see in a Wayland session.

Wayland gives no application a way to ask which window is in front; that is
the point of its security model, and no portable protocol fills the gap. So
on Wayland ``foreground()`` is always None, nothing is attributed to
applications, and ``limitations()`` says so and what to do (an X11 session).

Idle time works on GNOME: Mutter answers ``GetIdletime`` on the session bus
(``org.gnome.Mutter.IdleMonitor``), asked here with jeepney. Any other
desktop, or no session bus at all, leaves idle time to the input monitor,
which on Wayland hears only XWayland applications. Nothing here raises
after construction: a missing or broken bus is a limitation, not a crash.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from agent.platform.base import ForegroundProbe, Window

__all__ = ["WaylandProbe", "session_bus_address"]

log = logging.getLogger(__name__)

IDLE_BUS_NAME = "org.gnome.Mutter.IdleMonitor"
IDLE_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
IDLE_INTERFACE = "org.gnome.Mutter.IdleMonitor"
#: One D-Bus call per poll must not hold the poll up for long.
CALL_TIMEOUT_S = 0.5
#: After a failure, ask again at most this often (GNOME Shell may be restarting).
RETRY_S = 30.0

NO_FOREGROUND = (
    "this is a Wayland session: Wayland does not let applications see which window "
    "is in front, so no time can be attributed to applications here. Choose an X11 "
    'session at login (e.g. "GNOME on Xorg") to track'
)
NO_IDLE = (
    "idle time is not available from this desktop ({why}); it comes from key and "
    "mouse events alone, which on Wayland are heard only from X11 (XWayland) applications"
)


def session_bus_address(env: Mapping[str, str]) -> str | None:
    """Where the session bus listens: the variable, else the systemd default socket."""
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return f"unix:path={os.path.join(runtime, 'bus')}"
    return None


class WaylandProbe(ForegroundProbe):
    name = "wayland"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        connect: Callable[[str], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        """``connect(address)`` opens a jeepney blocking connection; tests pass a fake."""
        super().__init__()
        self.env = os.environ if env is None else env
        self._connect = connect or _open_connection
        self.clock = clock
        self._conn: Any = None
        self._retry_at = 0.0
        self._why: str | None = None

    def start(self) -> None:
        self._limit(NO_FOREGROUND)
        if self._idle_ms() is None and self._why:
            self._limit(NO_IDLE.format(why=self._why))

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # already gone
                conn.close()

    def foreground(self) -> Window | None:
        return None

    def idle_seconds(self) -> float | None:
        ms = self._idle_ms()
        return None if ms is None else ms / 1000.0

    def _idle_ms(self) -> int | None:
        if self._conn is None:
            if self.clock() < self._retry_at:
                return None
            address = session_bus_address(self.env)
            if address is None:
                return self._failed("no D-Bus session bus")
            try:
                self._conn = self._connect(address)
            except Exception as e:
                return self._failed(f"cannot reach the D-Bus session bus: {e}")
        try:
            return _get_idletime(self._conn)
        except Exception as e:
            self.close()
            return self._failed(f"GNOME's idle monitor did not answer: {e}")

    def _failed(self, why: str) -> None:
        if why != self._why:
            log.info("Wayland idle time unavailable: %s", why)
        self._why = why
        self._retry_at = self.clock() + RETRY_S
        return None


def _open_connection(address: str) -> Any:
    from jeepney.io.blocking import open_dbus_connection

    return open_dbus_connection(bus=address, auth_timeout=CALL_TIMEOUT_S)


def _get_idletime(conn: Any) -> int:
    from jeepney import DBusAddress, new_method_call
    from jeepney.wrappers import unwrap_msg

    target = DBusAddress(IDLE_PATH, bus_name=IDLE_BUS_NAME, interface=IDLE_INTERFACE)
    reply = conn.send_and_get_reply(new_method_call(target, "GetIdletime"), timeout=CALL_TIMEOUT_S)
    (ms,) = unwrap_msg(reply)
    return int(ms)
