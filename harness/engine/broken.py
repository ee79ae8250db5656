"""Deliberately broken engines: the checklist must turn red on each of them.

    talkqa features run --sync-engine harness.engine.broken:swapped_phones
    engine = no_write_back(context)

Each one breaks exactly one rule and is otherwise the real engine, so a green checklist
against it would prove the checklist blind to that rule.
"""

from __future__ import annotations

from dataclasses import replace

from harness.engine import EngineContext, SyncEngine, create_engine
from harness.engine.engine import TalkEngine
from harness.engine.mapping import EngineMapping, PropertyMap, load_mapping
from harness.engine.report import RunReport

_SWAP = {"mobilePhone": "directPhone", "directPhone": "mobilePhone"}


def swapped_phones(context: EngineContext) -> SyncEngine:
    """MobilePhone lands in directPhone and Phone in mobilePhone."""
    return create_engine(context, mapping=swap_phones(load_mapping()))


def no_write_back(context: EngineContext) -> SyncEngine:
    """Edits made in Crmoffice never reach Salesforce (Talk's "Share Enabled" off)."""
    mapping = load_mapping()
    flows = tuple(replace(f, share_to_salesforce=False) for f in mapping.flows)
    return create_engine(context, mapping=mapping.with_flows(flows))


def forgetful_links(context: EngineContext) -> SyncEngine:
    """Forgets every link (and insert intent) after each cycle: edits become duplicates."""
    engine = create_engine(context)
    assert isinstance(engine, TalkEngine)
    return ForgetfulEngine(engine)


def swap_phones(mapping: EngineMapping) -> EngineMapping:
    flows = tuple(
        replace(
            f,
            properties=tuple(
                PropertyMap(p.salesforce, _SWAP.get(p.crmoffice, p.crmoffice)) for p in f.properties
            ),
        )
        for f in mapping.flows
    )
    return mapping.with_flows(flows)


class ForgetfulEngine:
    def __init__(self, engine: TalkEngine) -> None:
        self._engine = engine

    def run_cycle(self) -> RunReport:
        report = self._engine.run_cycle()
        self._engine.store.forget_links()
        return report

    def restart(self) -> None:
        self._engine.restart()

    def reset_watermarks(self) -> None:
        self._engine.reset_watermarks()

    def close(self) -> None:
        self._engine.close()
