"""`open_store` picks the backend by URL, and the interface is whole."""

from __future__ import annotations

import pytest

from collector.jobs import open_counting_store
from collector.store import (
    Conflict,
    Store,
    StoreUnavailable,
    UnknownBackend,
    open_store,
    sqlite_path,
)


def test_a_plain_path_and_a_sqlite_url_open_the_same_database(tmp_path):
    path = tmp_path / "b.db"
    first = open_store(path)
    first.add_team("ops")
    first.close()
    again = open_store(f"sqlite:///{path}")
    try:
        assert [t["name"] for t in again.teams()] == ["ops"]
        assert again.path == str(path)
    finally:
        again.close()


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///backlight.db", "backlight.db"),
        ("sqlite:////var/lib/backlight/b.db", "/var/lib/backlight/b.db"),
        ("/var/lib/backlight/b.db", "/var/lib/backlight/b.db"),
        ("relative/b.db", "relative/b.db"),
        (r"C:\data\b.db", r"C:\data\b.db"),
    ],
)
def test_sqlite_urls_name_files_as_sqlalchemy_does(url, path):
    assert sqlite_path(url) == path


@pytest.mark.parametrize("url", ["mysql://db/backlight", "postgres-ish://x", "sqlite:/x.db"])
def test_an_unknown_scheme_is_refused_by_name(url, tmp_path):
    with pytest.raises(UnknownBackend) as caught:
        open_store(url)
    assert url.split(":", 1)[0] in str(caught.value) or "sqlite:///" in str(caught.value)
    assert not list(tmp_path.iterdir())  # nothing was made


def test_the_store_is_the_interface_and_hands_out_plain_data(store):
    assert isinstance(store, Store)
    store.add_user("ann", "admin", "correct horse battery", [])
    row = store.user_row("ann")
    assert type(row) is dict and row["name"] == "ann"
    assert all(type(u) is dict for u in store.users())


def test_a_database_that_cannot_be_opened_is_unavailable_not_a_driver_error(tmp_path):
    with pytest.raises(StoreUnavailable):
        open_counting_store(str(tmp_path / "missing-folder" / "b.db"))


def test_a_write_that_breaks_a_unique_key_is_a_conflict_and_stores_nothing(store):
    store.add_team("ops")
    with pytest.raises(Conflict):
        store.add_team("ops")
    assert [t["name"] for t in store.teams()] == ["ops"]
