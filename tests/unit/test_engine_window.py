"""EngineWindow: what is armed around the engine's cycle only (harness/qa/window.py)."""

from __future__ import annotations

import pytest

from harness.qa.window import EngineWindow


def test_kept_hooks_arm_in_order_and_disarm_in_reverse_around_each_cycle() -> None:
    calls: list[str] = []
    window = EngineWindow()
    window.keep(lambda: calls.append("arm fault"), lambda: calls.append("disarm fault"))
    for _ in range(2):
        with window.open():
            calls.append("cycle")
    assert calls == ["arm fault", "cycle", "disarm fault"] * 2


def test_a_hook_armed_during_a_block_is_gone_after_it() -> None:
    calls: list[str] = []
    window = EngineWindow()
    window.keep(lambda: calls.append("arm fault"), lambda: calls.append("disarm fault"))
    edit = (lambda: calls.append("arm edit"), lambda: calls.append("disarm edit"))
    with window.during(*edit), window.open():
        calls.append("cycle")
    with window.open():
        calls.append("next cycle")
    assert calls == [
        *("arm fault", "arm edit", "cycle", "disarm edit", "disarm fault"),
        *("arm fault", "next cycle", "disarm fault"),
    ]


def test_a_cycle_that_raises_still_disarms_what_it_armed() -> None:
    calls: list[str] = []
    window = EngineWindow()
    window.keep(lambda: calls.append("arm"), lambda: calls.append("disarm"))
    with pytest.raises(RuntimeError), window.open():
        raise RuntimeError("the engine stopped")
    assert calls == ["arm", "disarm"]
