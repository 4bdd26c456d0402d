"""No import cycle runs at import time: the module-level imports of empathy form a DAG.

import-linter (pyproject.toml, `lint-imports`) checks the layers and the cycles between siblings,
counting imports inside functions too; this test covers what it cannot: a cycle of module-level
imports across packages, the kind that breaks on a partly initialised module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

import empathy

ROOT = Path(empathy.__file__).resolve().parent


def _module_level_import_lines(module: str) -> set[int]:
    """Lines of the imports Python runs on import: top level, and inside top-level if/try blocks
    (but not under `if TYPE_CHECKING:`, which never runs)."""
    relative = Path(*module.split(".")[1:])
    path = ROOT / relative / "__init__.py" if (ROOT / relative).is_dir() else ROOT / f"{relative}.py"
    lines: set[int] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                lines.add(node.lineno)
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                    visit(block)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return lines


def module_level_graph() -> dict[str, set[str]]:
    """importer -> the modules of empathy it imports at module level.

    A package importing its own submodules is left out: a Flask blueprint package defines `bp` in
    `__init__` and imports its view modules last so that their routes register; each view module
    imports `bp` back. That cycle is the documented pattern and safe by construction.
    """
    graph = grimp.build_graph("empathy", cache_dir=None)
    edges: dict[str, set[str]] = {}
    for importer in graph.modules:
        lines = _module_level_import_lines(importer)
        edges[importer] = {
            imported
            for imported in graph.find_modules_directly_imported_by(importer)
            if not imported.startswith(importer + ".")
            and any(d["line_number"] in lines for d in graph.get_import_details(importer=importer, imported=imported))
        }
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None: a depth-first search that keeps its path."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once every successor is explored
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(edges):
        if start not in state and (cycle := walk(start)):
            return cycle
    return None


def test_find_cycle_reports_a_cycle_and_accepts_a_dag():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_module_level_imports_have_no_cycle():
    cycle = find_cycle(module_level_graph())
    assert cycle is None, "import cycle at module level: " + " -> ".join(cycle)
