"""Fixtures for sandbox tests: a clean TALKQA_* environment aimed at the test seam's fakes.

def test_x(seam_env): ...                       # the seam's variables in os.environ
def test_y(sandbox_checklist): sandbox_checklist("-k", "one_linked")   # pytest.RunResult
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import pytest

from harness.sandbox.seam import reset_shared_fakes, seam_environment
from tests.runs import run_features

REPO = Path(__file__).resolve().parents[2]


def seam_variables(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The seam's TALKQA_* variables, a ledger in tmp_path and no .env file, plus extra."""
    return {
        **seam_environment(),
        "TALKQA_LEDGER": str(tmp_path / "ledger.jsonl"),
        "TALKQA_ENV_FILE": str(tmp_path / "no.env"),
        **extra,
    }


def _only_these_talkqa_variables(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name in [n for n in os.environ if n.startswith("TALKQA_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def seam_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The seam's variables in os.environ (nothing else TALKQA_*), a ledger in tmp_path."""
    env = seam_variables(tmp_path)
    _only_these_talkqa_variables(monkeypatch, env)
    reset_shared_fakes()
    yield env
    reset_shared_fakes()


class SandboxRun(Protocol):
    def __call__(self, *args: str, workers: Sequence[str] = (), **env: str) -> pytest.RunResult: ...


@pytest.fixture
def sandbox_checklist(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SandboxRun]:
    """The checklist on the sandbox target, as a user starts it (plus the test's own options
    and variables), in this process: `pytest features/ -q --target sandbox ...`. The seam keeps
    one pair of fakes per process (seam._SHARED): each run starts with new ones, as a fresh
    interpreter's would, and may read them after pytest returns."""

    def run(*args: str, workers: Sequence[str] = (), **env: str) -> pytest.RunResult:
        _only_these_talkqa_variables(monkeypatch, seam_variables(tmp_path, **env))
        reset_shared_fakes()
        return run_features(pytester, "--target", "sandbox", *args, workers=workers)

    yield run
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
