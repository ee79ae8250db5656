"""The usage examples at the top of every module still match the code they show (issue 16).

    .venv/bin/pytest tests/unit/test_docstring_examples.py -q

Most examples need a seeded world, a sandbox or a node, so they cannot run as doctests. They
drifted instead: `check_contracts` shown with 4 arguments after it took 3, a `driver.target_record`
that no longer existed. So each indented Python line of a module docstring is parsed, and every
call it makes to something the module defines or imports is bound against that thing's real
signature; every `Name.attribute` on a class or module must exist. The few examples that are
pure (no IO) are real doctests and run as such (`>>>` lines).
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("harness", "steps")
# Example lines that are shell commands, TOML or HTTP, not Python.
NOT_PYTHON_STARTS = (
    "talkqa ",
    "pytest ",
    "python ",
    ".venv/",
    "TALKQA_",
    "make ",
    "POST ",
    "GET ",
    "PATCH ",
    "PUT ",
    "DELETE ",
)


def module_paths() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def module_names() -> list[str]:
    return [name for name, _ in module_paths()]


def example_lines(module: ModuleType) -> Iterator[tuple[int, str]]:
    """The indented, Python-looking lines of the module docstring (comments cut off)."""
    for number, line in enumerate((module.__doc__ or "").splitlines(), start=1):
        code = line.strip()
        if not line.startswith("    ") or code.startswith(">>>") or code.startswith("..."):
            continue
        if code.startswith(NOT_PYTHON_STARTS):
            continue
        yield number, code


def parsed(code: str) -> ast.Module | None:
    """The line as Python, or None for a fragment (an opened bracket, a `with ...:` head)."""
    for candidate in (code, code.split("  #")[0], code.split("  #")[0].rstrip(":") + ": pass"):
        try:
            return ast.parse(candidate)
        except SyntaxError:
            continue
    return None


def resolve(namespace: dict[str, Any], node: ast.expr) -> tuple[bool, Any]:
    """(known, object) for a Name or a dotted Name.attr chain rooted in the module namespace."""
    if isinstance(node, ast.Name):
        if node.id in namespace:
            return True, namespace[node.id]
        return False, None
    if isinstance(node, ast.Attribute):
        known, owner = resolve(namespace, node.value)
        if not known or not (inspect.isclass(owner) or inspect.ismodule(owner)):
            return False, None
        if not hasattr(owner, node.attr):
            raise AssertionError(f"{owner.__name__} has no attribute {node.attr!r}")
        return True, getattr(owner, node.attr)
    return False, None


def placeholder_call(function: Any, call: ast.Call) -> None:
    """Bind the example's arguments (by count and keyword name) to the real signature."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return  # *args or **kwargs in the example: nothing to count
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return  # a builtin without a signature
    args = [object()] * len(call.args)
    kwargs = {k.arg: object() for k in call.keywords if k.arg is not None}
    signature.bind(*args, **kwargs)


def problems(module: ModuleType) -> list[str]:
    found: dict[str, None] = {}
    namespace = dict(vars(module))
    for number, code in example_lines(module):
        tree = parsed(code)
        if tree is None:
            continue
        # A name the example assigns (`engine = create_engine(...)`) is the example's value
        # from then on, not the module's submodule or function of that name.
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                namespace.pop(node.id, None)
        for node in ast.walk(tree):
            try:
                if isinstance(node, ast.Attribute):
                    resolve(namespace, node)
                if isinstance(node, ast.Call):
                    known, function = resolve(namespace, node.func)
                    if known and callable(function):
                        placeholder_call(function, node)
            except (AssertionError, TypeError) as error:
                found[f"{module.__name__} docstring line {number}: {code!r}: {error}"] = None
    return list(found)


@pytest.mark.parametrize("name", module_names())
def test_every_module_docstring_example_matches_the_code(name: str) -> None:
    module = importlib.import_module(name)
    assert problems(module) == []


def test_the_check_finds_a_call_with_the_wrong_arguments() -> None:
    drifted = ModuleType("drifted", '"""Drifted.\n\n    check(spec, "x.rst", contracts, 4)\n"""')

    def check(spec: object, source: str, contracts: object) -> None: ...

    drifted.check = check  # type: ignore[attr-defined]
    assert len(problems(drifted)) == 1
    assert "too many positional arguments" in problems(drifted)[0]


def test_the_check_finds_a_method_that_is_gone() -> None:
    class Driver:
        def source(self) -> None: ...

    drifted = ModuleType("drifted", '"""Drifted.\n\n    Driver.target_record(handle)\n"""')
    drifted.Driver = Driver  # type: ignore[attr-defined]
    assert problems(drifted) == [
        "drifted docstring line 3: 'Driver.target_record(handle)':"
        " Driver has no attribute 'target_record'"
    ]


def doctest_modules() -> list[str]:
    """The modules whose docstrings hold `>>>` examples."""
    return [name for name, path in module_paths() if ">>>" in path.read_text(encoding="utf-8")]


@pytest.mark.parametrize("name", doctest_modules())
def test_the_pure_examples_run_as_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
