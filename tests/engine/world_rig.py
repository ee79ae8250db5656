"""The engine through the real connectors, against FakeWorld (in process, behind responses).

with world_rig(tmp_path) as w: w.sf.insert("Contact", {...}); w.engine().run_cycle()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.engine import EngineContext, create_engine
from harness.engine.engine import TalkEngine
from harness.engine.mapping import EngineMapping
from harness.fakes.world import FakeWorld


class WorldRig:
    def __init__(self, world: FakeWorld, state_path: Path) -> None:
        self.world, self.sf, self.crm, self.clock = (
            world,
            world.salesforce,
            world.crmoffice,
            world.clock,
        )
        # The connectors' pauses (retries, Bulk API job polls) are recorded, not slept: the
        # fakes answer at once, and a Bulk job finishes on its second poll whatever the wait.
        self.pauses: list[float] = []
        self.context = EngineContext(
            world.salesforce_settings(),
            world.crmoffice_settings(),
            state_path,
            clock=world.clock,
            sleep=self.pauses.append,
        )
        self.engines: list[TalkEngine] = []
        self.closing: list[Any] = []  # other engines (SyncEngine) to close with the rig

    def engine(self, mapping: EngineMapping | None = None) -> TalkEngine:
        engine = create_engine(self.context, mapping=mapping)
        assert isinstance(engine, TalkEngine)
        self.engines.append(engine)
        return engine

    def later(self, seconds: float = 10) -> None:
        self.clock.advance(seconds=seconds)

    def individual(self) -> str:
        return self.sf.insert("Individual", {"LastName": "Party"})

    def partner(self, engine: TalkEngine, flow: str, sf_id: str) -> int:
        ref = f"salesforce-{flow}:{sf_id}"
        return int(engine.store.links_for_sources(flow, [ref])[ref].target_ref.split(":", 1)[1])

    def crm_values(self, type_name: str = "contacts") -> list[dict[str, Any]]:
        return self.crm.records(type_name)


@contextmanager
def world_rig(tmp_path: Path) -> Iterator[WorldRig]:
    world = FakeWorld()
    rig = WorldRig(world, tmp_path / "state.sqlite")
    with world.activated():
        try:
            yield rig
        finally:
            for engine in [*rig.engines, *rig.closing]:
                engine.close()
