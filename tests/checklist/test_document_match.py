"""The checklist is judged only against the document its features were generated from.

    .venv/bin/pytest tests/checklist/test_document_match.py -q

Issue 14, item 10: `pytest features/ --document fewer.rst` ran the scenarios of another
document with no warning, and the gate passed "29 of 29".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from checklist_helpers import DOCUMENT

from tests.runs import run_features, tail, text


def test_a_document_the_features_were_not_generated_from_stops_the_run(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    fewer = tmp_path / "fewer.rst"
    fewer.write_text(
        DOCUMENT.read_text("utf-8").replace(
            '   * - MobilePhone\n     - mobilePhone\n     - "string"\n', ""
        ),
        "utf-8",
    )
    done = run_features(pytester, f"--document={fewer}")
    # pytest's usage error (exit 4): nothing ran
    assert done.ret == pytest.ExitCode.USAGE_ERROR, tail(done.outlines, 2000)
    errors = [line for line in done.errlines if line.startswith("ERROR:")]
    assert len(errors) == 1 and "Traceback" not in text(done.errlines), text(done.errlines)
    assert "was generated from a document with sha256:" in errors[0]
    assert str(fewer) in errors[0]
