"""The store for views: one store (connection) per server thread, kept open.

Same shape as the Flask tutorial's `db.py` (`get_store()` for views,
`init_app()` to wire it in and migrate once at start), except that the
connection outlives the request. Opening and closing a WAL database on every
request costs more than storing a small batch: the last close checkpoints the
log. A request that ends inside a transaction (an exception escaped a view)
is rolled back at teardown, so the next request on that thread starts clean.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from collector.jobs import count_day
from collector.store import Store, open_store

_EXTENSION = "backlight.stores"


class _ThreadStores(threading.local):
    store: Store | None = None


def get_store() -> Store:
    local: _ThreadStores = current_app.extensions[_EXTENSION]
    if local.store is None:
        local.store = open_store(current_app.config["DATABASE"], migrate=False, count_day=count_day)
    return local.store


def _end_request(_exc: BaseException | None = None) -> None:
    local: _ThreadStores = current_app.extensions[_EXTENSION]
    if local.store is not None:
        local.store.end_request()


def init_app(app: Flask) -> None:
    store = open_store(app.config["DATABASE"], migrate=True)
    store.close()
    app.extensions[_EXTENSION] = _ThreadStores()
    app.teardown_appcontext(_end_request)
