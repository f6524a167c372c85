"""The store, per request: opened on first use, closed when the request ends.

Same shape as the Flask tutorial's `db.py`: `get_store()` for views,
`init_app()` to wire it in and migrate once at start.
"""

from __future__ import annotations

from flask import Flask, current_app, g

from collector.store import Store, open_store


def get_store() -> Store:
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE"])
    return g.store


def close_store(_exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    store = open_store(app.config["DATABASE"], migrate=True)
    store.close()
    app.teardown_appcontext(close_store)
