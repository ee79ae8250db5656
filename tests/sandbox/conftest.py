"""Fixtures for sandbox tests: a clean TALKQA_* environment aimed at the test seam's fakes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.sandbox.seam import reset_shared_fakes, seam_environment

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def seam_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The seam's variables in os.environ (nothing else TALKQA_*), a ledger in tmp_path."""
    for name in list(os.environ):
        if name.startswith("TALKQA_"):
            monkeypatch.delenv(name)
    env = {
        **seam_environment(),
        "TALKQA_LEDGER": str(tmp_path / "ledger.jsonl"),
        "TALKQA_ENV_FILE": str(tmp_path / "no.env"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_shared_fakes()
    yield env
    reset_shared_fakes()


def subprocess_env(env: dict[str, str]) -> dict[str, str]:
    """os.environ without TALKQA_* and pytest's own variables, plus env."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TALKQA_", "PYTEST_")) and k != "COV_CORE_SOURCE"
    }
    return {**base, **env}


PYTHON = sys.executable
