"""Fixtures every test folder shares."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def made_once() -> dict[str, Any]:
    """What a module's tests make once and share: a checklist run, a rendered report. Read it
    with tests.runs.once(made_once, key, make), since pytester is a fixture per test and a
    module-scoped fixture cannot run the checklist itself."""
    return {}
