"""Fixtures for the dashboard tests.

* `demo_db`: one database per test session filled by `backlight-collector demo`
  (27 people in three teams, admin `admin` and managers maria, wes, carla);
* `app` / `client`: a Flask app on a copy of it, for fast test-client tests;
* `demo_server`: a real collector process (`backlight-collector serve`) on it,
  for the browser tests.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.app import create_app
from tests.fixtures.collector_server import CLI, CollectorServer, run_cli
from tests.fixtures.screenshots import SCREENSHOTS  # noqa: F401 - test_browser.py reads it here

PASSWORD = "backlight-demo"


def _fill_demo(db: Path) -> None:
    out = subprocess.run(
        [*CLI, "demo", "--db", str(db)], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, f"backlight-collector demo failed: {out.stderr[-2000:]}"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    _fill_demo(db)
    # A small team (2 people would be suppressed) and a manager of it, for the privacy tests.
    run_cli(db, "team", "add", "Tiny team")
    run_cli(db, "user", "add", "tina", "--role", "manager", "--team", "Tiny team", stdin=PASSWORD)
    return db


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database: tests may write to it."""
    copy = tmp_path / "demo.db"
    shutil.copy(demo_db, copy)
    return copy


@pytest.fixture
def app(db: Path):
    app = create_app({"DATABASE": str(db), "TESTING": True})
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def demo_server(demo_db: Path, tmp_path_factory) -> Iterator[CollectorServer]:
    tmp = tmp_path_factory.mktemp("served")
    db = tmp / "demo.db"
    shutil.copy(demo_db, db)
    server = CollectorServer(db, tmp / "collector.log")
    server.start()
    yield server
    server.stop()
