"""The embedded fakes as a checklist target: both systems in process, behind `responses`.

with MockTarget() as target:          # both fakes in process
    session = target.new_session()    # reaches them like the real hosts
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import requests
import responses

from harness.clock import FakeClock
from harness.connectors.settings import CrmofficeSettings, SalesforceSettings
from harness.fakes.calls import Call
from harness.fakes.http import FakeService, mount
from harness.fakes.world import FAKE_SESAM_JWT, FakeWorld
from harness.qa.factories import RecordFactory


class MidCycleEdit:
    """An edit waiting in a fake for the engine's next read of one object or type.

    When the read is answered, the clock moves a minute, the edit is made (as a person in the
    UI, stamped then) and the clock moves another minute: to the engine, a cycle that takes
    two minutes with an edit landing in its middle, after it read that system.
    """

    def __init__(
        self,
        world: FakeWorld,
        system: str,
        object_name: str,
        record_id: str,
        values: dict[str, Any],
    ) -> None:
        self._world, self.system = world, system
        self._object_name, self._record_id, self._values = object_name, record_id, values
        self.landed_at: datetime | None = None
        self._log = (world.salesforce if system == "Salesforce" else world.crmoffice).calls

    def arm(self) -> None:
        self._log.listeners.append(self._on_call)

    def disarm(self) -> None:
        if self._on_call in self._log.listeners:
            self._log.listeners.remove(self._on_call)

    def _reads_the_object(self, call: Call, request: Any) -> bool:
        if call.kind != "read" or call.status != 200:
            return False
        if self.system == "Salesforce":
            soql = request.param("q") or ""
            return call.route == "query" and f" FROM {self._object_name}" in soql
        return call.route == f"{self._object_name}.list"

    def _on_call(self, call: Call, request: Any) -> None:
        if self.landed_at is not None or not self._reads_the_object(call, request):
            return
        clock = self._world.clock
        self.landed_at = clock.advance(minutes=1)
        if self.system == "Salesforce":
            self._world.salesforce.ui_edit(
                self._object_name, self._record_id, self._values, at=self.landed_at
            )
        else:
            self._world.crmoffice.ui_edit(
                self._object_name, int(self._record_id), self._values, at=self.landed_at
            )
        clock.advance(minutes=1)


class MockTarget:
    """Both fakes of one FakeWorld, answering in process for every requests.Session."""

    name = "mock"
    poll_timeout = 0.0  # the engine under test runs in this process: one look is the answer
    waits_for_real = False  # a scripted Retry-After is recorded, not waited out

    def __init__(self, world: FakeWorld | None = None) -> None:
        self.world = world or FakeWorld()
        self.clock: FakeClock = self.world.clock
        self._stack = ExitStack()
        self._rsps: responses.RequestsMock | None = None

    def __enter__(self) -> MockTarget:
        self._rsps = self._stack.enter_context(self.world.activated())
        return self

    def mount(self, service: FakeService) -> None:
        """Another fake answering in process beside the two systems (a fake Sesam node)."""
        if self._rsps is None:
            raise RuntimeError("the mock target is not entered (use it in a with block)")
        mount(self._rsps, service)

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
        ] + [crm.client_secret, FAKE_SESAM_JWT]

    def edit_at(
        self, system: str, object_name: str, record_id: str, values: dict[str, Any], at: datetime
    ) -> bool:
        if system == "Salesforce":
            self.world.salesforce.ui_edit(object_name, record_id, values, at=at)
        else:
            self.world.crmoffice.ui_edit(object_name, int(record_id), values, at=at)
        # A real system's clock never runs backwards past an edit it has stamped.
        if self.clock.peek() <= at:
            self.clock.set(at + timedelta(seconds=1))
        return True

    def edit_after_read(
        self, system: str, object_name: str, record_id: str, values: dict[str, Any]
    ) -> MidCycleEdit:
        return MidCycleEdit(self.world, system, object_name, record_id, values)

    def write_calls(self) -> dict[str, int]:
        return {
            "salesforce": self.world.salesforce.calls.count(kind="write"),
            "crmoffice": self.world.crmoffice.calls.count(kind="write"),
        }

    def sync_scope(self, onboarded_at: datetime) -> None:
        return None  # a world of one scenario's own: Full Sync on takes only its records

    def run_scope(self) -> None:
        return None

    def embedded_fakes(self) -> MockTarget:
        return self

    def record_factory(self, seed: int | None = None) -> RecordFactory:
        return RecordFactory(seed)
