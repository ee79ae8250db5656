"""What the checklist needs of the place the two systems are: the Target protocol.

    target.new_session(); target.sync_scope(started); target.edit_at(...)  # or False

The targets themselves (the embedded fakes, real sandboxes) are in harness/targets/: they
compose fakes, sandbox guards and recorders, which the checklist's own code never imports.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

import requests

from harness.clock import Clock
from harness.connectors.base import SyncScope
from harness.connectors.settings import CrmofficeSettings, SalesforceSettings
from harness.fakes.http import FakeService
from harness.fakes.world import FakeWorld
from harness.qa.factories import RecordFactory
from harness.qa.observe import RunScope


class ArmedEdit(Protocol):
    """An edit waiting for the engine's next read of one object (MidCycleEdit on the fakes)."""

    landed_at: datetime | None

    def arm(self) -> None: ...

    def disarm(self) -> None: ...


class EmbeddedFakes(Protocol):
    """The fakes in this process behind a target, for what only fakes can do: script a fault
    into a system's next calls, or answer as one more service (a fake Sesam node)."""

    world: FakeWorld

    def mount(self, service: FakeService) -> None: ...


class Target(Protocol):
    name: str
    poll_timeout: float  # seconds a then-step keeps looking: 0 where the engine is in process
    # A retry pause the engine asks for is waited out for real (a sandbox), or only recorded
    # (the fakes' Retry-After is a script, and the fault matrix checks the pause asked for).
    waits_for_real: bool

    @property
    def clock(self) -> Clock:
        """Read-only here, so a target may hold a narrower clock (the fakes' FakeClock)."""
        ...

    def __enter__(self) -> Target: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None: ...

    def salesforce_settings(self) -> SalesforceSettings: ...

    def crmoffice_settings(self) -> CrmofficeSettings: ...

    def new_session(self) -> requests.Session: ...

    def secrets(self) -> list[str]:
        """Every credential of this target, so reports can be searched and masked."""
        ...

    def edit_at(
        self, system: str, object_name: str, record_id: str, values: dict[str, Any], at: datetime
    ) -> bool:
        """Edit with a chosen modification time, as a person in the UI; False if impossible."""
        ...

    def write_calls(self) -> dict[str, int] | None:
        """Write calls each system has received so far, where the target can tell."""
        ...

    def edit_after_read(
        self, system: str, object_name: str, record_id: str, values: dict[str, Any]
    ) -> ArmedEdit | None:
        """Arm an edit to land right after the next read of that object; None if impossible."""
        ...

    def record_factory(self, seed: int | None = None) -> RecordFactory:
        """Made-up records for this target (on a sandbox, each carries the run's tag)."""
        ...

    def sync_scope(self, onboarded_at: datetime) -> SyncScope | None:
        """What the engine under test may take here; None: everything (Full Sync on)."""
        ...

    def run_scope(self) -> RunScope | None:
        """Which records of the systems are this run's; None: all of them are."""
        ...

    def embedded_fakes(self) -> EmbeddedFakes | None:
        """The fakes answering for this target in process; None where the systems are real."""
        ...
