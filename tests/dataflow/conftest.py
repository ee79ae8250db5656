"""The `write_document` fixture: an edited copy of the document in a temp working directory.

    def test_x(write_document): path = write_document(lambda text: text.replace("A", "B"))
    load_spec(path, TEST_CONTRACTS)  # errors then read "x.rst:<line>: ..."

Paths in error messages are shown as given, so a relative x.rst keeps expected messages short.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spec_helpers import DOCUMENT


@pytest.fixture
def write_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write an edited copy of the document as x.rst in a temp working directory."""
    monkeypatch.chdir(tmp_path)

    def write(edit: Callable[[str], str] = lambda text: text) -> Path:
        path = Path("x.rst")
        path.write_text(edit(DOCUMENT.read_text(encoding="utf-8")), encoding="utf-8")
        return path

    return write
