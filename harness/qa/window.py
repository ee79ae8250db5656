"""What is armed only while the engine's own cycle runs, never during the checklist's reads.

    window = EngineWindow()                  # one per scenario (the `engine_window` fixture)
    window.keep(arm, disarm)                 # the fault matrix: around every engine cycle from now
    with window.during(edit.arm, edit.disarm): driver.run_cycle()   # around one cycle only
    with window.open(): engine.run_cycle()   # the driver: arms in order, disarms in reverse

A fault scripted into a fake, or a person's edit timed to land inside a cycle, must meet the
engine and nothing else: the checklist reads the same fakes before and after. The window is
handed to the driver and to whoever arms something (the fixtures), instead of their reaching
into the driver's lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

Hook = Callable[[], None]


@dataclass(frozen=True)
class _Armed:
    arm: Hook
    disarm: Hook


class EngineWindow:
    def __init__(self) -> None:
        self._armed: list[_Armed] = []

    def keep(self, arm: Hook, disarm: Hook) -> None:
        """Arm before and disarm after every engine cycle, for the rest of the scenario."""
        self._armed.append(_Armed(arm, disarm))

    @contextmanager
    def during(self, arm: Hook, disarm: Hook) -> Iterator[None]:
        """Arm and disarm around the engine cycles run inside this block only."""
        armed = _Armed(arm, disarm)
        self._armed.append(armed)
        try:
            yield
        finally:
            self._armed.remove(armed)

    @contextmanager
    def open(self) -> Iterator[None]:
        """The engine's cycle: everything armed in order, disarmed in reverse, even on error."""
        opened: list[_Armed] = []
        try:
            for armed in list(self._armed):
                armed.arm()
                opened.append(armed)
            yield
        finally:
            for armed in reversed(opened):
                armed.disarm()
