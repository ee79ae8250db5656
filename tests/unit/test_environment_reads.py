"""No environment variable is read or written below the program's edges (issue 16).

    .venv/bin/pytest tests/unit/test_environment_reads.py -q

Settings come in as values (EngineContext, a target, a pytest option), never from os.environ
deep in the library, where a test could not see or set them. The process environment is read
in the programs' own entry modules and in the one module of TALKQA_* settings, found here
from every `os.environ` / `os.getenv` / `os.putenv` in the code (docstrings do not count).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The edges: the `talkqa` command and its subcommands, the crash trials' child program, and the
# one module that reads TALKQA_* settings (and hands child processes their environment).
ALLOWED = {
    "harness/cli.py",
    "harness/commands/sync.py",
    "harness/reliability/crash_child.py",
    "harness/sandbox/config.py",
}


def environment_uses(tree: ast.AST) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"environ", "getenv", "putenv", "unsetenv", "environb"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    ]


def readers() -> dict[str, list[int]]:
    found = {}
    for folder in ("harness", "steps"):
        for path in sorted((REPO / folder).rglob("*.py")):
            lines = environment_uses(ast.parse(path.read_text("utf-8")))
            if lines:
                found[path.relative_to(REPO).as_posix()] = lines
    return found


def test_only_the_edges_and_the_settings_module_touch_the_environment() -> None:
    stray = {module: lines for module, lines in readers().items() if module not in ALLOWED}
    assert stray == {}


def test_the_scan_sees_a_read() -> None:
    """The check can fail: a module reading os.environ is found, with its line."""
    tree = ast.parse("import os\n\ndef f():\n    return os.environ.get('X')\n")
    assert environment_uses(tree) == [4]
