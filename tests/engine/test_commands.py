"""`talkqa sync` end to end on the mock target, and the engine factory loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.engine import load_engine_factory
from harness.engine.broken import forgetful_links, no_write_back, swapped_phones
from harness.errors import ConfigError


def test_sync_once_on_mock_exits_0_and_keeps_state(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    state = tmp_path / "state.sqlite"
    assert main(["sync", "--target", "mock", "--once", "--state", str(state)]) == 0
    assert state.exists() and "sync cycle 1" in capsys.readouterr().out


def test_sandbox_and_bad_engine_spec_exit_2() -> None:
    assert main(["sync", "--target", "sandbox"]) == 2
    assert main(["sync", "--sync-engine", "no-colon"]) == 2
    assert main(["sync", "--sync-engine", "harness.engine:nothing_here"]) == 2


def test_load_engine_factory_finds_the_broken_variants() -> None:
    assert load_engine_factory("harness.engine.broken:swapped_phones") is swapped_phones
    assert load_engine_factory("harness.engine.broken:no_write_back") is no_write_back
    assert load_engine_factory("harness.engine.broken:forgetful_links") is forgetful_links
    with pytest.raises(ConfigError, match="cannot import"):
        load_engine_factory("harness.nowhere:x")
