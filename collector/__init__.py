"""The Backlight collector: receives content-free summaries, serves reports.

Light on purpose: importing `collector.metrics` or `collector.store` must not
import Flask. The web application is built by `collector.app.create_app`;
`collector.create_app` still resolves to it, loaded on first use.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

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


def _session_secret(database: str) -> str:
    """One secret per database, made on first start, so sessions survive restarts."""
    from collector.store import open_store

    store = open_store(database, migrate=False)
    try:
        return store.session_secret(lambda: secrets.token_hex(32))
    finally:
        store.close()


def __getattr__(name: str) -> Any:
    """`collector.create_app` for entry points and callers of the old path, loaded lazily."""
    if name == "create_app":
        from collector.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
