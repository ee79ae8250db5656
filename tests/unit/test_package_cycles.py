"""No import cycle between harness's packages (issue 16), computed from the imports themselves.

    .venv/bin/pytest tests/unit/test_package_cycles.py -q

Every `import harness.x` / `from harness.x... import` in a module of package `p` (a function's
lazy import too: it is a dependency all the same) is an edge p -> x. A cycle means two packages
cannot be understood, tested or moved apart; the composition layers (harness.targets,
harness.commands) sit above the packages they join, so none of them needs another's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[2] / "harness"


def packages() -> set[str]:
    return {p.name for p in HARNESS.iterdir() if (p / "__init__.py").is_file()}


def imported(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def package_graph() -> dict[str, set[str]]:
    known = packages()
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name in known:
        for path in (HARNESS / name).rglob("*.py"):
            for module in imported(ast.parse(path.read_text("utf-8"))):
                parts = module.split(".")
                if parts[0] == "harness" and len(parts) > 1 and parts[1] in known - {name}:
                    graph[name].add(parts[1])
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_two_harness_packages_import_each_other() -> None:
    graph = package_graph()
    assert cycles(graph) == [], {name: sorted(deps) for name, deps in graph.items()}


def test_the_check_finds_a_cycle() -> None:
    """The check itself can fail: a planted cycle is found, with its members."""
    graph = {"qa": {"sandbox"}, "sandbox": {"qa", "engine"}, "engine": set()}
    assert cycles(graph) == [["qa", "sandbox"]]


def test_the_checklists_own_code_never_imports_a_target() -> None:
    """harness.qa (what the steps drive) reaches fakes and sandboxes only through a Target."""
    assert "targets" not in package_graph()["qa"]
    assert not {"sandbox", "fidelity"} & package_graph()["qa"]
