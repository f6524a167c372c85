"""`create_app`: the collector's web application, read top to bottom:
configuration, database, the shared web hooks, blueprints.

Kept out of `collector/__init__.py` so the logic packages import without Flask.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify

from collector import MAX_BODY_BYTES, __version__, _session_secret, default_db_path


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask("collector")
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

    from collector import web

    web.register(app)

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
