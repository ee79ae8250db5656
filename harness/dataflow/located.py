"""One shape for every dataflow-document error: file, line, what was found, what was expected.

    raise located_error("fixtures/dataflows/x.rst", 57, "table row has 2 cells; expected 3")
    # BadSpecError("fixtures/dataflows/x.rst:57: table row has 2 cells; expected 3")

The `file:line:` prefix is the one editors and CI annotations already know how to jump to.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.errors import BadSpecError


def located_error(doc_path: str, line: int, message: str) -> BadSpecError:
    """A BadSpecError whose message starts with `doc_path:line:` like a compiler's."""
    return BadSpecError(f"{doc_path}:{line}: {message}")


def known_list(names: Iterable[str]) -> str:
    """Sorted, comma-separated names for the `known: ...` tail of a message."""
    return ", ".join(sorted(str(name) for name in names)) or "(none)"
