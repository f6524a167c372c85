"""The storage seam holds: no SQL driver outside collector/store, no metrics
or web framework inside it. Read from the source with `ast`, so a lazy import
inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DRIVERS = ("sqlite3", "sqlite_utils", "psycopg", "psycopg_pool")
#: What the rest of the collector may import from the store package.
PUBLIC = {"collector.store"}


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_nothing_outside_the_store_imports_a_driver_or_store_internals():
    store_dir = ROOT / "collector" / "store"
    wrong = []
    for path in _modules("collector"):
        if store_dir in path.parents:
            continue
        for name in _imports(path):
            top = name.split(".")[0]
            internal = name.startswith("collector.store.") and name not in PUBLIC
            if top in DRIVERS or internal:
                wrong.append(f"{path.relative_to(ROOT)}: {name}")
    assert wrong == []


def test_the_store_imports_no_metrics_and_no_web_code():
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _modules("collector/store")
        for name in _imports(path)
        if name.split(".")[0] in ("flask", "werkzeug")
        or name.startswith(("collector.metrics", "collector.api", "collector.dashboard"))
        or name.startswith(("collector.admin", "collector.jobs", "collector.db"))
    ]
    assert wrong == []
