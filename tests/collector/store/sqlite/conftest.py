"""Tests of the SQLite backend's own parts (its schema history, its rollup
rebuild): they run on SQLite only, whatever BACKENDS holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.jobs import open_counting_store
from collector.store import Store


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_counting_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.close()
