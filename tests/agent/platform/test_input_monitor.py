"""The input monitor: counting rules and thread safety with direct calls, then real
pynput under Xvfb (in a subprocess, because pynput reads DISPLAY at import),
driven by xdotool. And the privacy promise: no key is kept anywhere.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import threading
import time
import types
import uuid
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.platform.input import SCROLL_BURST_S, InputMonitor, _wait_ready

ROOT = Path(__file__).resolve().parents[3]


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class FakeKey:
    """Stands in for pynput's KeyCode; weak-referenceable, so a leak is visible."""

    def __init__(self, char: str):
        self.char = char


# -- counting, without a display -------------------------------------------------------


def listening(clock=None) -> InputMonitor:
    """A monitor in the state a successful start() leaves it, minus pynput."""
    m = InputMonitor(clock=clock) if clock else InputMonitor()
    m._listening = True
    m._started_at = m.clock()
    return m


def test_counts_key_presses_and_button_presses_only() -> None:
    m = listening(Clock())
    for c in "hello":
        m._on_key(FakeKey(c), False)
    m._on_click(10, 20, "left", True, False)
    m._on_click(10, 20, "left", False, False)  # the release: not another click
    m._on_click(10, 20, "right", True, False)
    assert m.take_counts() == (5, 2)
    assert m.take_counts() == (0, 0)  # taken means reset


def test_a_scroll_burst_is_one_click_and_moves_are_none() -> None:
    clock = Clock()
    m = listening(clock)
    for _ in range(30):  # reading down a page: notches 0.1 s apart
        m._on_scroll(0, 0, 0, -1, False)
        clock.t += 0.1
    clock.t += SCROLL_BURST_S
    m._on_scroll(0, 0, 0, 1, False)  # a new gesture
    for _ in range(100):
        m._on_move(5, 5, False)
    assert m.take_counts() == (0, 2)


def test_idle_clock_follows_every_kind_of_input() -> None:
    clock = Clock()
    m = InputMonitor(clock=clock)
    assert m.seconds_since_input() is None  # not listening: cannot tell
    m = listening(clock)
    clock.t += 7
    assert m.seconds_since_input() == 7  # nothing heard since listening began
    for event in (
        lambda: m._on_key(FakeKey("a"), False),
        lambda: m._on_click(0, 0, "left", False, False),
        lambda: m._on_scroll(0, 0, 0, 1, False),
        lambda: m._on_move(1, 1, False),
    ):
        clock.t += 30
        event()
        clock.t += 2
        assert m.seconds_since_input() == 2


def test_counters_are_exact_under_concurrent_listeners() -> None:
    m = listening()
    taken = [0, 0]

    def press(n: int) -> None:
        for _ in range(n):
            m._on_key(None, False)
            m._on_click(0, 0, "left", True, False)

    def drain(stop: threading.Event) -> None:
        while not stop.is_set():
            k, c = m.take_counts()
            taken[0] += k
            taken[1] += c

    stop = threading.Event()
    reader = threading.Thread(target=drain, args=(stop,))
    reader.start()
    writers = [threading.Thread(target=press, args=(20_000,)) for _ in range(4)]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    stop.set()
    reader.join()
    k, c = m.take_counts()
    assert (taken[0] + k, taken[1] + c) == (80_000, 80_000)


def test_no_key_outlives_its_callback() -> None:
    """The key object pynput passes in is unreachable once the callback returns:
    no attribute, closure, default argument or container of ours holds it."""
    m = listening(Clock())
    refs = []
    for c in "secret password 123":
        key = FakeKey(c)
        refs.append(weakref.ref(key))
        m._on_key(key, False)
        del key
    gc.collect()
    assert all(r() is None for r in refs), "a key object was kept alive"
    for name in ("_on_key", "_on_click", "_on_scroll", "_on_move"):
        fn = getattr(InputMonitor, name)
        assert fn.__code__.co_freevars == () and fn.__defaults__ is None, name
    assert m.take_counts() == (19, 0)


def test_nothing_is_counted_after_stop() -> None:
    m = listening(Clock())
    m._on_key(FakeKey("a"), False)
    m.stop()
    m._on_key(FakeKey("b"), False)  # an event already in flight in a listener thread
    m._on_click(0, 0, "left", True, False)
    m._on_scroll(0, 0, 0, 1, False)
    assert m.take_counts() == (1, 0)


def test_start_without_a_display_says_why(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pynput", None)  # as when pynput cannot load a backend
    m = InputMonitor()
    assert m.start() is False
    assert m.problem and "cannot be heard" in m.problem
    m.stop()  # harmless when nothing started


class _DeadListener(threading.Thread):
    """A pynput listener whose thread fails before it is ready (no RECORD extension)."""

    def __init__(self, **_callbacks: object):
        super().__init__(daemon=True)
        self._ready = False

    def run(self) -> None:
        return None

    def stop(self) -> None:
        return None


def test_a_listener_that_dies_before_ready_does_not_hang_start(monkeypatch) -> None:
    fake = types.ModuleType("pynput")
    fake.keyboard = types.SimpleNamespace(Listener=_DeadListener)
    fake.mouse = types.SimpleNamespace(Listener=_DeadListener)
    monkeypatch.setitem(sys.modules, "pynput", fake)
    began = time.monotonic()
    m = InputMonitor()
    assert m.start() is False
    assert time.monotonic() - began < 3
    assert m.problem and "did not start" in m.problem


def test_wait_ready_gives_up_on_a_stuck_listener() -> None:
    stuck = types.SimpleNamespace(_ready=False, is_alive=lambda: True)
    assert _wait_ready(stuck, 0.2) is False
    assert _wait_ready(types.SimpleNamespace(_ready=True, is_alive=lambda: True), 0.2)


# -- real pynput under Xvfb ----------------------------------------------------------

CHILD = r"""
import gc, json, sys, threading
from agent.platform.input import InputMonitor

m = InputMonitor()
ok = m.start()
print(json.dumps({"started": ok, "problem": m.problem}), flush=True)
keys = clicks = 0
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "poll":
        k, c = m.take_counts()
        keys, clicks = keys + k, clicks + c
        out = {"keys": keys, "clicks": clicks, "idle": m.seconds_since_input()}
    elif cmd == "audit":
        from pynput.keyboard import Key, KeyCode
        gc.collect()
        seen, found, todo = set(), [], []
        todo += [v for k, v in vars(m).items() if k != "_listeners"]  # our own state
        for listener in m._listeners:  # and what pynput keeps of our callbacks
            for name in ("on_press", "on_release", "on_click", "on_scroll", "on_move"):
                cb = getattr(listener, name, None)
                todo += [c.cell_contents for c in (getattr(cb, "__closure__", None) or ())]
        while todo:
            obj = todo.pop()
            if id(obj) in seen or isinstance(obj, type(sys)):
                continue
            seen.add(id(obj))
            if isinstance(obj, (Key, KeyCode)):
                found.append(repr(obj))
            elif obj is m or isinstance(obj, (list, tuple, set, dict, type(m._on_key))):
                todo += gc.get_referents(obj)
        out = {"found": found, "walked": len(seen)}
    elif cmd == "stop":
        before = threading.active_count()
        m.stop()
        out = {"threads_before": before}
    elif cmd == "threads":
        out = {"threads": threading.active_count()}
    else:
        out = {"error": cmd}
    print(json.dumps(out), flush=True)
"""


class Child:
    """The monitor running in its own process on the test display."""

    def __init__(self, env: dict[str, str]):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.hello = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"monitor process ended: {self.proc.stderr.read()}")
        return json.loads(line)

    def ask(self, cmd: str) -> dict:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return self._read()

    def wait_for(self, keys: int | None = None, clicks: int | None = None, timeout=5.0) -> dict:
        """Poll until the totals reach the numbers (input arrives asynchronously)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.ask("poll")
            if (keys is None or got["keys"] >= keys) and (
                clicks is None or got["clicks"] >= clicks
            ):
                return got
            if time.monotonic() > deadline:
                return got
            time.sleep(0.1)

    def settle(self, seconds: float = 0.5) -> dict:
        """The totals after nothing more can be in flight."""
        time.sleep(seconds)
        return self.ask("poll")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def child(desktop) -> Iterator[Child]:
    # Something to type and click into; the listener hears device events whatever
    # has focus, and openbox focuses a new window itself. A unique title, because
    # desktop.find() returns the first window whose title contains the text.
    desktop.open_window(f"Input monitor target ~{uuid.uuid4().hex[:8]}")
    c = Child(desktop.env)
    yield c
    c.close()


@pytest.mark.x11
def test_real_keys_are_counted(desktop, child: Child) -> None:
    assert child.hello == {"started": True, "problem": None}
    desktop.type_text("hello world")
    got = child.wait_for(keys=11)
    assert got["keys"] == 11, got
    assert child.settle()["keys"] == 11  # presses only: releases did not double it
    assert child.ask("poll")["idle"] < 5


@pytest.mark.x11
def test_real_clicks_counted_scrolls_once_moves_not(desktop, child: Child) -> None:
    desktop.xdotool("mousemove", "--sync", "300", "300")
    time.sleep(0.2)
    for _ in range(3):
        desktop.click()
        time.sleep(0.2)
    got = child.wait_for(clicks=3)
    assert got["clicks"] == 3, got
    desktop.xdotool("click", "--repeat", "6", "--delay", "50", "5")  # six wheel notches
    got = child.wait_for(clicks=4)
    assert child.settle()["clicks"] == 4, got
    time.sleep(1.2)
    before = child.ask("poll")
    assert before["idle"] >= 1.0
    desktop.xdotool("mousemove", "--sync", "500", "400")
    after = child.settle(0.3)
    assert after["clicks"] == 4 and after["keys"] == 0
    assert after["idle"] < 1.0, "a pointer move is input"


@pytest.mark.x11
def test_real_listener_keeps_no_key(desktop, child: Child) -> None:
    desktop.type_text("Pa55word!")
    assert child.wait_for(keys=9)["keys"] >= 9
    audit = child.ask("audit")
    assert audit["walked"] > 5  # it did look at our state and callbacks
    assert audit["found"] == []


@pytest.mark.x11
def test_stop_stops_counting_and_the_threads_end(desktop, child: Child) -> None:
    desktop.type_text("ab")
    assert child.wait_for(keys=2)["keys"] == 2
    assert child.ask("stop")["threads_before"] == 3  # main + keyboard + mouse listener
    desktop.type_text("cdef")
    desktop.click()
    assert child.settle()["keys"] == 2 and child.ask("poll")["clicks"] == 0
    # pynput's X11 listener threads leave on the first event after stop()
    deadline = time.monotonic() + 5
    while child.ask("threads")["threads"] > 1 and time.monotonic() < deadline:
        desktop.xdotool("mousemove_relative", "1", "1")
        time.sleep(0.1)
    assert child.ask("threads")["threads"] == 1
