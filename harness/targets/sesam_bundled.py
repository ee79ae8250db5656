"""The fake node's Talk pipes backed by the bundled engine, so a run through the node is real.

    talk = BundledTalk(inner_engine, salesforce_connector(context), crmoffice_connector(context),
                       mapping)
    node = FakeSesamNode(clock, jwt=jwt, pipes=talk_pipes(flows, talk.backends()))

Collect pipes read their system through the engine's own connectors (real calls to the fakes,
changed records since the pump's last seen). The first share pipe due in a round runs one cycle
of the engine under test, which writes both systems; each share pipe then stores what that
cycle wrote into its own system, so the Sesam engine's counts and dead letters are the inner
engine's. A collect pipe read whole after its last seen was unset makes the next inner cycle
read from the beginning too (the checklist's full re-read). Global and transform pipes pass
their changes through: the merge is the inner engine's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from harness.connectors.base import CrmofficeApi, SalesforceApi, SystemRecord
from harness.engine import EngineMapping, RunReport, SyncEngine
from harness.engine.mapping import FlowMapping
from harness.fakes.sesam.pipes import Backend, Entity, PumpResult, PumpRun, WriteError
from harness.sesam.naming import Role, TalkSide, flows_from_mapping, pipe_set


@dataclass
class _Cycles:
    """The inner engine's cycles: one per round in which something was collected."""

    collected: int = 0  # collect runs that stored changes
    cycled_at: int = -1  # `collected` when the inner engine last ran
    reread: bool = False  # a collect pipe read whole since the last inner cycle
    report: RunReport | None = None
    taken: set[str] = field(default_factory=set)  # share pipes that stored this report
    serial: itertools.count[int] = field(default_factory=itertools.count)


class BundledTalk:
    def __init__(
        self,
        engine: SyncEngine,
        salesforce: SalesforceApi,
        crmoffice: CrmofficeApi,
        mapping: EngineMapping,
    ) -> None:
        self.engine = engine
        self._salesforce, self._crmoffice, self._mapping = salesforce, crmoffice, mapping
        self._cycles = _Cycles()
        self._read_before: set[str] = set()

    def backends(self) -> dict[str, Backend]:
        """A backend for every collect and share pipe of the mapping's flows."""
        backends: dict[str, Backend] = {}
        for pipe in pipe_set(flows_from_mapping(self._mapping)):
            if pipe.side is not None and pipe.role is Role.COLLECT:
                backends[pipe.id] = self._collect(pipe.id, pipe.side)
            elif pipe.side is not None and pipe.role is Role.SHARE:
                backends[pipe.id] = self._share(pipe.id, pipe.side)
        return backends

    # --- collect: read a system ------------------------------------------------------------

    def _collect(self, pipe_id: str, side: TalkSide) -> Backend:
        def collect(run: PumpRun) -> PumpResult:
            if run.full and pipe_id in self._read_before:
                self._cycles.reread = True
            self._read_before.add(pipe_id)
            since = datetime.fromisoformat(run.last_seen) if run.last_seen else None
            entities = [_entity(side, r) for page in self._pages(side, since) for r in page]
            if entities:
                self._cycles.collected += 1
            # From the run's start, less an overlap (as the engine's own watermark): an edit
            # stamped in the same second is read again, never missed. Unchanged entities
            # store no new version, so a re-read makes no work downstream.
            mark = run.started_at - self._mapping.watermark_overlap
            return PumpResult(entities, last_seen=mark.isoformat())

        return collect

    def _pages(self, side: TalkSide, since: datetime | None) -> Iterator[list[SystemRecord]]:
        fields = self._fields(side)
        if side.system == "salesforce":
            return self._salesforce.query_changed(side.object_name, fields, since)
        return self._crmoffice.list_changed(side.object_name, fields, since)

    def _fields(self, side: TalkSide) -> list[str]:
        names: list[str] = []
        for flow in self._mapping.flows:
            if side.system == "salesforce" and flow.salesforce_object == side.object_name:
                names += flow.salesforce_fields
            elif side.system == "crmoffice" and flow.crmoffice_type == side.object_name:
                names += flow.crmoffice_fields
        return list(dict.fromkeys(names))

    # --- share: the inner engine's cycle writes --------------------------------------------

    def _share(self, pipe_id: str, side: TalkSide) -> Backend:
        def share(run: PumpRun) -> PumpResult:
            report = self._report_for(pipe_id)
            if report is None:
                return PumpResult()
            return PumpResult(self._written(report, side), write_errors=_errors(report, side))

        return share

    def _report_for(self, pipe_id: str) -> RunReport | None:
        """The inner cycle of this round: run once, then stored by each share pipe once."""
        cycles = self._cycles
        if cycles.cycled_at < cycles.collected:
            if cycles.reread:
                self.engine.reset_watermarks()
                cycles.reread = False
            cycles.report, cycles.taken = self.engine.run_cycle(), set()
            cycles.cycled_at = cycles.collected
        if cycles.report is None or pipe_id in cycles.taken:
            return None
        cycles.taken.add(pipe_id)
        return cycles.report

    def _written(self, report: RunReport, side: TalkSide) -> list[Entity]:
        """One sink entity per record the cycle wrote into this side's system (an insert
        carries `$generated_id`, as Talk's share pipes store it)."""
        entities: list[Entity] = []
        for flow in self._mapping.flows:
            counts = report.flows.get(flow.name)
            if counts is None:
                continue
            inserts = counts.inserted if _origin_is_other(flow.origin, side) else 0
            updates = (
                counts.updated_salesforce
                if side.system == "salesforce"
                else counts.updated_crmoffice
            )
            origin = flow_origin_prefix(flow)
            for n in range(inserts + updates):
                serial = next(self._cycles.serial)
                # $origin names the flow's origin side, as Talk's link does: the count goes
                # to this flow even where two flows share the share pipe.
                entity: Entity = {"_id": f"{side.prefix}:{serial}", "$origin": f"{origin}:{serial}"}
                entities.append({**entity, "$generated_id": str(serial)} if n < inserts else entity)
        return entities


def flow_origin_prefix(flow: FlowMapping) -> str:
    """The Talk prefix of the flow's origin side: salesforce-contact, crmoffice-companies."""
    return flow.salesforce_namespace if flow.origin == "salesforce" else flow.crmoffice_namespace


def _origin_is_other(origin: str, side: TalkSide) -> bool:
    """Inserts land in the system that is not the flow's origin."""
    return origin != side.system


def _entity(side: TalkSide, record: SystemRecord) -> Entity:
    return {
        "_id": f"{side.prefix}:{record.record_id}",
        **dict(record.values),
        "_deleted": record.deleted,
    }


def _errors(report: RunReport, side: TalkSide) -> list[WriteError]:
    """The inner cycle's dead letters for writes into this side's system, with the system's
    error code first in the message, as a real share pipe's write-error carries the body."""
    into = f"->{side.system}"
    return [
        WriteError({"_id": letter.ref}, f"{letter.code}: {letter.message}", not letter.retriable)
        for letter in report.dead_letters
        if letter.direction.endswith(into)
    ]
