"""The Sesam engine as an EngineFactory, for --sync-engine beside module:factory specs.

    factory = sesam_engine_factory(load_sesam_settings(environ_with_dotenv()))
    engine = factory(context)   # EngineContext: its clock stamps the reports

The flows are the engine mapping's (context.mapping_path) named by Talk's convention;
the context's Salesforce and Crmoffice settings are not used: the node holds its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.engine import EngineContext, EngineFactory, SyncEngine, load_mapping
from harness.sesam.engine import SesamEngine
from harness.sesam.naming import TalkFlow, flows_from_mapping
from harness.sesam.settings import SesamSettings


def sesam_engine_factory(
    settings: SesamSettings, *, flows: Sequence[TalkFlow] | None = None
) -> EngineFactory:
    def factory(context: EngineContext) -> SyncEngine:
        talk_flows = (
            flows if flows is not None else flows_from_mapping(load_mapping(context.mapping_path))
        )
        return SesamEngine(settings, talk_flows, clock=context.clock)

    return factory
