"""The X11 probe against a real X server: Xvfb, openbox, real xterms, xdotool input.

The probe is given the test desktop's display name; os.environ is not touched.
Some windows are made by this test process with python-xlib, to control
exactly which properties they carry (no _NET_WM_PID, a UTF-8 title, a
claimed PID from another host).
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import psutil
import pytest

from agent.platform.base import Window
from agent.platform.x11 import X11Probe

pytestmark = pytest.mark.x11

T = TypeVar("T")


def eventually(read: Callable[[], T], ok: Callable[[T], bool], timeout: float = 5.0) -> T:
    """The first value read that is ok; the last one read when time runs out."""
    deadline = time.monotonic() + timeout
    value = read()
    while not ok(value) and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


@pytest.fixture
def probe(desktop) -> Iterator[X11Probe]:
    p = X11Probe(display=desktop.display)
    p.start()
    yield p
    p.close()


@pytest.fixture
def xlib(desktop) -> Iterator[Any]:
    """This process's own connection to the test display."""
    from Xlib import display

    d = display.Display(desktop.display)
    yield d
    d.close()


def xterm(desktop, title: str, wm_class: str = "XTerm") -> tuple[int, int, str]:
    """(window id, xterm pid, title) of a new xterm; the pid from the process we started.

    The title gets a unique tag: the desktop is shared by the whole session and
    desktop.find() takes the first window whose title matches the text as a
    regular expression, so a title another test also used could hand back that
    test's window (and the tag must avoid regex characters such as brackets).
    """
    title = f"{title} ~{uuid.uuid4().hex[:8]}"
    proc = desktop.spawn("xterm", "-class", wm_class, "-T", title, "-e", "sleep", "100000")
    return desktop.find(title), proc.pid, title


def raw_window(d: Any, title: str, *, utf8: bool = True, props: dict | None = None) -> Any:
    """A bare window made by this process: only the properties asked for."""
    from Xlib import X, Xatom

    screen = d.screen()
    win = screen.root.create_window(
        50, 50, 300, 120, 0, screen.root_depth, X.InputOutput, X.CopyFromParent,
        background_pixel=screen.white_pixel,
    )  # fmt: skip
    win.set_wm_name(title.encode("latin-1", "replace"))
    if utf8:
        win.change_property(
            d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"), 8, title.encode()
        )
    win.set_wm_class("rawwin", "RawWin")
    for name, (kind, fmt, value) in (props or {}).items():
        kind = Xatom.CARDINAL if kind == "CARDINAL" else Xatom.STRING
        win.change_property(d.intern_atom(name), kind, fmt, value)
    win.map()
    d.sync()
    return win


def find_raw(desktop, win: Any) -> int:
    """Wait until the window manager has mapped it, then hand back its id."""
    eventually(
        lambda: desktop.xdotool("search", "--onlyvisible", "--classname", "rawwin", check=False),
        lambda out: str(win.id) in out.split(),
    )
    return win.id


def test_reports_the_focused_xterm(desktop, probe: X11Probe) -> None:
    wid, pid, title = xterm(desktop, "Payroll run - Excel")
    desktop.focus(wid)
    win = eventually(probe.foreground, lambda w: w is not None and w.pid == pid)
    assert win == Window("xterm", title, pid, psutil.Process(pid).exe())
    assert probe.limitations() == []  # openbox publishes EWMH; Xvfb has MIT-SCREEN-SAVER


def test_follows_focus_changes(desktop, probe: X11Probe) -> None:
    a, pid_a, title_a = xterm(desktop, "Timesheet approval - Deputy")
    b, pid_b, title_b = xterm(desktop, "Inbox - Outlook")
    for wid, title, pid in [(a, title_a, pid_a), (b, title_b, pid_b), (a, title_a, pid_a)]:
        desktop.focus(wid)
        win = eventually(probe.foreground, lambda w, t=title: w is not None and w.title == t)
        assert win is not None and (win.title, win.pid, win.app) == (title, pid, "xterm")


def test_a_closed_window_is_not_reported_and_never_raises(desktop, probe: X11Probe) -> None:
    wid, pid, title = xterm(desktop, "Short-lived window")
    desktop.focus(wid)
    assert eventually(probe.foreground, lambda w: w is not None and w.pid == pid).pid == pid
    psutil.Process(pid).terminate()
    after = eventually(probe.foreground, lambda w: w is None or w.pid != pid)
    assert after is None or after.title != title


def test_active_window_that_vanished_is_none(desktop, probe: X11Probe, xlib: Any) -> None:
    """_NET_ACTIVE_WINDOW naming a destroyed window (BadWindow), 0, or missing: None."""
    from Xlib import X, Xatom

    root = xlib.screen().root
    active = xlib.intern_atom("_NET_ACTIVE_WINDOW")
    gone = raw_window(xlib, "Gone already")
    gone.destroy()
    xlib.sync()
    keep, _, keep_title = xterm(desktop, "Focus after vanish test")
    desktop.focus(keep)
    try:
        root.change_property(active, Xatom.WINDOW, 32, [gone.id])
        xlib.sync()
        assert probe.foreground() is None
        root.change_property(active, Xatom.WINDOW, 32, [X.NONE])
        xlib.sync()
        assert probe.foreground() is None
        root.delete_property(active)
        xlib.sync()
        assert probe.foreground() is None
        assert probe.idle_seconds() is not None  # the connection is fine
    finally:  # openbox still has keep focused; put back what it had published
        root.change_property(active, Xatom.WINDOW, 32, [keep])
        xlib.sync()
    assert eventually(probe.foreground, lambda w: w is not None).title == keep_title


def test_window_without_net_wm_pid_gets_its_pid_from_the_server(
    desktop, probe: X11Probe, xlib: Any
) -> None:
    """Like a Tk window: no _NET_WM_PID; X-Resource names the client (this process)."""
    title = "Lohnabrechnung – Übersicht ✓"
    win = raw_window(xlib, title)
    try:
        desktop.focus(find_raw(desktop, win))
        got = eventually(probe.foreground, lambda w: w is not None and w.title == title)
        me = psutil.Process(os.getpid())
        assert got == Window(me.name(), title, os.getpid(), me.exe())
    finally:
        win.destroy()
        xlib.sync()


def test_pid_claimed_for_another_host_is_not_trusted(desktop, probe: X11Probe, xlib: Any) -> None:
    """_NET_WM_PID of a remote client names some unrelated local process; X-Resource wins."""
    unrelated = 1  # init: certainly running here, certainly not this window's owner
    win = raw_window(
        xlib,
        "Remote app window",
        props={
            "_NET_WM_PID": ("CARDINAL", 32, [unrelated]),
            "WM_CLIENT_MACHINE": ("STRING", 8, b"far-away-host.example"),
        },
    )
    try:
        desktop.focus(find_raw(desktop, win))
        got = eventually(
            probe.foreground, lambda w: w is not None and w.title == "Remote app window"
        )
        assert got is not None and got.pid == os.getpid()
    finally:
        win.destroy()
        xlib.sync()


def test_legacy_wm_name_only(desktop, probe: X11Probe, xlib: Any) -> None:
    win = raw_window(xlib, "Invoices (legacy app)", utf8=False)
    try:
        desktop.focus(find_raw(desktop, win))
        got = eventually(
            probe.foreground, lambda w: w is not None and w.title == "Invoices (legacy app)"
        )
        assert got is not None
    finally:
        win.destroy()
        xlib.sync()


def test_idle_grows_without_input_and_resets_on_input(desktop, probe: X11Probe) -> None:
    wid, _, _ = xterm(desktop, "Idle test window")
    desktop.focus(wid)
    desktop.xdotool("mousemove", "--sync", "400", "300")
    start = eventually(probe.idle_seconds, lambda s: s is not None and s < 0.5)
    assert start is not None and start < 0.5
    time.sleep(1.5)
    later = probe.idle_seconds()
    assert later is not None and later >= start + 1.2
    desktop.key("shift")
    reset = eventually(probe.idle_seconds, lambda s: s is not None and s < 0.5)
    assert reset is not None and reset < 0.5, f"idle did not reset after a key: {reset}"
    time.sleep(1.0)
    desktop.xdotool("mousemove", "--sync", "420", "320")
    moved = eventually(probe.idle_seconds, lambda s: s is not None and s < 0.5)
    assert moved is not None and moved < 0.5, f"idle did not reset after a move: {moved}"


def test_screen_saver_on_means_no_window(desktop, probe: X11Probe, xlib: Any) -> None:
    """A blanked (or screen-saver locked) screen shows nothing: no foreground window."""
    from Xlib import X

    wid, _, _ = xterm(desktop, "Before the screen saver")
    desktop.focus(wid)
    assert eventually(probe.foreground, lambda w: w is not None) is not None
    xlib.force_screen_saver(X.ScreenSaverActive)
    xlib.sync()
    try:
        assert eventually(probe.foreground, lambda w: w is None) is None
    finally:
        xlib.force_screen_saver(X.ScreenSaverReset)
        xlib.sync()
    assert eventually(probe.foreground, lambda w: w is not None) is not None


SCREEN = ("-screen", "0", "640x480x24")  # a size the session desktop does not have


def _ours(name: str) -> bool:
    """A server answers on `name` and it is the one this test started (its size)."""
    from Xlib import display as xdisplay

    try:
        d = xdisplay.Display(name)
    except Exception:
        return False
    try:
        return d.screen().width_in_pixels == 640
    finally:
        d.close()


def _xvfb(name: str | None = None) -> tuple[subprocess.Popen, str]:
    """A private Xvfb: on a number it picks, or again on the one given."""
    if name is not None:
        proc = subprocess.Popen(
            ["Xvfb", name, *SCREEN, "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        up = eventually(lambda: _ours(name) or proc.poll() is not None, bool, timeout=10)
        if not up or proc.poll() is not None:
            proc.kill()
            raise AssertionError(f"Xvfb {name} did not come back: {proc.communicate()[1]}")
        return proc, name
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), *SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return proc, ":" + pipe.readline().strip()


def test_x_server_restart_is_none_then_reconnects(desktop, caplog) -> None:
    """The X server goes away under the probe (logout, crash) and comes back.

    A freshly started Xvfb can accept a connection and still refuse the next one
    for a moment on a loaded machine, so the reconnection gets a few
    RECONNECT_S periods; each failed try is in the log the assertion shows."""
    caplog.set_level(logging.DEBUG, logger="agent.platform.x11")
    now = [0.0]
    first, name = _xvfb()
    second = None
    p = X11Probe(display=name, clock=lambda: now[0])
    try:
        p.start()
        assert p.idle_seconds() is not None
        first.terminate()
        first.wait(5)
        assert p.foreground() is None  # no exception, no window
        assert p.idle_seconds() is None
        second, _ = _xvfb(name)
        assert p.idle_seconds() is None  # not retried on every poll...
        for _ in range(5):
            now[0] += 11  # ...but after RECONNECT_S
            if p.idle_seconds() is not None:
                break
        else:
            raise AssertionError(f"never reconnected: {caplog.text}")
        assert p.foreground() is None  # no window manager, nothing active: None
    finally:
        p.close()
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(5)


def test_poll_does_no_work_between_calls(desktop, probe: X11Probe) -> None:
    """No watcher thread and no event subscription: between two polls the probe
    does nothing at all (the python-xlib 100% CPU reports came from event loops)."""
    import threading

    wid, _, _ = xterm(desktop, "CPU test window")
    desktop.focus(wid)
    before = threading.active_count()
    for _ in range(20):
        probe.foreground()
        probe.idle_seconds()
    assert threading.active_count() == before
    for x in range(5):  # input and focus traffic the probe must not be told about
        desktop.xdotool("mousemove", "--sync", str(100 + 40 * x), "200")
    desktop.focus(wid)
    assert probe._d.pending_events() == 0
