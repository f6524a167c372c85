"""`serve --workers N` with N > 1: gunicorn's arbiter and N worker processes
on one listening socket (docs/scale.md).

One Python process runs the collector's own work (token lookup, validation,
the transaction) on one core at a time; several processes use several. The
application is built once in the arbiter (`preload_app`: migrations run once,
and forked workers share its memory) and every worker then opens its own
database connections: SQLite ones per thread as always (collector/db.py), a
PostgreSQL pool of its own on first use, never one inherited over fork.

Workers are gthread: a thread pool per process behind a poller that keeps
idle keep-alive connections without holding a thread, as an agent fleet
keeps hundreds of them. Sync workers close every connection after one
request (benchmarks/fleet.py measures both). The waitress limits of
collector/http_server.py have gunicorn's counterparts: connections per
worker, keep-alive time, request line and header sizes; gunicorn has no
deadline for a whole request, so a collector with several workers that is
reachable from untrusted networks belongs behind a reverse proxy
(docs/deploy.md).

The background jobs start in every worker and run in the one holding the
database's job lock (collector/jobs.py). Logs go through the collector's
handler (collector/observability/logs.py), so `--log-format json` is JSON
for gunicorn's own lines too. SIGTERM or Ctrl-C stops the arbiter and its
workers; a worker that dies is replaced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from collector.http_server import CHANNEL_TIMEOUT_S

log = logging.getLogger("backlight.server")

#: Seconds workers get to finish their requests after SIGTERM.
GRACEFUL_TIMEOUT_S = 10


#: Settings of newer gunicorns, left out when the installed one has none.
OPTIONAL = ("control_socket_disable",)


class _Logs(glogging.Logger):
    """gunicorn's lines through the root handler `serve` configured (text or
    JSON); no access log of its own: the app logs one line per request."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for each in (self.error_log, self.access_log):
            for handler in [h for h in each.handlers if getattr(h, "_gunicorn", False)]:
                each.removeHandler(handler)
            each.propagate = True


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def listener_urls(arbiter: Any) -> list[str]:
    """The URLs the arbiter's sockets listen on, with the port really bound."""
    urls = []
    for listener in arbiter.LISTENERS:
        host, port = listener.sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        urls.append(f"http://{shown}:{port}/")
    return sorted(set(urls))


class CollectorArbiterApp(BaseApplication):
    """A gunicorn application whose settings come from `serve`, not a file."""

    def __init__(self, app: Any, settings: dict[str, Any]):
        self._app = app
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._settings.items():
            if key in OPTIONAL and key not in self.cfg.settings:
                continue  # a setting older gunicorns lack
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._app


def _post_fork(_arbiter: Any, _worker: Any) -> None:
    """Forget PostgreSQL pools copied from the arbiter (it should have none
    open): their sockets are the arbiter's, and using them from two processes
    would interleave two conversations on one server session."""
    from collector.store import after_fork

    after_fork()


def run(
    app: Any,
    host: str,
    port: int,
    *,
    workers: int,
    threads: int,
    connection_limit: int,
    announce: Callable[[list[str]], None],
    in_each_worker: Callable[[], object] | None = None,
    worker_class: str = "gthread",
) -> None:
    """Serve `app` from `workers` processes until SIGTERM or SIGINT; `announce`
    is given the URLs once listening, `in_each_worker` runs in every worker
    once it is forked (`serve` starts the background jobs there).
    `worker_class` "sync" is for benchmarks/fleet.py's comparison only."""

    def when_ready(arbiter: Any) -> None:
        announce(listener_urls(arbiter))

    def post_worker_init(_worker: Any) -> None:
        if in_each_worker is not None:
            in_each_worker()

    settings = {
        "bind": [_bind_address(host, port)],
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "worker_connections": connection_limit,
        "keepalive": CHANNEL_TIMEOUT_S,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "preload_app": True,
        "logger_class": _Logs,
        "loglevel": "info",
        "accesslog": None,
        # The app reads X-Forwarded-* only through ProxyFix, when told a proxy
        # is trusted (collector/web/sessions.py); gunicorn trusts none itself.
        "forwarded_allow_ips": "",
        "proc_name": "backlight-collector",
        # gunicorn 24+'s control socket is one path per user: two collectors
        # would fight over it, and `serve` has no use for it.
        "control_socket_disable": True,
        "when_ready": when_ready,
        "post_fork": _post_fork,
        "post_worker_init": post_worker_init,
    }
    CollectorArbiterApp(app, settings).run()
