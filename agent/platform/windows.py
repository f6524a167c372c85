"""The foreground window and idle time on Windows, through user32 and kernel32.

Every native call sits in ``Win32Api``, a thin seam of six methods, so the
probe's own decisions (lock screen, UWP frame host, tick wrap-around) are
unit-tested on any OS with a fake in its place.

Notes on the calls:

- ``GetForegroundWindow`` is 0 while the secure desktop is up (UAC prompt,
  Ctrl+Alt+Del, the sign-in screen): no window, and the tracker closes the
  open segment at the last poll. On Windows 10/11 a locked screen shows as
  ``LockApp.exe`` in front, which is treated the same way.
- ``GetWindowTextW`` on another process's window reads the caption the
  system keeps and sends no message, so a hung application cannot hang the
  poll.
- Store (UWP) apps draw inside ``ApplicationFrameHost.exe``; the real app is
  the owner of a child window with another PID, and that is the one named.
- ``GetLastInputInfo`` counts in 32-bit milliseconds (it wraps after 49.7
  days of uptime); it is compared with the low 32 bits of ``GetTickCount64``.
"""

from __future__ import annotations

from typing import Any

from agent.platform.base import ForegroundProbe, ProbeUnavailable, ProcessNames, Window

__all__ = ["Win32Api", "WindowsProbe"]

MAX_TITLE = 2048
LOCK_SCREEN_APPS = frozenset({"lockapp.exe", "logonui.exe"})
FRAME_HOSTS = frozenset({"applicationframehost.exe"})
_U32 = 0xFFFFFFFF


class Win32Api:
    """The native calls, bound once with argument types so ctypes checks them."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        self._ctypes = ctypes
        user32 = ctypes.WinDLL("user32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)

        class LASTINPUTINFO(ctypes.Structure):
            _fields_ = [("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD)]

        self._LASTINPUTINFO = LASTINPUTINFO
        self._enum_proc = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)
        user32.GetForegroundWindow.restype = wintypes.HWND
        user32.GetForegroundWindow.argtypes = []
        user32.GetWindowTextLengthW.restype = ctypes.c_int
        user32.GetWindowTextLengthW.argtypes = [wintypes.HWND]
        user32.GetWindowTextW.restype = ctypes.c_int
        user32.GetWindowTextW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
        user32.GetWindowThreadProcessId.restype = wintypes.DWORD
        user32.GetWindowThreadProcessId.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.DWORD)]
        user32.GetLastInputInfo.restype = wintypes.BOOL
        user32.GetLastInputInfo.argtypes = [ctypes.POINTER(LASTINPUTINFO)]
        user32.EnumChildWindows.restype = wintypes.BOOL
        user32.EnumChildWindows.argtypes = [wintypes.HWND, self._enum_proc, wintypes.LPARAM]
        kernel32.GetTickCount64.restype = ctypes.c_ulonglong
        kernel32.GetTickCount64.argtypes = []
        self._user32, self._kernel32 = user32, kernel32
        self._wintypes = wintypes

    def foreground_window(self) -> int:
        return int(self._user32.GetForegroundWindow() or 0)

    def window_text(self, hwnd: int) -> str:
        length = self._user32.GetWindowTextLengthW(hwnd)
        if length <= 0:
            return ""
        length = min(length, MAX_TITLE)
        buf = self._ctypes.create_unicode_buffer(length + 1)
        self._user32.GetWindowTextW(hwnd, buf, length + 1)
        return buf.value

    def window_pid(self, hwnd: int) -> int:
        pid = self._wintypes.DWORD(0)
        self._user32.GetWindowThreadProcessId(hwnd, self._ctypes.byref(pid))
        return int(pid.value)

    def child_window_pids(self, hwnd: int) -> list[int]:
        pids: list[int] = []

        def visit(child: Any, _: Any) -> bool:
            pids.append(self.window_pid(child))
            return True

        self._user32.EnumChildWindows(hwnd, self._enum_proc(visit), 0)
        return pids

    def last_input_tick(self) -> int | None:
        info = self._LASTINPUTINFO()
        info.cbSize = self._ctypes.sizeof(info)
        if not self._user32.GetLastInputInfo(self._ctypes.byref(info)):
            return None
        return int(info.dwTime)

    def tick_count(self) -> int:
        return int(self._kernel32.GetTickCount64())


class WindowsProbe(ForegroundProbe):
    name = "windows"

    def __init__(self, api: Any = None, *, names: ProcessNames | None = None):
        """``api`` is a ``Win32Api`` or a test's fake with the same methods."""
        super().__init__()
        self.api = api
        self.names = names or ProcessNames()

    def start(self) -> None:
        if self.api is not None:
            return
        try:
            self.api = Win32Api()
        except (AttributeError, OSError) as e:  # no WinDLL: not Windows
            raise ProbeUnavailable(f"the Windows desktop API is not available here: {e}") from e

    def foreground(self) -> Window | None:
        hwnd = self.api.foreground_window()
        if not hwnd:
            return None
        pid = self.api.window_pid(hwnd)
        found = self.names.lookup(pid) if pid else None
        if found is not None and found[0].lower() in LOCK_SCREEN_APPS:
            return None
        if found is not None and found[0].lower() in FRAME_HOSTS:
            pid, found = self._framed_app(hwnd, pid, found)
        title = self.api.window_text(hwnd)[:MAX_TITLE]
        if found is None:
            return Window("unknown", title, pid, "")
        return Window(found[0], title, pid, found[1])

    def _framed_app(
        self, hwnd: int, host_pid: int, host: tuple[str, str]
    ) -> tuple[int, tuple[str, str]]:
        """A Store app inside ApplicationFrameHost: the child window's owner is the app."""
        for pid in self.api.child_window_pids(hwnd):
            if pid and pid != host_pid:
                found = self.names.lookup(pid)
                if found is not None:
                    return pid, found
        return host_pid, host  # minimised or still starting: only the host is known

    def idle_seconds(self) -> float | None:
        last = self.api.last_input_tick()
        if last is None:
            return None
        now = self.api.tick_count() & _U32
        return ((now - (last & _U32)) & _U32) / 1000.0
