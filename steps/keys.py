"""What the checklist's pytest layer keeps on the pytest config and items (pytest.StashKey)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.qa.documents import Documents
from harness.redact import Redactor
from harness.targets import SandboxTarget

# Set only with --target sandbox: makes one guarded, self-cleaning SandboxTarget per scenario.
SANDBOX_TARGETS = pytest.StashKey[Callable[[], SandboxTarget]]()
# Masks this run's credentials in everything pytest writes: terminal, JUnit XML, skip
# reasons, the Allure results (their messages and traces come from the exception itself).
RUN_REDACTOR = pytest.StashKey[Redactor]()
SCENARIO_FINDINGS = pytest.StashKey[list[str]]()  # what a scenario found in the document
DOCUMENTS = pytest.StashKey[Documents]()
RUN_ID = pytest.StashKey[str]()  # the sandbox run's id, handed to xdist workers
RUN_ID_KEY = "talkqa_run_id"  # its name in an xdist worker's workerinput
