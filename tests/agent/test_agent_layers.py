"""The agent's folders are its layers; an import running the wrong way fails here.

Read with ``ast`` from the source (nothing is imported), so the check holds on
a machine without Qt or a display:

- ``agent.platform`` (what the OS shows) and ``agent.outbox`` (the local
  queue) stand alone: neither imports the other, nor the core, nor the tray;
- the headless core (``agent.core``, ``agent.platform``, ``agent.outbox``,
  the CLI and headless mode) never imports the tray or Qt, nor do the
  importers (``agent.importers``), which read files and need no desktop;
- nothing of the agent imports the collector (the agent ships without it);
- no two agent modules import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

AGENT = Path(__file__).resolve().parents[2] / "agent"

#: package -> prefixes its modules must not import
FORBIDDEN = {
    "agent.platform": ("agent.core", "agent.outbox", "agent.tray", "agent.cli", "PySide6"),
    "agent.outbox": ("agent.core", "agent.platform", "agent.tray", "agent.cli", "PySide6"),
    "agent.core": ("agent.tray", "agent.cli", "agent.service", "PySide6"),
    "agent.service": ("agent.tray", "PySide6"),
    "agent.importers": ("agent.tray", "agent.cli", "agent.platform", "PySide6"),
    "agent.config": ("agent.core", "agent.outbox", "agent.platform", "agent.tray", "PySide6"),
    "agent": ("collector",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(AGENT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: frozenset[str] = frozenset()) -> set[str]:
    """Every module an agent file imports, wherever in the file (late imports too).

    ``from pkg import sub`` names the submodule ``pkg.sub`` when ``modules``
    knows it (not ``pkg`` itself, which would be a false circle); any other
    ``from X import Y`` names ``X`` and ``X.Y``.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = {f"{node.module}.{a.name}" for a in node.names}
            found.update(names)
            if not names <= modules:
                found.add(node.module)
    return found


def graph() -> dict[str, set[str]]:
    files = list(AGENT.rglob("*.py"))
    modules = frozenset(module_name(p) for p in files)
    return {module_name(p): imports_of(p, modules) for p in files}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_no_import_runs_against_the_layers() -> None:
    wrong = sorted(
        f"{mod} imports {imp}"
        for mod, imps in graph().items()
        for owner, banned in FORBIDDEN.items()
        if _under(mod, owner)
        for imp in imps
        for b in banned
        if _under(imp, b)
    )
    assert wrong == []


def test_no_two_agent_modules_import_each_other() -> None:
    g = graph()
    modules = set(g)
    edges = {m: {i for i in imps if i in modules and i != m} for m, imps in g.items()}
    circles = sorted(
        f"{a} <-> {b}" for a, outs in edges.items() for b in outs if a < b and a in edges[b]
    )
    assert circles == []


def test_the_check_sees_a_wrong_arrow(tmp_path: Path) -> None:
    """The reader finds late imports and ``from X import Y`` names (so the two
    checks above could fail)."""
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from agent.tray import app\n    import PySide6.QtCore\n")
    assert {"agent.tray", "agent.tray.app", "PySide6.QtCore"} <= imports_of(src)
