"""Engines over the in-memory APIs, on one FakeClock, with a state file in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.clock import FakeClock
from harness.connectors.settings import CrmofficeSettings, SalesforceSettings, SessionLogin
from harness.engine import EngineContext, create_engine
from harness.engine.engine import TalkEngine
from harness.engine.mapping import EngineMapping

from .memory_apis import MemoryCrmofficeApi, MemorySalesforceApi


class Rig:
    """Two memory systems, a clock and the engines built over them."""

    def __init__(self, tmp_path: Path) -> None:
        self.clock = FakeClock()
        self.sf = MemorySalesforceApi(self.clock)
        self.crm = MemoryCrmofficeApi(self.clock)
        self.context = EngineContext(
            SalesforceSettings(SessionLogin("https://sf.invalid", "unused")),
            CrmofficeSettings("https://crm.invalid", "https://id.invalid/token", "id", "s"),
            tmp_path / "state.sqlite",
            clock=self.clock,
        )
        self.engines: list[TalkEngine] = []

    def engine(self, mapping: EngineMapping | None = None) -> TalkEngine:
        engine = create_engine(
            self.context, mapping=mapping, salesforce=self.sf, crmoffice=self.crm
        )
        assert isinstance(engine, TalkEngine)
        self.engines.append(engine)
        return engine

    def later(self, seconds: float = 10) -> None:
        """Move past the watermark overlap, so a quiet cycle reads nothing old."""
        self.clock.advance(seconds=seconds)

    def partner(self, engine: TalkEngine, flow: str, sf_id: str) -> str:
        links = engine.store.links_for_sources(flow, [f"salesforce-{flow}:{sf_id}"])
        return links[f"salesforce-{flow}:{sf_id}"].target_ref.split(":", 1)[1]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(tmp_path)
    yield rig
    for engine in rig.engines:
        engine.close()
