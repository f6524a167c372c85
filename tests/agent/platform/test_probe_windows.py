"""The Windows probe's decisions, with a fake in place of user32/kernel32."""

from __future__ import annotations

import os

import pytest

from agent.platform.base import ProcessNames, Window
from agent.platform.windows import MAX_TITLE, WindowsProbe


class FakeWin32:
    """Win32Api's six methods over plain data."""

    def __init__(self) -> None:
        self.hwnd = 0
        self.titles: dict[int, str] = {}
        self.pids: dict[int, int] = {}
        self.children: dict[int, list[int]] = {}
        self.last_input: int | None = 0
        self.ticks = 0

    def foreground_window(self) -> int:
        return self.hwnd

    def window_text(self, hwnd: int) -> str:
        return self.titles.get(hwnd, "")

    def window_pid(self, hwnd: int) -> int:
        return self.pids.get(hwnd, 0)

    def child_window_pids(self, hwnd: int) -> list[int]:
        return [self.pids.get(c, 0) for c in self.children.get(hwnd, [])]

    def last_input_tick(self) -> int | None:
        return self.last_input

    def tick_count(self) -> int:
        return self.ticks


class FakeNames(ProcessNames):
    def __init__(self, table: dict[int, tuple[str, str]]):
        super().__init__()
        self.table = table

    def lookup(self, pid: int) -> tuple[str, str] | None:
        return self.table.get(pid)


@pytest.fixture
def api() -> FakeWin32:
    return FakeWin32()


def probe_for(api: FakeWin32, names: dict[int, tuple[str, str]]) -> WindowsProbe:
    probe = WindowsProbe(api, names=FakeNames(names))
    probe.start()  # with an api given, start opens nothing
    return probe


def test_foreground_window_title_process_and_exe(api: FakeWin32) -> None:
    api.hwnd = 0x10
    api.titles[0x10] = "Payroll run - Excel"
    api.pids[0x10] = 4242
    probe = probe_for(api, {4242: ("EXCEL.EXE", r"C:\Office\EXCEL.EXE")})
    assert probe.foreground() == Window(
        "EXCEL.EXE", "Payroll run - Excel", 4242, r"C:\Office\EXCEL.EXE"
    )
    assert probe.limitations() == []


def test_no_foreground_window_is_none(api: FakeWin32) -> None:
    api.hwnd = 0  # secure desktop: UAC prompt, Ctrl+Alt+Del, sign-in screen
    assert probe_for(api, {}).foreground() is None


def test_lock_screen_is_no_window(api: FakeWin32) -> None:
    api.hwnd, api.pids[1], api.titles[1] = 1, 77, "Windows Default Lock Screen"
    assert probe_for(api, {77: ("LockApp.exe", "")}).foreground() is None


def test_a_process_that_exited_keeps_the_title(api: FakeWin32) -> None:
    api.hwnd, api.pids[5], api.titles[5] = 5, 999, "Closing..."
    assert probe_for(api, {}).foreground() == Window("unknown", "Closing...", 999, "")


def test_store_app_is_named_by_its_child_window(api: FakeWin32) -> None:
    api.hwnd, api.pids[0x20], api.titles[0x20] = 0x20, 100, "Calculator"
    api.children[0x20] = [0x21, 0x22]
    api.pids[0x21], api.pids[0x22] = 100, 200  # the frame's own child first
    names = {
        100: ("ApplicationFrameHost.exe", r"C:\Windows\System32\ApplicationFrameHost.exe"),
        200: ("CalculatorApp.exe", r"C:\Program Files\WindowsApps\CalculatorApp.exe"),
    }
    win = probe_for(api, names).foreground()
    assert win is not None
    assert (win.app, win.pid, win.title) == ("CalculatorApp.exe", 200, "Calculator")


def test_store_app_still_starting_falls_back_to_the_host(api: FakeWin32) -> None:
    api.hwnd, api.pids[0x20] = 0x20, 100
    names = {100: ("ApplicationFrameHost.exe", "")}
    win = probe_for(api, names).foreground()
    assert win is not None and win.app == "ApplicationFrameHost.exe" and win.pid == 100


def test_long_titles_are_cut(api: FakeWin32) -> None:
    api.hwnd, api.pids[1], api.titles[1] = 1, 7, "x" * (MAX_TITLE + 500)
    win = probe_for(api, {7: ("notepad.exe", "")}).foreground()
    assert win is not None and len(win.title) == MAX_TITLE


def test_idle_seconds_from_last_input(api: FakeWin32) -> None:
    api.ticks, api.last_input = 5_000_000, 4_987_500
    assert probe_for(api, {}).idle_seconds() == pytest.approx(12.5)


def test_idle_survives_the_49_day_wrap(api: FakeWin32) -> None:
    # GetTickCount64 passed 2**32 ms; GetLastInputInfo's 32-bit time wrapped with it.
    api.ticks = 2**32 + 1_000
    api.last_input = 2**32 - 2_000
    assert probe_for(api, {}).idle_seconds() == pytest.approx(3.0)


def test_idle_unknown_when_the_call_fails(api: FakeWin32) -> None:
    api.last_input = None
    assert probe_for(api, {}).idle_seconds() is None


def test_real_process_names_are_cached_per_process() -> None:
    names = ProcessNames()
    me = names.lookup(os.getpid())
    assert me is not None and me[0]
    assert names.lookup(os.getpid()) is me  # the cached tuple, not a new lookup
    assert names.lookup(0) is None and names.lookup(-1) is None
    assert names.lookup(2**22 + 12345) is None  # no such process
