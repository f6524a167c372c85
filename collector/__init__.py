"""The Backlight collector: receives content-free summaries, serves reports.

`create_app` reads top to bottom: configuration, database, blueprints.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, jsonify

__version__ = "0.1.0"

#: Large enough for 500 segments with room to spare; anything bigger is refused.
MAX_BODY_BYTES = 1024 * 1024


def default_db_path() -> str:
    from platformdirs import user_data_dir

    env = os.environ.get("BACKLIGHT_DB")
    if env:
        return env
    directory = Path(user_data_dir("backlight-collector", appauthor=False))
    directory.mkdir(parents=True, exist_ok=True)
    return str(directory / "backlight.db")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE=default_db_path(),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=False,
    )
    if config:
        app.config.update(config)

    from collector import db

    db.init_app(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _session_secret(app.config["DATABASE"])

    from collector import api, observability, rate_limits

    observability.register(app)
    rate_limits.register(app)
    api.register(app)

    from collector import dashboard

    dashboard.register(app)

    from collector import admin

    admin.register(app)

    from collector.transparency import page as privacy_page

    privacy_page.register(app)

    from collector.api.openapi import document

    @app.get("/api/v1/openapi.json")
    def openapi():
        return jsonify(document(__version__))

    return app


def _session_secret(database: str) -> str:
    """One secret per database, made on first start, so sessions survive restarts."""
    from collector.store import open_store

    store = open_store(database, migrate=False)
    try:
        row = store.one("SELECT value FROM settings WHERE key = '_session_secret'")
        if row:
            return row["value"]
        secret = secrets.token_hex(32)
        with store.write() as c:
            c.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES ('_session_secret', ?)",
                (secret,),
            )
        return store.one("SELECT value FROM settings WHERE key = '_session_secret'")["value"]
    finally:
        store.close()
