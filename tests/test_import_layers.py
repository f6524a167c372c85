"""The imports of collector/, agent/ and shared/ run the right way (docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

from tests.import_layers import arrows, circles, wrong_way

ROOT = Path(__file__).resolve().parents[1]

#: Arrows the other two refactors of issue 18 remove in their branches; the
#: lead empties this list after merging them. Nothing may be added to it.
KNOWN_VIOLATIONS: set[str] = set()


def _problems(root: Path) -> set[str]:
    found = arrows(root)
    bad = {f"{a.source} -> {a.target}" for a, _ in wrong_way(found)}
    return bad | {"circle: " + " -> ".join([*c, c[0]]) for c in circles(found)}


def test_no_import_runs_the_wrong_way_or_in_a_circle():
    new = _problems(ROOT) - KNOWN_VIOLATIONS
    assert not new, "imports against docs/architecture.md:\n" + "\n".join(sorted(new))


def test_the_known_violations_are_still_there():
    """An entry fixed by a merge must leave the list, so the list only shrinks."""
    gone = KNOWN_VIOLATIONS - _problems(ROOT)
    assert not gone, "fixed; remove from KNOWN_VIOLATIONS:\n" + "\n".join(sorted(gone))


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_check_catches_each_kind_of_wrong_arrow(tmp_path):
    root = _write(
        tmp_path,
        {
            "collector/__init__.py": "",
            "collector/metrics/__init__.py": "from collector.api import errors\n",
            "collector/store/__init__.py": "def f():\n    from collector import metrics\n",
            "collector/service/__init__.py": "from flask import g\n",
            "collector/api/__init__.py": "",
            "collector/api/errors.py": "",
            "collector/dashboard/__init__.py": "",
            "collector/admin/__init__.py": "from ..dashboard import x\n",
            "agent/__init__.py": "",
            "agent/a.py": "import agent.b\nimport collector\n",
            "agent/b.py": "from agent import a\n",
            "shared/__init__.py": "",
        },
    )
    found = arrows(root)
    bad = {(a.source, a.target) for a, _ in wrong_way(found)}
    assert bad == {
        ("collector.metrics", "collector.api.errors"),
        ("collector.store", "collector.metrics"),
        ("collector.service", "flask"),
        ("collector.admin", "collector.dashboard"),
        ("agent.a", "collector"),
    }
    assert circles(found) == [("agent.a", "agent.b")]


def test_late_imports_make_no_circle_and_right_arrows_pass(tmp_path):
    root = _write(
        tmp_path,
        {
            "collector/__init__.py": "",
            "collector/api/__init__.py": "from collector.service import reports\n",
            "collector/service/__init__.py": "",
            "collector/service/reports.py": "from collector import metrics, store\n",
            "collector/metrics/__init__.py": "",
            "collector/store/__init__.py": "def f():\n    from collector.api import x\n",
            "agent/__init__.py": "",
            "shared/__init__.py": "",
        },
    )
    found = arrows(root)
    assert {(a.source, a.target) for a, _ in wrong_way(found)} == {
        ("collector.store", "collector.api")
    }
    assert circles(found) == []
