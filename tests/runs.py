"""One way for tests to run the checklist in a pytest process of its own, on the fakes.

    done = run_features("-m", "critical", f"--alluredir={tmp}")   # CompletedProcess

Serial (no xdist), quiet, from the repository root, with its output captured.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_features(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "features/", "-q", "-p", "no:xdist", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
