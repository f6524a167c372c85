"""One connection pool per database URL, shared by every store of the process.

The collector opens one store per server thread and keeps it (collector/db.py),
plus short-lived ones for background jobs and commands. Each store borrows a
server connection only for one transaction or one statement, so many threads
share a few connections, and a thread idle between requests holds none.

A pool lives while any store of its URL is open: the last `release` closes it,
so a command or a test leaves no connection behind (a database with open
connections cannot be dropped or used as a template).
"""

from __future__ import annotations

import os
import threading

import psycopg
from psycopg import Connection
from psycopg_pool import ConnectionPool

from collector.store.errors import StoreUnavailable

#: Server connections per process at most; `BACKLIGHT_PG_POOL` overrides it.
DEFAULT_MAX = 10
#: Seconds a request waits for a free connection before answering 503.
WAIT_S = 30.0
#: Seconds to reach the server when a pool is opened.
CONNECT_S = 5

_POOLS: dict[str, tuple[ConnectionPool, int]] = {}
_GUARD = threading.Lock()


def _configure(conn: Connection) -> None:
    # Statements outside write()/snapshot() are single reads: autocommit
    # keeps them from leaving a transaction open between requests.
    conn.autocommit = True


def acquire(url: str) -> ConnectionPool:
    """The pool of `url`, opened on first use; pair with `release`."""
    with _GUARD:
        found = _POOLS.get(url)
        if found is not None:
            _POOLS[url] = (found[0], found[1] + 1)
            return found[0]
        try:  # a server that is down or refuses us says so now, not after the pool's wait
            psycopg.connect(url, connect_timeout=CONNECT_S).close()
        except psycopg.Error as exc:
            raise StoreUnavailable(f"cannot connect to PostgreSQL at {_safe(url)}: {exc}") from exc
        size = int(os.environ.get("BACKLIGHT_PG_POOL", "") or DEFAULT_MAX)
        pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, size),
            timeout=WAIT_S,
            configure=_configure,
            open=False,
            name=url.rsplit("@", 1)[-1],
        )
        try:
            pool.open(wait=True, timeout=10)
        except Exception as exc:  # psycopg_pool.PoolTimeout and the driver's own
            pool.close()
            raise StoreUnavailable(f"cannot connect to PostgreSQL at {_safe(url)}: {exc}") from exc
        _POOLS[url] = (pool, 1)
        return pool


def release(url: str) -> None:
    with _GUARD:
        found = _POOLS.get(url)
        if found is None:
            return
        pool, users = found
        if users > 1:
            _POOLS[url] = (pool, users - 1)
            return
        del _POOLS[url]
    pool.close()


def close_pools(url: str | None = None) -> None:
    """Close the pool of `url` (every pool for None) whoever still uses it."""
    with _GUARD:
        names = [url] if url is not None else list(_POOLS)
        pools = [_POOLS.pop(n)[0] for n in names if n in _POOLS]
    for pool in pools:
        pool.close()


def forget_after_fork() -> None:
    """In a freshly forked process: drop the parent's pools without closing
    them (their connections are the parent's; closing would end its sessions),
    so the first store opened here makes a pool of its own."""
    global _GUARD
    _POOLS.clear()
    _GUARD = threading.Lock()


def _safe(url: str) -> str:
    """The URL without a password, for messages and logs."""
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
