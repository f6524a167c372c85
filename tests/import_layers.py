"""Which way the imports of the repository run, read from the source with `ast`.

The parts of Backlight sit in layers (docs/architecture.md): storage at the
bottom, the logic (metrics, service) on it, HTTP (api, dashboard, admin, web)
on top; the agent and the collector share only `shared/`. An import that runs
the wrong way, or a circle of modules importing each other at import time,
is how a tidy tree turns back into a tangle, so the suite counts them.

Run ``python -m tests.import_layers [ROOT]`` to print every wrong-way import.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("collector", "agent", "shared")

#: Where the HTTP layer starts: a logic module importing one of these depends on the web.
HTTP = (
    "flask",
    "werkzeug",
    "waitress",
    "collector.api",
    "collector.dashboard",
    "collector.admin",
    "collector.web",
    "collector.app",
    "collector.auth",
    "collector.db",
    "collector.http_server",
    "collector.transparency.page",
)
LOGIC = ("collector.metrics", "collector.service", "collector.store")

#: (importer, imported, why): an importer under the first prefix may not import the second.
RULES: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("collector.store",), ("collector.metrics",), "storage hands spans to the jobs"),
    (LOGIC, HTTP, "logic must not depend on HTTP"),
    (("collector.admin",), ("collector.dashboard",), "shared web pieces are collector.web"),
    (("agent",), ("collector",), "the agent talks to the collector over HTTP only"),
    (("collector",), ("agent",), "the collector never imports the agent"),
    (("shared",), ("collector", "agent"), "shared code is beneath both"),
)


@dataclass(frozen=True, order=True)
class Arrow:
    """One import: `source` imports `target`, at `line`. `top` is False for an
    import inside a function (a deliberate late import, which cannot make a
    circle at import time); an ``if TYPE_CHECKING`` import counts as top: it
    is still a dependency, and a circle through it is still a circle."""

    source: str
    target: str
    line: int
    top: bool = True


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(tree: ast.AST, top: bool = True) -> Iterator[tuple[ast.AST, bool]]:
    """Import nodes with whether they are module-level (not inside a function)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, top
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _imports(node, False)
        else:
            yield from _imports(node, top)


def arrows(root: Path) -> list[Arrow]:
    known = modules(root)
    found = []
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, top in _imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                # `from collector import reports` imports the module collector.reports.
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
                ]
            for target in dict.fromkeys(targets):
                if target != name:
                    found.append(Arrow(name, target, node.lineno, top))
    return sorted(found)


#: Packages whose ``__init__`` runs whenever a logic module is imported: a
#: module-level HTTP import there drags Flask into `import collector.metrics`.
LOGIC_PARENTS = ("collector",)


def wrong_way(found: list[Arrow]) -> list[tuple[Arrow, str]]:
    bad = []
    for arrow in found:
        if arrow.source in LOGIC_PARENTS and arrow.top and _within(arrow.target, HTTP):
            bad.append((arrow, "importing the logic would import HTTP"))
            continue
        for sources, targets, why in RULES:
            if _within(arrow.source, sources) and _within(arrow.target, targets):
                bad.append((arrow, why))
                break
    return bad


def circles(found: list[Arrow]) -> list[tuple[str, ...]]:
    """Each circle of import-time imports among the repository's own modules, once."""
    graph: dict[str, set[str]] = {}
    for a in found:
        if a.top and _within(a.target, PACKAGES):
            graph.setdefault(a.source, set()).add(a.target)
    seen: set[frozenset[str]] = set()
    result = []

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt == path[0]:
                key = frozenset(path)
                if key not in seen:
                    seen.add(key)
                    result.append(tuple(path))
            elif nxt not in path and nxt > path[0]:
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return result


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    found = arrows(root)
    bad = wrong_way(found)
    for arrow, why in bad:
        print(f"{arrow.source}:{arrow.line} -> {arrow.target}  ({why})")
    loops = circles(found)
    for loop in loops:
        print("circle: " + " -> ".join([*loop, loop[0]]))
    print(f"{len(bad)} wrong-way imports, {len(loops)} circles, {len(found)} imports read")
    return 1 if bad or loops else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
