"""Slow clients cannot stop the collector answering (docs/design.md §6).

A real collector process and a real slowloris client: 500 connections, each
sending a request line and then one header byte a second, never finishing.
With waitress's defaults (100 connections) a normal client got no answer;
now it gets `/health` within 2 s while all 500 are open, and the slow
connections are closed once their headers are overdue (collector/http_server.py).
"""

from __future__ import annotations

import resource
import socket
import threading
import time

import pytest
import requests

from collector.http_server import CLEANUP_INTERVAL_S, HEADER_TIMEOUT_S

pytestmark = pytest.mark.slow  # about 30 s: the header deadline has to pass

SLOW_CLIENTS = 500


class Slowloris:
    """Opens connections and drips one header byte a second into each."""

    def __init__(self, port: int, count: int):
        self.port, self.count = port, count
        self.socks: list[socket.socket] = []
        self.closed: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drip, daemon=True)

    def open(self) -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < self.count + 200:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, self.count + 200), hard))
        for _ in range(self.count):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            s.setblocking(False)
            self.socks.append(s)
        self._thread.start()

    def _drip(self) -> None:
        while not self._stop.wait(1.0):
            for i, s in enumerate(self.socks):
                if i in self.closed:
                    continue
                try:
                    if s.recv(1) == b"":  # the server closed it
                        self.closed.add(i)
                        continue
                except BlockingIOError:
                    pass
                except OSError:
                    self.closed.add(i)
                    continue
                try:
                    s.send(b"a")
                except BlockingIOError:
                    pass
                except OSError:
                    self.closed.add(i)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for s in self.socks:
            s.close()


def test_a_normal_client_is_answered_while_500_slow_ones_are_open(collector):
    slow = Slowloris(collector.port, SLOW_CLIENTS)
    try:
        slow.open()
        opened = time.monotonic()
        time.sleep(3)  # every slow connection has dripped a few bytes
        assert not slow.closed, "slow connections closed before their deadline"
        for _ in range(5):
            started = time.monotonic()
            r = requests.get(f"{collector.url}/api/v1/health", timeout=2)
            assert r.status_code == 200
            assert time.monotonic() - started < 2
            time.sleep(0.5)
        assert time.monotonic() - opened < HEADER_TIMEOUT_S  # all the while, all were open
        assert not slow.closed

        deadline = opened + HEADER_TIMEOUT_S + CLEANUP_INTERVAL_S + 10
        while len(slow.closed) < SLOW_CLIENTS and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(slow.closed) == SLOW_CLIENTS, f"{len(slow.closed)} of {SLOW_CLIENTS} dropped"
        r = requests.get(f"{collector.url}/api/v1/health", timeout=2)
        assert r.status_code == 200
    finally:
        slow.close()


def _closed_within(sock: socket.socket, seconds: float, drip: bytes) -> float | None:
    """Drip a byte a second until the server closes; seconds it took, or None."""
    sock.setblocking(False)
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if sock.recv(4096) == b"":
                return time.monotonic() - started
        except BlockingIOError:
            pass
        except OSError:
            return time.monotonic() - started
        try:
            sock.send(drip)
        except BlockingIOError:
            pass
        except OSError:
            return time.monotonic() - started
        time.sleep(1)
    return None


def test_a_body_that_trickles_in_is_cut_off_at_the_request_deadline(tmp_path):
    """Headers in time, then a body byte a second: closed at `--request-timeout`;
    a request that is slow but within its deadlines is answered."""
    from tests.fixtures.collector_server import CollectorServer

    server = CollectorServer(tmp_path / "c.db", tmp_path / "c.log")
    server.serve_args = ["--header-timeout", "3", "--request-timeout", "6"]
    server.start()
    try:
        head = (
            b"POST /api/v1/summaries HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        )
        trickle = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        trickle.sendall(head)
        took = _closed_within(trickle, 20, b" ")
        trickle.close()
        assert took is not None, "a body trickling in for 20 s was not cut off"
        assert 6 - 1 < took < 6 + CLEANUP_INTERVAL_S + 2, took

        # Slow, but each part within its deadline: answered (401: no device token).
        ok = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        for part in (head[:20], head[20:]):
            ok.sendall(part)
            time.sleep(1.5)
        ok.sendall(b"{" + b" " * 998 + b"}")
        answer = ok.recv(4096)
        ok.close()
        assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    finally:
        server.stop()
