"""The macOS probe's decisions, with a fake in place of pyobjc."""

from __future__ import annotations

import pytest

from agent.platform.base import ProcessNames, Window
from agent.platform.macos import (
    NO_ACCESSIBILITY,
    TITLES_HIDDEN,
    FrontApp,
    MacProbe,
    MacWindow,
)

EXCEL = FrontApp(501, "Microsoft Excel", "com.microsoft.Excel", "/Applications/X/Excel")
OWN_PID = 9999


class FakeMac:
    """MacApi's five methods over plain data."""

    def __init__(self) -> None:
        self.front: FrontApp | None = EXCEL
        self.wins: list[MacWindow] = []
        self.idle = 0.0
        self.screen_recording: bool | None = True
        self.accessibility: bool | None = True

    def frontmost(self) -> FrontApp | None:
        if isinstance(self.front, Exception):
            raise self.front
        return self.front

    def windows(self) -> list[MacWindow]:
        return list(self.wins)

    def seconds_since_input(self) -> float:
        if isinstance(self.idle, Exception):
            raise self.idle
        return self.idle

    def screen_recording_allowed(self) -> bool | None:
        return self.screen_recording

    def accessibility_trusted(self) -> bool | None:
        return self.accessibility


class FakeNames(ProcessNames):
    def __init__(self, table: dict[int, tuple[str, str]]):
        super().__init__()
        self.table = table

    def lookup(self, pid: int) -> tuple[str, str] | None:
        return self.table.get(pid)


@pytest.fixture
def mac() -> FakeMac:
    return FakeMac()


def started(mac: FakeMac, names: dict[int, tuple[str, str]] | None = None) -> MacProbe:
    probe = MacProbe(mac, names=FakeNames(names or {}))
    probe.own_pid = OWN_PID
    probe.start()
    return probe


def test_front_app_and_its_frontmost_window_title(mac: FakeMac) -> None:
    mac.wins = [
        MacWindow(77, 25, "Menu extra"),  # a status item above everything: not a window
        MacWindow(501, 0, ""),  # Excel's untitled palette
        MacWindow(501, 0, "Payroll run.xlsx"),
        MacWindow(501, 0, "Budget.xlsx"),  # behind it
        MacWindow(300, 0, "Inbox"),
    ]
    probe = started(mac, {501: ("Microsoft Excel", "/Applications/X/Excel")})
    assert probe.foreground() == Window(
        "Microsoft Excel", "Payroll run.xlsx", 501, "/Applications/X/Excel"
    )
    assert probe.limitations() == []


def test_locked_screen_is_no_window(mac: FakeMac) -> None:
    mac.front = FrontApp(88, "loginwindow", "com.apple.loginwindow", "/System/loginwindow")
    assert started(mac).foreground() is None


def test_nothing_in_front_is_none(mac: FakeMac) -> None:
    mac.front = None
    assert started(mac).foreground() is None


def test_app_with_no_window_has_an_empty_title(mac: FakeMac) -> None:
    mac.wins = [MacWindow(300, 0, "Inbox")]
    win = started(mac, {501: ("Microsoft Excel", "")}).foreground()
    assert win is not None and win.title == "" and win.app == "Microsoft Excel"
    assert win.exe == EXCEL.exe  # psutil could not say; NSWorkspace could


def test_process_gone_falls_back_to_the_executable_name(mac: FakeMac) -> None:
    win = started(mac).foreground()
    assert win is not None and win.app == "Excel"


def test_missing_screen_recording_is_said_in_plain_words(mac: FakeMac) -> None:
    mac.screen_recording = False
    mac.wins = [MacWindow(501, 0, None), MacWindow(300, 0, None)]
    probe = started(mac, {501: ("Microsoft Excel", "")})
    win = probe.foreground()
    assert win is not None and win.title == "" and win.app == "Microsoft Excel"
    limits = probe.limitations()
    assert limits == [TITLES_HIDDEN]
    assert "Screen Recording" in limits[0] and "titles" in limits[0]


def test_hidden_titles_are_noticed_where_macos_cannot_be_asked(mac: FakeMac) -> None:
    mac.screen_recording = None  # before 10.15: no preflight call
    mac.wins = [MacWindow(OWN_PID, 0, "Backlight"), MacWindow(501, 0, None)]
    probe = started(mac)
    assert TITLES_HIDDEN in probe.limitations()
    mac.wins = [MacWindow(501, 0, "Payroll run.xlsx")]  # granted later
    assert probe.foreground().title == "Payroll run.xlsx"
    assert TITLES_HIDDEN not in probe.limitations()


def test_only_own_windows_prove_nothing(mac: FakeMac) -> None:
    mac.screen_recording = None
    mac.wins = [MacWindow(OWN_PID, 0, None)]
    assert TITLES_HIDDEN not in started(mac).limitations()


def test_missing_accessibility_is_said_in_plain_words(mac: FakeMac) -> None:
    mac.accessibility = False
    limits = started(mac).limitations()
    assert NO_ACCESSIBILITY in limits and "Accessibility" in NO_ACCESSIBILITY


def test_idle_seconds(mac: FakeMac) -> None:
    mac.idle = 42.5
    probe = started(mac)
    assert probe.idle_seconds() == 42.5
    mac.idle = RuntimeError("Quartz hiccup")
    assert probe.idle_seconds() is None


def test_a_failing_native_call_is_no_window(mac: FakeMac) -> None:
    probe = started(mac)
    mac.front = RuntimeError("NSWorkspace went away")
    assert probe.foreground() is None
