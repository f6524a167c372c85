"""The screen-lock reader: logind's LockedHint over a real D-Bus, and loginctl's output.

This container runs no logind (``loginctl`` here answers "System has not
been booted with systemd"), so the D-Bus path is driven against a private
dbus-daemon with a stand-in for ``org.freedesktop.login1`` that answers the
two calls the reader makes (``Manager.GetSession`` and ``Properties.Get``
of ``LockedHint``), and the loginctl path parses a ``show-session``
transcript and meets this machine's real, failing ``loginctl``.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest

from agent.platform.session_lock import (
    AUTO_SESSION_PATH,
    POLL_S,
    RETRY_S,
    LogindLock,
    locked_hint,
    parse_show_session,
)
from tests.agent.platform.test_platform_detection import session_bus  # noqa: F401 - fixture

#: ``loginctl show-session 2`` in a GNOME-on-Xorg session, screen locked (systemd 252).
SHOW_SESSION = """\
Id=2
User=1000
Name=maria
Timestamp=Thu 2026-12-03 08:58:12 CET
TimestampMonotonic=27118862
VTNr=2
Seat=seat0
TTY=tty2
Remote=no
Service=gdm-password
Desktop=GNOME
Scope=session-2.scope
Leader=1554
Audit=2
Type=x11
Class=user
Active=yes
State=active
IdleHint=yes
IdleSinceHint=1764749112402581
IdleSinceHintMonotonic=3412044891
LockedHint=yes
"""


def test_loginctl_show_session_is_parsed() -> None:
    props = parse_show_session(SHOW_SESSION)
    assert props["Type"] == "x11" and props["Timestamp"] == "Thu 2026-12-03 08:58:12 CET"
    assert locked_hint(props) is True
    assert (
        locked_hint(parse_show_session(SHOW_SESSION.replace("LockedHint=yes", "LockedHint=no")))
        is False
    )
    assert locked_hint(parse_show_session("LockedHint=yes\n")) is True  # `-p LockedHint`
    assert locked_hint(parse_show_session("Id=2\n")) is None  # not said: cannot tell
    assert locked_hint(parse_show_session("")) is None


class FakeLogind:
    """``org.freedesktop.login1`` as far as the reader asks: one session, c7."""

    path = "/org/freedesktop/login1/session/c7"

    def __init__(self, address: str):
        self.address = address
        self.locked = False
        self.calls: list[str] = []
        self.ready, self.stop = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> FakeLogind:
        self.thread.start()
        assert self.ready.wait(10), "the stand-in logind did not start"
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(5)

    def _serve(self) -> None:
        from jeepney import HeaderFields, MessageType, new_error, new_method_return
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(bus=self.address) as conn:
            conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.login1"))
            self.ready.set()
            while not self.stop.is_set():
                try:
                    msg = conn.receive(timeout=0.1)
                except TimeoutError:
                    continue
                if msg.header.message_type != MessageType.method_call:
                    continue
                member = msg.header.fields.get(HeaderFields.member)
                path = msg.header.fields.get(HeaderFields.path)
                self.calls.append(f"{member} {path}")
                if member == "GetSession" and msg.body == ("c7",):
                    conn.send(new_method_return(msg, "o", (self.path,)))
                elif member == "Get" and path == self.path and msg.body[1] == "LockedHint":
                    conn.send(new_method_return(msg, "v", (("b", self.locked),)))
                else:
                    conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject"))


@pytest.fixture
def logind(session_bus: str) -> Iterator[FakeLogind]:  # noqa: F811 - the fixture above
    with FakeLogind(session_bus) as server:
        yield server


def test_locked_hint_is_read_from_logind_over_dbus(logind: FakeLogind) -> None:
    now = [0.0]
    lock = LogindLock("c7", logind.address, clock=lambda: now[0], loginctl="")
    try:
        assert lock.locked() is False and lock.problem is None
        logind.locked = True
        assert lock.locked() is False  # asked at most every POLL_S: the cached answer
        now[0] += POLL_S
        assert lock.locked() is True
        logind.locked = False
        now[0] += POLL_S
        assert lock.locked() is False
    finally:
        lock.close()
    gets = [c for c in logind.calls if c.startswith("Get ")]
    assert logind.calls[0] == "GetSession /org/freedesktop/login1"  # once, then cached
    assert len(gets) == 3 and all(c == f"Get {logind.path}" for c in gets)


def test_without_a_session_id_the_callers_own_session_is_asked(logind: FakeLogind) -> None:
    lock = LogindLock("", logind.address, loginctl="")
    try:
        assert lock.locked() is None  # the stand-in knows only c7, so "auto" is refused
    finally:
        lock.close()
    assert logind.calls == [f"Get {AUTO_SESSION_PATH}"]
    assert "logind does not answer" in (lock.problem or "")


def test_a_bus_without_logind_is_said_once_and_asked_again_slowly(session_bus: str) -> None:  # noqa: F811
    now = [0.0]
    lock = LogindLock("c7", session_bus, clock=lambda: now[0], loginctl="")
    assert lock.locked() is None
    assert "logind does not answer on the system bus" in lock.problem
    now[0] += RETRY_S - 1
    assert lock.locked() is None  # no new attempt before RETRY_S
    now[0] += 1
    assert lock.locked() is None
    lock.close()


def test_this_machines_real_loginctl_without_logind_means_cannot_tell(tmp_path) -> None:
    loginctl = shutil.which("loginctl") or ""  # none at all: D-Bus alone, same answer
    lock = LogindLock("c7", f"unix:path={tmp_path}/no-bus", loginctl=loginctl)
    assert lock.locked() is None
    assert "logind does not answer" in lock.problem
    if loginctl:
        assert "loginctl cannot say" in lock.problem
