"""The bundled sync engine (the system under test) and the small Protocol the checklist drives.

    engine = create_engine(EngineContext(sf_settings, crm_settings, Path("state.sqlite")))
    report = engine.run_cycle(); engine.restart(); engine.reset_watermarks(); engine.close()

`load_engine_factory("harness.engine.broken:swapped_phones")` picks another engine for
--sync-engine, e.g. a deliberately broken one the checklist must catch.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import requests

from harness.clock import Clock, SystemClock
from harness.connectors.base import CrmofficeApi, SalesforceApi, SyncScope
from harness.connectors.settings import CrmofficeSettings, SalesforceSettings
from harness.engine.failpoints import Failpoints
from harness.engine.mapping import DEFAULT_MAPPING_PATH, EngineMapping, load_mapping
from harness.engine.merge import MergeRule, decide
from harness.engine.report import FlowCounts, RunReport
from harness.errors import ConfigError

__all__ = [
    "EngineContext",
    "EngineMapping",
    "FlowCounts",
    "RunReport",
    "SyncEngine",
    "create_engine",
    "load_engine_factory",
    "load_mapping",
]


@runtime_checkable
class SyncEngine(Protocol):
    def run_cycle(self) -> RunReport: ...

    def restart(self) -> None:
        """As if the process restarted: drop in-memory state, reopen the store, reconcile."""
        ...

    def reset_watermarks(self) -> None:
        """Read everything from the beginning on the next cycle."""
        ...

    def syncs(self, source_system: str, source_kind: str, target_kind: str) -> bool | None:
        """Whether it has a flow creating a `target_kind` record for each new `source_kind`
        record of `source_system` (e.g. "Salesforce", "Contact", "contacts"; the API names);
        None when it cannot tell. A red item then says why."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class EngineContext:
    salesforce: SalesforceSettings
    crmoffice: CrmofficeSettings
    state_path: Path
    session_factory: Callable[[], requests.Session] = requests.Session
    clock: Clock = field(default_factory=SystemClock)
    # The connectors' retry pause; a checklist on the fakes passes one that only records, so a
    # scripted Retry-After is checked without waiting for it.
    sleep: Callable[[float], None] = time.sleep
    # What the flows take: Full Sync off, and a checklist run's tag on a sandbox (SyncScope).
    scope: SyncScope | None = None
    # Where a crash test kills the engine (none armed by default); read from TALKQA_FAILPOINT
    # only at a program's edge (`talkqa sync`, the crash child), never inside the engine.
    failpoints: Failpoints = field(default_factory=Failpoints)
    # The engine's own flows (harness/engine/flows.toml unless another is chosen, e.g. with
    # the checklist's --engine-mapping): never the dataflow document.
    mapping_path: Path = DEFAULT_MAPPING_PATH


EngineFactory = Callable[[EngineContext], SyncEngine]


def create_engine(
    context: EngineContext,
    *,
    mapping: EngineMapping | None = None,
    salesforce: SalesforceApi | None = None,
    crmoffice: CrmofficeApi | None = None,
    merge_rule: MergeRule | None = None,
) -> SyncEngine:
    """The engine over the real connectors, unless APIs are given (tests, memory fakes)."""
    from harness.engine.engine import TalkEngine

    return TalkEngine(
        context,
        mapping or load_mapping(context.mapping_path),
        salesforce or salesforce_connector(context),
        crmoffice or crmoffice_connector(context),
        merge_rule or decide,
    )


def salesforce_connector(context: EngineContext, *, all_or_none: bool = False) -> SalesforceApi:
    from harness.connectors.salesforce import SalesforceConnector

    return SalesforceConnector(
        context.salesforce,
        session=context.session_factory(),
        sleep=context.sleep,
        all_or_none=all_or_none,
        scope=context.scope,
    )


def crmoffice_connector(context: EngineContext) -> CrmofficeApi:
    from harness.connectors.crmoffice import CrmofficeConnector

    return CrmofficeConnector(
        context.crmoffice,
        session=context.session_factory(),
        sleep=context.sleep,
        scope=context.scope,
    )


def load_engine_factory(spec: str) -> EngineFactory:
    """ "package.module:factory" -> the factory; ConfigError naming what was expected."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(
            f"--sync-engine {spec!r}: expected 'module:factory', "
            "e.g. 'harness.engine:create_engine' or 'harness.engine.broken:swapped_phones'"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ConfigError(
            f"--sync-engine {spec!r}: cannot import {module_name}: {error}"
        ) from error
    factory = getattr(module, attr, None)
    if not callable(factory):
        known = ", ".join(
            n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n))
        )
        raise ConfigError(
            f"--sync-engine {spec!r}: {module_name} has no callable {attr!r}; callables: {known}"
        )
    return factory  # type: ignore[no-any-return]
