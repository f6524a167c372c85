"""Which probe the agent picks, and the Wayland probe's promise never to crash.

The Wayland idle path is also driven for real: a private dbus-daemon with a
stand-in for GNOME's org.gnome.Mutter.IdleMonitor answering GetIdletime.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from agent.platform import ProbeUnavailable, create_probe, detect_platform
from agent.platform.macos import MacProbe
from agent.platform.wayland import NO_FOREGROUND, WaylandProbe, session_bus_address
from agent.platform.windows import WindowsProbe
from agent.platform.x11 import X11Probe
from tests.fixtures.requirements import need_programs


@pytest.mark.parametrize(
    ("env", "sys_platform", "expected"),
    [
        ({"DISPLAY": ":0"}, "linux", "x11"),
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux", "x11"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", "wayland"),
        ({"XDG_SESSION_TYPE": "wayland"}, "linux", "wayland"),
        # XWayland: DISPLAY is set too, but X11 cannot see native Wayland windows.
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", "wayland"),
        ({"DISPLAY": ":1", "XDG_SESSION_TYPE": "Wayland"}, "linux", "wayland"),
        ({"DISPLAY": ":0"}, "freebsd14", "x11"),
        ({}, "linux", "unsupported"),
        ({"XDG_SESSION_TYPE": "tty"}, "linux", "unsupported"),
        ({"DISPLAY": ""}, "linux", "unsupported"),
        ({}, "win32", "windows"),
        ({"DISPLAY": ":0"}, "win32", "windows"),
        ({}, "cygwin", "windows"),
        ({}, "darwin", "macos"),
        ({"DISPLAY": ":0"}, "darwin", "macos"),  # XQuartz does not make a Mac an X11 desktop
    ],
)
def test_detect_platform(env: dict[str, str], sys_platform: str, expected: str) -> None:
    assert detect_platform(env, sys_platform) == expected


@pytest.mark.parametrize(
    ("env", "sys_platform", "cls"),
    [
        ({"DISPLAY": ":42"}, "linux", X11Probe),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", WaylandProbe),
        ({}, "win32", WindowsProbe),
        ({}, "darwin", MacProbe),
    ],
)
def test_create_probe_picks_the_class_without_starting_it(env, sys_platform, cls) -> None:
    probe = create_probe(env, sys_platform)
    assert type(probe) is cls
    probe.close()  # never started: closing is still safe


def test_create_probe_passes_the_display_on() -> None:
    probe = create_probe({"DISPLAY": ":42"}, "linux")
    assert isinstance(probe, X11Probe) and probe.display_name == ":42"


def test_no_desktop_is_a_plain_error() -> None:
    with pytest.raises(ProbeUnavailable, match="no graphical session"):
        create_probe({}, "linux")


def test_a_missing_x_server_is_a_plain_error() -> None:
    probe = X11Probe(display=":65000")
    with pytest.raises(ProbeUnavailable, match=r"cannot open the X display :65000"):
        probe.start()


def test_windows_and_macos_probes_say_why_they_cannot_start_here() -> None:
    if sys.platform.startswith("win") or sys.platform == "darwin":
        pytest.skip("this checks the message on the other platforms")
    with pytest.raises(ProbeUnavailable, match="Windows desktop API"):
        WindowsProbe().start()
    with pytest.raises(ProbeUnavailable, match="pyobjc"):
        MacProbe().start()


def test_importing_the_platform_layer_loads_no_native_library() -> None:
    code = (
        "import sys, agent.platform, agent.platform.x11, agent.platform.windows, "
        "agent.platform.macos, agent.platform.wayland, agent.platform.input; "
        "print(sorted(m for m in ('Xlib', 'pynput', 'jeepney', 'AppKit', 'Quartz') "
        "if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# -- Wayland: no foreground, idle from GNOME when it answers, never a crash -----------


def test_wayland_without_any_bus_never_raises() -> None:
    probe = WaylandProbe(env={})
    probe.start()
    assert probe.foreground() is None
    assert probe.idle_seconds() is None
    limits = probe.limitations()
    assert limits[0] == NO_FOREGROUND
    assert any("no D-Bus session bus" in line for line in limits)
    probe.close()
    probe.close()


def test_wayland_with_a_dead_bus_address_never_raises(tmp_path) -> None:
    probe = WaylandProbe(env={"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus"})
    probe.start()
    assert probe.foreground() is None
    assert probe.idle_seconds() is None
    assert any("cannot reach the D-Bus session bus" in line for line in probe.limitations())


def test_wayland_finds_the_systemd_bus_socket(tmp_path) -> None:
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) is None
    (tmp_path / "bus").touch()
    assert session_bus_address({"XDG_RUNTIME_DIR": str(tmp_path)}) == f"unix:path={tmp_path}/bus"
    assert session_bus_address({"DBUS_SESSION_BUS_ADDRESS": "unix:abstract=x"}) == (
        "unix:abstract=x"
    )


class _BrokenConnection:
    def __init__(self) -> None:
        self.closed = 0

    def send_and_get_reply(self, *_a, **_k):
        raise ConnectionResetError("bus went away")

    def close(self) -> None:
        self.closed += 1


def test_wayland_bus_failing_mid_poll_is_retried_slowly() -> None:
    now = [100.0]
    opened: list[_BrokenConnection] = []

    def connect(_address: str) -> _BrokenConnection:
        opened.append(_BrokenConnection())
        return opened[-1]

    probe = WaylandProbe(
        env={"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"}, connect=connect, clock=lambda: now[0]
    )
    probe.start()  # first call fails: a limitation, not an exception
    assert any("did not answer" in line for line in probe.limitations())
    for _ in range(50):
        assert probe.idle_seconds() is None
    assert len(opened) == 1 and opened[0].closed == 1  # not one reconnect per poll
    now[0] += 31
    assert probe.idle_seconds() is None
    assert len(opened) == 2


@pytest.fixture
def session_bus() -> Iterator[str]:
    """A private dbus-daemon for this test, stopped by PID at the end."""
    need_programs("dbus-daemon")
    proc = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        address = proc.stdout.readline().strip()
        assert address, "dbus-daemon printed no address"
        yield address
    finally:
        proc.terminate()
        proc.wait(5)


def _serve_idle_monitor(address: str, idle_ms: int, ready: threading.Event, stop: threading.Event):
    """GNOME's idle monitor, as far as GetIdletime goes."""
    from jeepney import HeaderFields, MessageType, new_method_return
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus=address) as conn:
        conn.send_and_get_reply(message_bus.RequestName("org.gnome.Mutter.IdleMonitor"))
        ready.set()
        while not stop.is_set():
            try:
                msg = conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            if (
                msg.header.message_type == MessageType.method_call
                and msg.header.fields.get(HeaderFields.member) == "GetIdletime"
            ):
                conn.send(new_method_return(msg, "t", (idle_ms,)))


def test_wayland_idle_from_gnome_idle_monitor(session_bus: str) -> None:
    ready, stop = threading.Event(), threading.Event()
    server = threading.Thread(
        target=_serve_idle_monitor, args=(session_bus, 4321, ready, stop), daemon=True
    )
    server.start()
    try:
        assert ready.wait(10)
        probe = WaylandProbe(env={"DBUS_SESSION_BUS_ADDRESS": session_bus})
        probe.start()
        assert probe.idle_seconds() == pytest.approx(4.321)
        assert probe.foreground() is None
        assert probe.limitations() == [NO_FOREGROUND]  # idle works, so no idle warning
        probe.close()
    finally:
        stop.set()
        server.join(5)


def test_wayland_bus_without_gnome_is_a_limitation(session_bus: str) -> None:
    probe = WaylandProbe(env={"DBUS_SESSION_BUS_ADDRESS": session_bus})
    probe.start()
    assert probe.idle_seconds() is None
    assert any("GNOME's idle monitor did not answer" in line for line in probe.limitations())
    probe.close()
