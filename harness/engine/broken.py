"""Deliberately broken engines: the checklist must turn red on each of them.

    pytest features/ --sync-engine harness.engine.broken:swapped_phones
    engine = no_write_back(context)

Each one breaks exactly one rule and is otherwise the real engine, so a green checklist
against it would prove the checklist blind to that rule. Each is a mistake a real sync engine
makes; tests/checklist_quality names the items each must turn red, and no others.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from harness.connectors.base import (
    CrmofficeApi,
    PathChoice,
    RecordUpdate,
    SalesforceApi,
    SystemRecord,
    Value,
    WriteResult,
    rest_only,
)
from harness.connectors.salesforce import SalesforceConnector
from harness.engine import (
    EngineContext,
    SyncEngine,
    create_engine,
    crmoffice_connector,
    salesforce_connector,
)
from harness.engine.engine import TalkEngine
from harness.engine.mapping import EngineMapping, FlowMapping, PropertyMap, load_mapping
from harness.engine.merge import MergePlan, Side, decide, differing, later
from harness.engine.report import RunReport

_SWAP = {"mobilePhone": "directPhone", "directPhone": "mobilePhone"}


def swapped_phones(context: EngineContext) -> SyncEngine:
    """MobilePhone lands in directPhone and Phone in mobilePhone."""
    return create_engine(context, mapping=swap_phones(load_mapping(context.mapping_path)))


def no_write_back(context: EngineContext) -> SyncEngine:
    """Edits made in Crmoffice never reach Salesforce (Talk's "Share Enabled" off)."""
    mapping = load_mapping(context.mapping_path)
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


class EngineWrapper:
    """The real engine, passed through; a broken one overrides the step it gets wrong."""

    def __init__(self, engine: TalkEngine) -> None:
        self._engine = engine

    def run_cycle(self) -> RunReport:
        return self._engine.run_cycle()

    def restart(self) -> None:
        self._engine.restart()

    def reset_watermarks(self) -> None:
        self._engine.reset_watermarks()

    def syncs(self, source_system: str, source_kind: str, target_kind: str) -> bool | None:
        return self._engine.syncs(source_system, source_kind, target_kind)

    def close(self) -> None:
        self._engine.close()


class ForgetfulEngine(EngineWrapper):
    def run_cycle(self) -> RunReport:
        report = self._engine.run_cycle()
        self._engine.store.forget_links()
        return report


# --- empty values ------------------------------------------------------------------------


def empty_is_no_change(context: EngineContext) -> SyncEngine:
    """A property emptied in either system is read as "nothing given": the clear never syncs."""
    return create_engine(context, merge_rule=_empties_unchanged)


def _empties_unchanged(
    based_on: Mapping[str, Value], salesforce: Side, crmoffice: Side
) -> MergePlan:
    def filled(side: Side) -> Side:
        values = {k: v if v not in (None, "") else based_on.get(k) for k, v in side.values.items()}
        return Side(values, side.modified_at)

    return decide(based_on, filled(salesforce), filled(crmoffice))


def strict_empty(context: EngineContext) -> SyncEngine:
    """ "" and null are different values: a system answering "" and one answering null are
    rewritten every cycle."""
    return create_engine(context, merge_rule=partial(decide, same=operator.eq))


def blank_overwrites(context: EngineContext) -> SyncEngine:
    """The side edited last is copied with its empty properties too, so an empty value there
    overwrites a value just set in the other system."""
    return create_engine(context, merge_rule=_latest_blanks_win)


def _latest_blanks_win(
    based_on: Mapping[str, Value], salesforce: Side, crmoffice: Side
) -> MergePlan:
    plan = decide(based_on, salesforce, crmoffice)
    latest = crmoffice if later(crmoffice, salesforce) else salesforce
    merged = {p: None if latest.values.get(p) in (None, "") else v for p, v in plan.merged.items()}
    return MergePlan(
        merged,
        differing(merged, salesforce.values),
        differing(merged, crmoffice.values),
        plan.winners,
    )


# --- time -------------------------------------------------------------------------------


def second_precision(context: EngineContext) -> SyncEngine:
    """Modification times compared to the whole second: edits under a second apart tie."""
    return create_engine(
        context,
        salesforce=_WholeSecondsSalesforce(salesforce_connector(context)),
        crmoffice=_WholeSecondsCrmoffice(crmoffice_connector(context)),
    )


def _whole_seconds(pages: Iterator[list[SystemRecord]]) -> Iterator[list[SystemRecord]]:
    for page in pages:
        yield [replace(r, modified_at=r.modified_at.replace(microsecond=0)) for r in page]


class _SalesforceWrapper:
    """The real connector, passed through; a broken engine overrides the one call it breaks."""

    def __init__(self, api: SalesforceApi) -> None:
        self._api, self.calls = api, api.calls

    def query_changed(
        self,
        object_name: str,
        fields: Sequence[str],
        since: datetime | None,
        path: PathChoice = rest_only,
    ) -> Iterator[list[SystemRecord]]:
        return self._api.query_changed(object_name, fields, since, path)

    def update_many(self, object_name: str, updates: Sequence[RecordUpdate]) -> list[WriteResult]:
        return self._api.update_many(object_name, updates)

    def bulk_update_many(
        self, object_name: str, updates: Sequence[RecordUpdate]
    ) -> list[WriteResult]:
        return self._api.bulk_update_many(object_name, updates)

    def create_many(
        self, object_name: str, records: Sequence[Mapping[str, Value]]
    ) -> list[WriteResult]:
        return self._api.create_many(object_name, records)

    def is_sandbox(self) -> bool:
        return self._api.is_sandbox()


class _CrmofficeWrapper:
    def __init__(self, api: CrmofficeApi) -> None:
        self._api, self.calls = api, api.calls

    def list_changed(
        self, type_name: str, fields: Sequence[str], since: datetime | None
    ) -> Iterator[list[SystemRecord]]:
        return self._api.list_changed(type_name, fields, since)

    def create(
        self, type_name: str, values: Mapping[str, Value], idempotency_key: str
    ) -> WriteResult:
        return self._api.create(type_name, values, idempotency_key)

    def update(self, type_name: str, update: RecordUpdate) -> WriteResult:
        return self._api.update(type_name, update)


class _WholeSecondsSalesforce(_SalesforceWrapper):
    def query_changed(
        self,
        object_name: str,
        fields: Sequence[str],
        since: datetime | None,
        path: PathChoice = rest_only,
    ) -> Iterator[list[SystemRecord]]:
        return _whole_seconds(self._api.query_changed(object_name, fields, since, path))


class _WholeSecondsCrmoffice(_CrmofficeWrapper):
    def list_changed(
        self, type_name: str, fields: Sequence[str], since: datetime | None
    ) -> Iterator[list[SystemRecord]]:
        return _whole_seconds(self._api.list_changed(type_name, fields, since))


def watermark_at_cycle_end(context: EngineContext) -> SyncEngine:
    """The watermark is the time the cycle ended, not when its reads began: an edit made while
    the cycle ran, after its read, is never read."""
    engine = create_engine(context)
    assert isinstance(engine, TalkEngine)
    return LateWatermarkEngine(engine)


class LateWatermarkEngine(EngineWrapper):
    def run_cycle(self) -> RunReport:
        report = self._engine.run_cycle()
        store, now = self._engine.store, self._engine.context.clock.now()
        store.save_watermarks({key: now for key in store.watermarks()})
        return report


# --- batches and pages ------------------------------------------------------------------


def batch_all_or_none(context: EngineContext) -> SyncEngine:
    """sObject Collections with allOrNone true: one bad record rolls back the whole call."""
    return create_engine(context, salesforce=salesforce_connector(context, all_or_none=True))


def first_page_only(context: EngineContext) -> SyncEngine:
    """Reads only the first page of every query and list: records past it never sync."""
    return create_engine(
        context,
        salesforce=_FirstPageSalesforce(salesforce_connector(context)),
        crmoffice=_FirstPageCrmoffice(crmoffice_connector(context)),
    )


def _first_page(pages: Iterator[list[SystemRecord]]) -> Iterator[list[SystemRecord]]:
    yield next(pages, [])


class _FirstPageSalesforce(_SalesforceWrapper):
    def query_changed(
        self,
        object_name: str,
        fields: Sequence[str],
        since: datetime | None,
        path: PathChoice = rest_only,
    ) -> Iterator[list[SystemRecord]]:
        return _first_page(self._api.query_changed(object_name, fields, since, path))


class _FirstPageCrmoffice(_CrmofficeWrapper):
    def list_changed(
        self, type_name: str, fields: Sequence[str], since: datetime | None
    ) -> Iterator[list[SystemRecord]]:
        return _first_page(self._api.list_changed(type_name, fields, since))


def oversized_batches(context: EngineContext) -> SyncEngine:
    """Writes a flow's Salesforce changes in Collections calls of 2,000: past 200 records
    Salesforce refuses the whole call (EXCEEDED_ID_LIMIT), so large edits never arrive."""
    mapping = replace(load_mapping(context.mapping_path), salesforce_batch_size=2000)
    connector = SalesforceConnector(
        context.salesforce, session=context.session_factory(), sleep=context.sleep
    )
    return create_engine(context, mapping=mapping, salesforce=_UnchunkedSalesforce(connector))


class _UnchunkedSalesforce(_SalesforceWrapper):
    """update_many sends every update in one call instead of 200 at a time."""

    def __init__(self, api: SalesforceConnector) -> None:
        super().__init__(api)
        self._connector = api

    def update_many(self, object_name: str, updates: Sequence[RecordUpdate]) -> list[WriteResult]:
        return self._connector._update_chunk(object_name, updates)


# --- direction of creation ----------------------------------------------------------------


def creates_back(context: EngineContext) -> SyncEngine:
    """Also inserts Crmoffice records that have no link into Salesforce, as if the flow were
    two-way for creation: a contact a person makes in Crmoffice appears in Salesforce."""
    connector = SalesforceConnector(
        context.salesforce, session=context.session_factory(), sleep=context.sleep
    )
    engine = create_engine(context, salesforce=connector)
    assert isinstance(engine, TalkEngine)
    return CreatingBackEngine(engine, connector)


class CreatingBackEngine(EngineWrapper):
    def __init__(self, engine: TalkEngine, salesforce: SalesforceConnector) -> None:
        super().__init__(engine)
        self._salesforce = salesforce

    def run_cycle(self) -> RunReport:
        report = self._engine.run_cycle()
        for flow in self._engine.mapping.flows:
            if flow.properties:
                self._create_back(flow)
        return report

    def _create_back(self, flow: FlowMapping) -> None:
        store, crm = self._engine.store, self._engine.crmoffice
        for page in crm.list_changed(flow.crmoffice_type, flow.crmoffice_fields, None):
            refs = {flow.crmoffice_ref(r.record_id): r for r in page if not r.deleted}
            linked = store.links_for_targets(refs, flow=flow.name)
            for other in self._engine.mapping.flows_into_crmoffice(flow.crmoffice_type):
                linked |= store.links_for_targets(refs, flow=other.name)
            for ref, record in refs.items():
                if ref not in linked:
                    values = {
                        p.salesforce: record.values.get(p.crmoffice)
                        for p in flow.properties
                        if record.values.get(p.crmoffice)
                    }
                    self._create(flow.salesforce_object, values)

    def _create(self, object_name: str, values: Mapping[str, Value]) -> None:
        # The Protocol has no create (the real engine never creates in Salesforce), so this
        # goes through the connector's one call path, retries and login included.
        self._salesforce._call(
            f"create of {object_name}",
            lambda sf: sf.restful(f"sobjects/{object_name}/", method="POST", json=dict(values)),
        )
