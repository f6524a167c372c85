"""Fixtures for the admin pages: an app on a fresh database, signed-in clients."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from collector.app import create_app
from collector.store import open_store
from collector.web.sessions import SECRET_KEY

PASSWORD = "correct horse battery"
CSRF = "test-csrf-token-0123456789"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """Made once: password hashing is slow on purpose, so tests copy this file."""
    db = tmp_path_factory.mktemp("admin-template") / "admin.db"
    store = open_store(db)
    ops = store.add_team("ops")
    store.add_team("payroll")
    store.add_user("root", "admin", PASSWORD, [])
    store.add_user("maria", "manager", PASSWORD, [ops])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return db


@pytest.fixture
def app(tmp_path: Path, template_db: Path):
    db = tmp_path / "admin.db"
    shutil.copyfile(template_db, db)
    app = create_app({"DATABASE": str(db), "TESTING": True, "SECRET_KEY": "test"})
    yield app


@pytest.fixture
def store(app):
    s = open_store(app.config["DATABASE"])
    yield s
    s.close()


def sign_in(client, store, name: str) -> None:
    row = store.user_row(name)
    _, secret = store.create_session(row["id"], "test client", idle_s=3600, absolute_s=3600)
    with client.session_transaction() as s:
        s[SECRET_KEY] = secret
        s["csrf"] = CSRF


@pytest.fixture
def admin(app, store):
    client = app.test_client()
    sign_in(client, store, "root")
    return client


@pytest.fixture
def manager(app, store):
    client = app.test_client()
    sign_in(client, store, "maria")
    return client


def post(client, url: str, data: dict | None = None, **kw):
    """A form POST with the session's CSRF token, as the pages send it."""
    return client.post(url, data={"csrf_token": CSRF, **(data or {})}, **kw)


def text_of(resp) -> str:
    """The page's text without tags, whitespace collapsed, for readable asserts."""
    body = resp.get_data(as_text=True)
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip())
