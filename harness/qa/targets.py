"""Where the two systems are for a checklist run: the embedded fakes, or real sandboxes.

    with MockTarget() as target:          # both fakes in process, behind `responses`
        session = target.new_session()    # reaches them like the real hosts
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Protocol

import requests

from harness.clock import Clock, FakeClock
from harness.connectors.settings import CrmofficeSettings, SalesforceSettings
from harness.fakes.world import FakeWorld


class Target(Protocol):
    name: str
    clock: Clock

    def __enter__(self) -> Target: ...

    def __exit__(self, *exc: object) -> None: ...

    def salesforce_settings(self) -> SalesforceSettings: ...

    def crmoffice_settings(self) -> CrmofficeSettings: ...

    def new_session(self) -> requests.Session: ...

    def secrets(self) -> list[str]:
        """Every credential of this target, so reports can be searched and masked."""
        ...

    def edit_at(self, system: str, object_name: str, record_id: str, values: dict[str, Any],
                at: datetime) -> bool:
        """Edit with a chosen modification time, as a person in the UI; False if impossible."""
        ...

    def write_calls(self) -> dict[str, int] | None:
        """Write calls each system has received so far, where the target can tell."""
        ...


class MockTarget:
    """Both fakes of one FakeWorld, answering in process for every requests.Session."""

    name = "mock"

    def __init__(self, world: FakeWorld | None = None) -> None:
        self.world = world or FakeWorld()
        self.clock: FakeClock = self.world.clock
        self._stack = ExitStack()

    def __enter__(self) -> MockTarget:
        self._stack.enter_context(self.world.activated())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        self._stack.close()

    def salesforce_settings(self) -> SalesforceSettings:
        return self.world.salesforce_settings()

    def crmoffice_settings(self) -> CrmofficeSettings:
        return self.world.crmoffice_settings()

    def new_session(self) -> requests.Session:
        return requests.Session()

    def secrets(self) -> list[str]:
        sf, crm = self.salesforce_settings(), self.crmoffice_settings()
        login = sf.login
        return [
            str(getattr(login, name))
            for name in ("password", "security_token", "session_id", "consumer_secret")
            if getattr(login, name, None)
        ] + [crm.client_secret]

    def edit_at(self, system: str, object_name: str, record_id: str, values: dict[str, Any],
                at: datetime) -> bool:
        if system == "Salesforce":
            self.world.salesforce.ui_edit(object_name, record_id, values, at=at)
        else:
            self.world.crmoffice.ui_edit(object_name, int(record_id), values, at=at)
        # A real system's clock never runs backwards past an edit it has stamped.
        if self.clock.peek() <= at:
            self.clock.set(at + timedelta(seconds=1))
        return True

    def write_calls(self) -> dict[str, int]:
        return {
            "salesforce": self.world.salesforce.calls.count(kind="write"),
            "crmoffice": self.world.crmoffice.calls.count(kind="write"),
        }
