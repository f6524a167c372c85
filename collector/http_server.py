"""The HTTP server `serve` runs: waitress, set for hundreds of slow or idle clients.

Waitress reads requests in one event loop and hands only complete ones to its
worker threads, so a slow client costs a connection, not a thread. What its
defaults get wrong for a collector is the connection side (docs/design.md §6): at
most 100 connections, each kept while it sends a byte within two minutes, so
100 clients sending a header byte a second (slowloris) shut everyone else
out. Here:

* `connection_limit` 1,000 (never more than the open-files limit allows,
  which is raised to its hard limit at start): thousands of agents posting
  every five minutes keep a few hundred keep-alive connections open;
* `channel_timeout` 60 s: an idle keep-alive connection is closed after a
  minute; an agent's next upload, minutes later, opens a new one;
* a deadline per request, which waitress lacks: its headers must arrive
  within 20 s of the first byte and the whole request (a body is at most
  1 MB) within 120 s, however steadily the bytes trickle in; past it the
  connection is closed (`_Channel`, `_Server.maintenance`); `serve
  --header-timeout/--request-timeout` change them (a slow branch-office link);
* `cleanup_interval` 2 s, so those limits are enforced within seconds;
* `asyncore_use_poll`: select() cannot watch file descriptors past 1024.

A reverse proxy in front (docs/deploy.md) adds its own header and body
timeouts; these limits hold without one.
"""

from __future__ import annotations

import errno
import logging
import os
import resource
import socket
import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

log = logging.getLogger(__name__)

CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_S = 60
HEADER_TIMEOUT_S = 20.0
REQUEST_TIMEOUT_S = 120.0
CLEANUP_INTERVAL_S = 2
#: File descriptors kept for the database, logs and the server's own sockets.
SPARE_FILES = 64


def with_pid_header(app: Any) -> Any:
    """`app`, answering with ``X-Backlight-Pid``: which process served it, for
    an operator (or a test) looking at several workers on one port."""

    def answered_by_pid(environ: dict, start_response: Any) -> Any:
        def start(status: str, headers: list, exc_info: Any = None) -> Any:
            headers.append(("X-Backlight-Pid", str(os.getpid())))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return answered_by_pid


def raise_open_files_limit() -> int:
    """Lift the soft limit on open files to the hard one; returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 65_536
    if soft != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError) as exc:  # keep what we have
            log.warning("could not raise the open-files limit: %s", exc)
    return soft if soft != resource.RLIM_INFINITY else 65_536


class PortUnavailable(OSError):
    """The address cannot be listened on; the message says why and what to do."""


def port_problem(exc: OSError, host: str, port: int) -> PortUnavailable:
    """One line for a failed bind, naming the fix (`make run PORT=...` too)."""
    if exc.errno == errno.EADDRINUSE:
        other = 8001 if port == 8000 else port + 1
        return PortUnavailable(
            f"port {port} on {host} is in use (a collector running already?); stop it, or "
            f"serve on another port: --port {other} (`make run PORT={other}`)"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return PortUnavailable(
            f"port {port} on {host} needs privileges this user lacks; use a port above 1023 "
            "and a reverse proxy in front (docs/deploy.md)"
        )
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return PortUnavailable(
            f"cannot listen on {host}: not an address of this machine; "
            "use --host 127.0.0.1 (or 0.0.0.0 for every address)"
        )
    return PortUnavailable(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def check_port(host: str, port: int) -> None:
    """Raise PortUnavailable when host:port cannot be listened on, as waitress
    would bind it (SO_REUSEADDR, so a port in TIME_WAIT is not "busy")."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise port_problem(socket.gaierror(str(exc)), host, port) from None
    for family, kind, proto, _name, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise port_problem(exc, host, port) from None


def served_urls(server: Any) -> list[str]:
    """The URLs the server listens on, with the port it really bound."""
    servers = getattr(server, "map", None) and [
        s for s in server.map.values() if isinstance(s, _Server)
    ]
    found = servers or [server]
    urls = []
    for s in found:
        host = s.effective_host
        shown = f"[{host}]" if ":" in str(host) else host
        urls.append(f"http://{shown}:{s.effective_port}/")
    return sorted(set(urls))


class _Channel(HTTPChannel):
    """A connection that knows when the request it is receiving began."""

    request_started: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:  # the first bytes of a new request
            self.request_started = time.monotonic()
        result = super().received(data)
        if self.request is None:  # nothing partly received any more
            self.request_started = None
        return result


class _Server(TcpWSGIServer):
    channel_class = _Channel
    header_timeout_s = HEADER_TIMEOUT_S
    request_timeout_s = REQUEST_TIMEOUT_S

    def maintenance(self, now: float) -> None:
        """Waitress closes idle connections; also close those whose request
        is taking too long to arrive, however active they are."""
        super().maintenance(now)
        clock = time.monotonic()
        for channel in list(self.active_channels.values()):
            started = getattr(channel, "request_started", None)
            request = channel.request
            if started is None or request is None or channel.requests:
                continue
            limit = self.request_timeout_s if request.headers_finished else self.header_timeout_s
            if clock - started > limit:
                channel.will_close = True


def make_server(
    app: Any,
    host: str,
    port: int,
    *,
    threads: int = 8,
    connection_limit: int = CONNECTION_LIMIT,
    header_timeout_s: float = HEADER_TIMEOUT_S,
    request_timeout_s: float = REQUEST_TIMEOUT_S,
    trust_proxy_headers: bool = False,
) -> Any:
    """A waitress server for `app` on host:port, ready to `run()`.

    ``trust_proxy_headers``: pass ``X-Forwarded-*`` on to the app (where
    ProxyFix reads them, dashboard/sessions.py) only when the operator said a
    proxy is trusted; otherwise waitress strips them and nobody can forge an
    address."""
    files = raise_open_files_limit()
    limit = max(1, min(connection_limit, files - SPARE_FILES))
    if limit < connection_limit:
        log.warning("connection limit lowered to %d by the open-files limit %d", limit, files)
    adj = Adjustments(
        host=host,
        port=port,
        threads=threads,
        connection_limit=limit,
        channel_timeout=CHANNEL_TIMEOUT_S,
        cleanup_interval=CLEANUP_INTERVAL_S,
        asyncore_use_poll=True,
        ident="backlight",
        clear_untrusted_proxy_headers=not trust_proxy_headers,
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    socket_map: dict = {}
    try:
        servers = [
            _Server(app, socket_map, dispatcher=dispatcher, adj=adj, sockinfo=info)
            for info in adj.listen
        ]
    except OSError as exc:
        raise port_problem(exc, host, port) from None
    for server in servers:
        server.header_timeout_s = header_timeout_s
        server.request_timeout_s = max(request_timeout_s, header_timeout_s)
    if len(servers) == 1:
        return servers[0]
    listening = [(s.effective_host, s.effective_port) for s in servers]
    return MultiSocketServer(socket_map, adj, listening, dispatcher, servers[0].log_info)
