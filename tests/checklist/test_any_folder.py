"""The checklist and its commands run from any working directory (issue 15).

`cd "$(mktemp -d)" && <repo>/.venv/bin/pytest <repo>/features` exited 4 ("fixtures/crmoffice-
openapi.yaml: cannot read it"), and `talkqa features check` from another folder reported drift,
because defaults and headers were relative to the working directory. They are found from the
package now (harness/resources.py), and headers name the document from the repository root.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TALKQA = Path(sys.executable).parent / "talkqa"


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_checklist_runs_from_another_folder(tmp_path: Path) -> None:
    pytest = Path(sys.executable).parent / "pytest"
    done = _run(
        [str(pytest), str(REPO / "features"), "-q", "-p", "no:xdist", "-m", "critical"], tmp_path
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "error" not in done.stdout.lower()


def test_features_check_passes_from_another_folder_without_arguments(tmp_path: Path) -> None:
    done = _run([str(TALKQA), "features", "check"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == (
        "3 feature files match fixtures/dataflows/salesforce-to-crmoffice.rst"
    )


def test_signoff_finds_the_document_from_another_folder(tmp_path: Path) -> None:
    done = _run([str(TALKQA), "signoff", "--results", str(tmp_path / "none")], tmp_path)
    assert done.returncode == 2  # no results yet: one line naming the folder, not the document
    assert "no Allure results in" in done.stderr and "Traceback" not in done.stderr
