"""`--sync-engine sesam` on the embedded fakes: Sesam's engine, through a fake node whose pipes
run the engine under test (bundled.py), so the checklist drives the real Service API client.

    factory = fake_node_factory(inner=create_engine, mount=target.mount)
    engine = factory(context)   # a SesamEngine; closing it closes the inner engine too

The node's JWT is FAKE_SESAM_JWT (far from expiry, opens nothing real; the mock target lists it
among its secrets, so reports are searched for it and mask it).
"""

from __future__ import annotations

from collections.abc import Callable

from harness.engine import (
    EngineContext,
    EngineFactory,
    RunReport,
    SyncEngine,
    crmoffice_connector,
    load_mapping,
    salesforce_connector,
)
from harness.fakes.http import FakeService
from harness.fakes.sesam.fake import FakeSesamNode
from harness.fakes.sesam.talk import talk_pipes
from harness.fakes.world import FAKE_SESAM_JWT
from harness.sesam import SesamEngine, SesamSettings, flows_from_mapping
from harness.targets.sesam_bundled import BundledTalk


class NodeBackedEngine:
    """The Sesam engine, owning the inner engine behind the fake node (closed with it)."""

    def __init__(self, sesam: SesamEngine, inner: SyncEngine, node: FakeSesamNode) -> None:
        self.sesam, self.inner, self.node = sesam, inner, node

    def run_cycle(self) -> RunReport:
        return self.sesam.run_cycle()

    def restart(self) -> None:
        self.sesam.restart()

    def reset_watermarks(self) -> None:
        self.sesam.reset_watermarks()

    def syncs(self, source_system: str, source_kind: str, target_kind: str) -> bool | None:
        return self.sesam.syncs(source_system, source_kind, target_kind)

    def close(self) -> None:
        try:
            self.sesam.close()
        finally:
            self.inner.close()


def fake_node(context: EngineContext, inner: EngineFactory) -> tuple[FakeSesamNode, SyncEngine]:
    """A fake node with Talk's pipes for the engine mapping's flows, run by `inner`."""
    mapping = load_mapping(context.mapping_path)
    engine = inner(context)
    talk = BundledTalk(engine, salesforce_connector(context), crmoffice_connector(context), mapping)
    pipes = talk_pipes(flows_from_mapping(mapping), talk.backends())
    return FakeSesamNode(context.clock, jwt=FAKE_SESAM_JWT, pipes=pipes), engine


def fake_node_factory(inner: EngineFactory, mount: Callable[[FakeService], None]) -> EngineFactory:
    def factory(context: EngineContext) -> SyncEngine:
        node, engine = fake_node(context, inner)
        mount(node)
        # The node's pumps finish on status reads, not time: no wait between two reads.
        settings = SesamSettings(node.api_url, FAKE_SESAM_JWT, poll_interval=0)
        flows = flows_from_mapping(load_mapping(context.mapping_path))
        try:
            sesam = SesamEngine(settings, flows, clock=context.clock)
        except BaseException:
            engine.close()
            raise
        return NodeBackedEngine(sesam, engine, node)

    return factory
