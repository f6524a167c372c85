"""The foreground window and idle time on an X11 desktop, with python-xlib.

Each poll is a handful of synchronous requests on one connection: no event
subscriptions, no watcher thread, nothing that runs between polls. That is
deliberate: the python-xlib trouble other trackers have had (a watcher loop
spinning at 100% CPU) comes from event loops, and a once-a-second question
does not need one.

Where the answers come from:

- the window: the root window's ``_NET_ACTIVE_WINDOW`` (EWMH, set by every
  current window manager); without it, the input focus, which is less exact;
- the title: ``_NET_WM_NAME`` (UTF-8), else the legacy ``WM_NAME``;
- the process: ``_NET_WM_PID`` when the window's ``WM_CLIENT_MACHINE`` is this
  host (a PID from another host would name an unrelated local process), else
  the X-Resource extension, which the X server itself answers for local
  clients (Tk windows, for one, set no ``_NET_WM_PID``); the name then comes
  from psutil, cached per process;
- no process at all (a remote client over ssh -X): the ``WM_CLASS`` class;
- idle: the MIT-SCREEN-SAVER extension's idle counter. While the screen saver
  is on (blanked or locked by a screen-saver based locker) there is no
  foreground window to report, so ``foreground()`` answers None and the
  tracker closes the open segment at the last poll.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable
from typing import Any

from agent.platform.base import ForegroundProbe, ProbeUnavailable, ProcessNames, Window

__all__ = ["X11Probe"]

log = logging.getLogger(__name__)

#: Longest title kept; rules only need the start, and regexes stay cheap.
MAX_TITLE = 2048
#: After the X connection is lost, try to reopen it at most this often.
RECONNECT_S = 10.0
#: ``foreground()`` and ``idle_seconds()`` in one poll share one screen-saver query.
SAVER_REUSE_S = 0.25


class X11Probe(ForegroundProbe):
    name = "x11"

    def __init__(
        self,
        display: str | None = None,
        *,
        names: ProcessNames | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        """``display`` like ":0"; None reads ``$DISPLAY`` (tests pass their Xvfb's)."""
        super().__init__()
        self.display_name = display
        self.names = names or ProcessNames()
        self.clock = clock
        self._d: Any = None
        self._root: Any = None
        self._retry_at = 0.0
        self._host = _short_host(socket.gethostname())
        self._local: tuple[int, int, bool] | None = None  # (window, pid, pid is ours)
        self._saver: tuple[float, int, int] | None = None  # (taken at, state, idle ms)

    # -- life cycle -----------------------------------------------------------
    def start(self) -> None:
        if self._d is not None:
            return
        try:
            self._open()
        except ProbeUnavailable:
            raise
        except Exception as e:
            where = self.display_name or "$DISPLAY"
            raise ProbeUnavailable(f"cannot open the X display {where}: {e}") from e

    def close(self) -> None:
        d, self._d, self._root = self._d, None, None
        if d is not None:
            with contextlib.suppress(Exception):  # already gone
                d.close()

    def _open(self) -> None:
        try:
            from Xlib import X, Xatom, display
        except ImportError as e:
            raise ProbeUnavailable(
                "python-xlib is not installed, so X11 windows cannot be read"
            ) from e
        d = display.Display(self.display_name)
        d.set_error_handler(_ignore_async_error)
        self._X, self._Xatom = X, Xatom
        root = d.screen().root
        atom = d.intern_atom
        self._a_active = atom("_NET_ACTIVE_WINDOW")
        self._a_name = atom("_NET_WM_NAME")
        self._a_utf8 = atom("UTF8_STRING")
        self._a_pid = atom("_NET_WM_PID")
        supported = root.get_full_property(atom("_NET_SUPPORTED"), Xatom.ATOM, sizehint=512)
        self._ewmh = bool(supported) and self._a_active in set(supported.value)
        self._has_saver = d.has_extension("MIT-SCREEN-SAVER")
        self._has_res = False
        if d.has_extension("X-Resource"):
            v = d.res_query_version()
            self._has_res = (v.server_major, v.server_minor) >= (1, 2)
        self._d, self._root = d, root
        self._limits.clear()
        if not self._ewmh:
            self._limit(
                "the window manager does not publish the active window (EWMH); "
                "the keyboard focus is used instead and may name the wrong window"
            )
        if not self._has_saver:
            self._limit(
                "the X server has no MIT-SCREEN-SAVER extension: idle time comes from "
                "key and mouse events alone"
            )

    def _display(self) -> Any:
        """The open connection; reopened (at most every RECONNECT_S) after a loss."""
        if self._d is None:
            now = self.clock()
            if now < self._retry_at:
                return None
            self._retry_at = now + RECONNECT_S
            try:
                self._open()
                log.info("X display %s reopened", self.display_name or "$DISPLAY")
            except Exception as e:
                log.debug("X display still unavailable: %s", e)
                return None
        return self._d

    def _lost(self, e: Exception) -> None:
        log.warning(
            "lost the X display (%s: %s); trying again every %.0f s",
            type(e).__name__,
            e,
            RECONNECT_S,
        )
        self.close()
        self._retry_at = self.clock() + RECONNECT_S

    # -- the probe --------------------------------------------------------------
    def foreground(self) -> Window | None:
        from Xlib import error

        d = self._display()
        if d is None:
            return None
        try:
            if self._screen_saver_on():
                return None
            wid = self._active_window_id()
            if not wid:
                return None
            win = d.create_resource_object("window", wid)
            title = self._title(win)
            pid = self._pid(win, wid)
            found = self.names.lookup(pid) if pid else None
            if found is not None:
                return Window(found[0], title, pid, found[1])
            return Window(self._wm_class(win), title, pid, "")
        except error.XError as e:  # BadWindow: it closed between two requests
            log.debug("foreground window vanished: %s", e)
            return None
        except Exception as e:  # connection closed (server gone) or unusable: start over
            self._lost(e)
            return None

    def idle_seconds(self) -> float | None:
        from Xlib import error

        if self._display() is None or not self._has_saver:
            return None
        try:
            return self._saver_info(fresh=False)[1] / 1000.0
        except error.XError:
            return None
        except Exception as e:
            self._lost(e)
            return None

    # -- pieces -----------------------------------------------------------------
    def _saver_info(self, fresh: bool) -> tuple[int, int]:
        now = self.clock()
        if fresh or self._saver is None or now - self._saver[0] > SAVER_REUSE_S:
            info = self._root.screensaver_query_info()
            self._saver = (now, int(info.state), int(info.idle))
        return self._saver[1], self._saver[2]

    def _screen_saver_on(self) -> bool:
        if not self._has_saver:
            return False
        from Xlib.ext import screensaver

        return self._saver_info(fresh=True)[0] == screensaver.StateOn

    def _active_window_id(self) -> int:
        X = self._X
        if self._ewmh:
            prop = self._root.get_full_property(self._a_active, X.AnyPropertyType)
            return int(prop.value[0]) if prop is not None and len(prop.value) else 0
        focus = self._d.get_input_focus().focus
        if isinstance(focus, int):  # X.NONE or X.PointerRoot: nothing focused
            return 0
        return self._toplevel(focus)

    def _toplevel(self, win: Any) -> int:
        """Without EWMH the focus is often a child widget; climb to the named window."""
        for _ in range(8):
            if win is None or win.id == self._root.id:
                return 0
            if win.get_full_property(self._Xatom.WM_NAME, self._X.AnyPropertyType, 1):
                return win.id
            win = win.query_tree().parent
        return 0

    def _title(self, win: Any) -> str:
        prop = win.get_full_property(self._a_name, self._a_utf8, sizehint=256)
        if prop is not None and len(prop.value):
            return _text(prop.value, "utf-8")
        prop = win.get_full_property(self._Xatom.WM_NAME, self._X.AnyPropertyType, sizehint=256)
        if prop is None or not len(prop.value):
            return ""
        latin = prop.property_type == self._Xatom.STRING
        return _text(prop.value, "latin-1" if latin else "utf-8")

    def _pid(self, win: Any, wid: int) -> int:
        prop = win.get_full_property(self._a_pid, self._Xatom.CARDINAL)
        pid = int(prop.value[0]) if prop is not None and len(prop.value) else 0
        if pid and self._pid_is_local(win, wid, pid):
            return pid
        return self._pid_from_server(wid)

    def _pid_is_local(self, win: Any, wid: int, pid: int) -> bool:
        """_NET_WM_PID is the client's own claim, about its own host."""
        if self._local is not None and self._local[:2] == (wid, pid):
            return self._local[2]
        prop = win.get_full_property(self._Xatom.WM_CLIENT_MACHINE, self._X.AnyPropertyType)
        host = _short_host(_text(prop.value, "latin-1")) if prop is not None else ""
        local = not host or host == self._host or host == "localhost"
        self._local = (wid, pid, local)
        return local

    def _pid_from_server(self, wid: int) -> int:
        if not self._has_res:
            return 0
        from Xlib.ext import res

        reply = self._d.res_query_client_ids([{"client": wid, "mask": res.LocalClientPIDMask}])
        for ident in reply.ids:
            if ident.spec.mask & res.LocalClientPIDMask and len(ident.value):
                return int(ident.value[0])
        return 0

    def _wm_class(self, win: Any) -> str:
        got = win.get_wm_class()
        if got:
            return got[1] or got[0] or "unknown"
        return "unknown"


def _text(value: Any, encoding: str) -> str:
    raw = value.encode("latin-1", "replace") if isinstance(value, str) else bytes(value)
    text = raw.decode(encoding, "replace").replace("\x00", " ").strip()
    return text[:MAX_TITLE]


def _short_host(name: str) -> str:
    return name.strip().split(".", 1)[0].lower()


def _ignore_async_error(*_: object) -> None:
    """Errors of requests without a reply; every request here has one, so none matter."""
