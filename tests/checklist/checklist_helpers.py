"""Paths and small runners the checklist tests share.

    code, out, err = run_cli(["features", "check", DOCUMENT_NAME])
    assert code == 0, out + err

A module of its own (not conftest) so test files can import it by a name no other folder uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

from harness.cli import main

REPO = Path(__file__).resolve().parents[2]
DOCUMENT_NAME = "fixtures/dataflows/salesforce-to-crmoffice.rst"
DOCUMENT = REPO / DOCUMENT_NAME
FEATURES = REPO / "features"
TEST_DATA = REPO / "tests" / "dataflow" / "data"
TEST_CONTRACT_ARGS = (
    "--salesforce-describe",
    str(TEST_DATA / "describe"),
    "--crmoffice-contract",
    str(TEST_DATA / "crmoffice-openapi.yaml"),
)


def run_cli(argv: Sequence[str]) -> tuple[int, str, str]:
    """Run `talkqa` in-process; return exit code, stdout and stderr."""
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, to show a command left it untouched."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
