"""One checklist scenario's world: make records, run the engine, read both systems back.

    driver = ChecklistDriver(target, spec, engine_factory, tmp_path / "state.sqlite", log)
    it = driver.create_source("Contact"); driver.run_cycle(); driver.read("Crmoffice", it)

Either system may be the document's source: a system is asked for by the name the document
gives it (harness/qa/systems.py), and a record of the scenario is found in it by its side of
the flow.

The step definitions in steps/ are one line each over this class. Everything a "then" step
looks at comes from the systems' APIs (harness.qa.clients); the engine is driven only through
its SyncEngine protocol and its RunReport.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from time import sleep as real_sleep
from typing import Any

from harness.dataflow import DataflowSpec, FlowSpec, PropertyMapping
from harness.engine import EngineContext, RunReport, SyncEngine
from harness.errors import NotFoundError
from harness.qa.clients import CrmofficeQaClient, SalesforceQaClient
from harness.qa.evidence import ExchangeLog
from harness.qa.factories import RecordFactory
from harness.qa.observe import Observation, Observer, SourceHandle, resolve_links
from harness.qa.systems import CrmofficeSystem, QaSystem, SalesforceSystem
from harness.qa.targets import Target
from harness.qa.window import EngineWindow

EngineFactory = Callable[[EngineContext], SyncEngine]
EVIDENCE_RECORDS = 200  # records of each system an observation shows in the report


# Between two edits made in a real order on a sandbox: past Salesforce's timestamp precision (a
# second) and a second more for the clocks of the two systems not agreeing exactly.
REAL_EDIT_GAP = timedelta(seconds=2)


@dataclass(frozen=True)
class OrderedEdit:
    """An edit asked for at a clock time, kept to be made in order on a real system."""

    moment: datetime
    clock_time: str
    system: str
    object_name: str
    record_id: str
    values: dict[str, Any]


class CycleFailedError(AssertionError):
    """The engine under test raised in a cycle: a failed item (its defect), not a broken run."""


class ScenarioSkip(Exception):
    """The scenario cannot be arranged on this target; the message is the stated reason."""


@dataclass(frozen=True)
class Cycle:
    report: RunReport
    before: Observation
    after: Observation
    writes: dict[str, int] | None  # write calls the systems received during the cycle


class ChecklistDriver:
    def __init__(
        self,
        target: Target,
        spec: DataflowSpec,
        engine_factory: EngineFactory,
        state_path: Path,
        exchanges: ExchangeLog,
        factory: RecordFactory | None = None,
        document_text: str = "",
        window: EngineWindow | None = None,
    ) -> None:
        self.target = target
        self.spec = spec
        self.document_text = document_text
        self.exchanges = exchanges
        self.factory = factory or RecordFactory()
        self._engine_factory = engine_factory
        self._state_path = state_path
        self.salesforce = SalesforceQaClient.login(
            target.salesforce_settings(),
            session=exchanges.instrument(target.new_session(), "checklist"),
        )
        self.crmoffice = CrmofficeQaClient(
            target.crmoffice_settings(),
            session=exchanges.instrument(target.new_session(), "checklist"),
        )
        scope = target.run_scope()
        self.systems: dict[str, QaSystem] = {
            "Salesforce": SalesforceSystem(
                self.salesforce, self.factory, scope.salesforce_where if scope else {}
            ),
            "Crmoffice": CrmofficeSystem(
                self.crmoffice, self.factory, scope.crmoffice_made if scope else None
            ),
        }
        # Salesforce stamps CreatedDate to the second; start one second early.
        self.started = target.clock.now().replace(microsecond=0) - timedelta(seconds=1)
        self.observer = Observer(spec, self.systems, self.started, scope)
        self.sources: list[SourceHandle] = []
        self.cycles: list[Cycle] = []
        self.flow: FlowSpec | None = None
        self.findings: list[str] = []
        self._engine: SyncEngine | None = None
        self.retry_pauses: list[float] = []  # every pause the engine's connectors asked for
        # What is armed only around the engine's own cycle, outside the checklist's reads
        # (the fault matrix arms a fault there, so only the engine meets it).
        self.window = window or EngineWindow()
        self._edit_day: datetime | None = None
        self._ordered_edits: list[OrderedEdit] = []
        # "them" in the steps: the many records a volume or batch Given made, in order; the
        # values edits gave them (Salesforce field -> record id -> value); the one given a
        # value too long for the other system, if any.
        self.records: list[SourceHandle] = []
        self.edited: dict[str, dict[str, Any]] = {}
        self.rejected: SourceHandle | None = None

    # --- the document ---------------------------------------------------------------------

    def select_flow(self, name: str) -> FlowSpec:
        for flow in self.spec.flows:
            if flow.name == name:
                self.flow = flow
                return flow
        known = ", ".join(f.name for f in self.spec.flows)
        raise AssertionError(f"the document has no flow {name!r}; it has: {known}")

    def spec_section(self, flow: FlowSpec) -> str:
        """The document's own text for one flow, from its heading to the next flow's."""
        lines = self.document_text.splitlines()
        later = [f.line for f in self.spec.flows if f.line > flow.line]
        return "\n".join(lines[flow.line - 1 : (min(later) - 1) if later else None])

    def flow_of(self, object_name: str) -> FlowSpec:
        for flow in self.spec.flows:
            if flow.source_object == object_name:
                return flow
        raise AssertionError(
            f"the document has no flow from {self.spec.source_system} {object_name}"
        )

    def system(self, name: str) -> QaSystem:
        """The system the document calls `name`, e.g. "Salesforce"."""
        if name not in self.systems:
            raise AssertionError(f"no system {name!r}; known: {', '.join(sorted(self.systems))}")
        return self.systems[name]

    # --- making records ---------------------------------------------------------------------

    def create_source(
        self, object_name: str, values: dict[str, Any] | None = None, *, role: str = "it"
    ) -> SourceHandle:
        flow = self.flow_of(object_name)
        system = self.system(flow.source_system)
        kind = system.kind(object_name)
        fields = system.new_fields(kind, values or {})
        handle = self._handle(role, flow, system.create(kind, fields), fields)
        self.sources.append(handle)
        return handle

    def _handle(
        self, role: str, flow: FlowSpec, record_id: str, fields: dict[str, Any]
    ) -> SourceHandle:
        return SourceHandle(
            role,
            flow.source_object,
            record_id,
            flow,
            fields,
            source_kind=self.system(flow.source_system).kind(flow.source_object),
            target_kind=self.system(flow.target_system).kind(flow.target_type),
        )

    def create_target(self, type_name: str, values: dict[str, Any]) -> str:
        system = self.system(self.spec.target_system)
        kind = system.kind(type_name)
        return system.create(kind, system.new_fields(kind, values))

    def source(self, object_name: str | None = None, role: str = "it") -> SourceHandle:
        for handle in self.sources:
            if handle.role == role and object_name in (None, handle.object_name):
                return handle
        made = ", ".join(f"{h.role} {h.object_name}" for h in self.sources) or "none"
        raise LookupError(f"the scenario made no {role} {object_name or 'record'}; made: {made}")

    def link(self, handle: SourceHandle) -> str:
        self.run_cycle()
        if handle.link is None:
            flow = handle.flow
            raise AssertionError(
                f"after a cycle, {flow.source_system} {handle.object_name} {handle.record_id}"
                f" has {len(handle.candidates)} {flow.target_system} {handle.target_kind}"
                " records, expected 1" + self.no_flow_reason(handle)
            )
        return handle.link

    def no_flow_reason(self, handle: SourceHandle) -> str:
        """ "; the engine under test has no flow …" when it says so: a product defect (the
        document names a flow the engine does not sync), not a fault of the harness."""
        flow = handle.flow
        if self.engine.syncs(flow.source_system, handle.source_kind, handle.target_kind) is False:
            return (
                f"; the engine under test has no flow from {flow.source_system}"
                f" {handle.object_name} to {flow.target_system} {handle.target_kind}, which the"
                " document names"
            )
        return ""

    def create_many(self, object_name: str, count: int) -> list[SourceHandle]:
        """Many source records at once (Salesforce: sObject Collections, 200 a call)."""
        flow = self.flow_of(object_name)
        system = self.system(flow.source_system)
        kind = system.kind(object_name)
        rows = [system.new_fields(kind, {}) for _ in range(count)]
        ids = system.create_many(kind, rows)
        handles = [
            self._handle(f"record {n + 1}", flow, rid, fields)
            for n, (rid, fields) in enumerate(zip(ids, rows, strict=True))
        ]
        self.sources.extend(handles)
        self.records.extend(handles)
        return handles

    def link_many(self, handles: list[SourceHandle]) -> None:
        self.run_cycle()
        unlinked = [h for h in handles if h.link is None]
        if unlinked:
            first = unlinked[0]
            raise AssertionError(
                f"after a cycle, {len(unlinked)} of {len(handles)} {first.flow.source_system}"
                f" {first.object_name} records have no single linked {first.flow.target_system}"
                f" {first.target_kind} record (first: {first.record_id}, {first.candidates})"
                + self.no_flow_reason(first)
            )

    # --- the engine -------------------------------------------------------------------------

    @property
    def engine(self) -> SyncEngine:
        if self._engine is None:
            context = EngineContext(
                salesforce=self.target.salesforce_settings(),
                crmoffice=self.target.crmoffice_settings(),
                state_path=self._state_path,
                session_factory=lambda: self.exchanges.instrument(self.target.new_session()),
                clock=self.target.clock,
                sleep=self._pause,
                # Onboarded as the scenario began: its own records are all "created after".
                scope=self.target.sync_scope(self.started),
            )
            self._engine = self._engine_factory(context)
        return self._engine

    def _pause(self, seconds: float) -> None:
        # A fake's Retry-After is a script, not a real limit: record it and go on at once, so
        # the fault matrix stays fast and can still check the wait asked for was the one taken.
        self.retry_pauses.append(seconds)
        if self.target.waits_for_real:
            real_sleep(seconds)

    def run_cycle(self) -> Cycle:
        self._make_ordered_edits()
        engine = self.engine
        before = self.observe()
        writes_before = self.target.write_calls()
        try:
            with self.window.open():
                report = engine.run_cycle()
        except Exception as error:
            raise CycleFailedError(
                f"the sync engine's cycle {len(self.cycles) + 1} stopped with"
                f" {type(error).__name__}: {error}"
            ) from error
        writes_after = self.target.write_calls()
        after = self.observe()
        writes = (
            {k: writes_after[k] - writes_before[k] for k in writes_after}
            if writes_before is not None and writes_after is not None
            else None
        )
        cycle = Cycle(report, before, after, writes)
        self.cycles.append(cycle)
        resolve_links(self.sources, before, after)
        return cycle

    def restart(self) -> None:
        self.engine.restart()

    def reset_watermarks(self) -> None:
        self.engine.reset_watermarks()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()

    @property
    def last_cycle(self) -> Cycle:
        if not self.cycles:
            raise LookupError("no cycle has run in this scenario")
        return self.cycles[-1]

    # --- edits by a person ------------------------------------------------------------------

    def edit(self, system: str, prop: str, value: Any, at: str | None = None) -> None:
        handle = self.source()
        object_name, record_id = self._record_in(system, handle)
        if at is None:
            self._write(system, object_name, record_id, {prop: value})
            return
        moment = self._edit_time(at)
        if self.target.edit_at(system, object_name, record_id, {prop: value}, moment):
            return
        # A real system stamps an edit with its own clock: the time cannot be chosen, but the
        # order can. The edit is made before the next cycle, in the order of the times asked
        # for, each one REAL_EDIT_GAP after the one before.
        for earlier in self._ordered_edits:
            apart = abs((moment - earlier.moment).total_seconds())
            if apart < REAL_EDIT_GAP.total_seconds():
                raise ScenarioSkip(
                    f"mock-only: edits {apart * 1000:.0f} ms apart ({earlier.clock_time} and"
                    f" {at}) cannot be arranged on a real {system}, which stamps each edit with"
                    " its own clock when it lands (Salesforce to the second); on a sandbox the"
                    " edits of this item run in a real order, at least"
                    f" {REAL_EDIT_GAP.total_seconds():.0f} s apart"
                )
        self._ordered_edits.append(
            OrderedEdit(moment, at, system, object_name, record_id, {prop: value})
        )

    def _wait(self, seconds: float) -> None:
        real_sleep(seconds)  # only on a real system (or the seam), whose clock is the real one

    def _make_ordered_edits(self) -> None:
        """The edits a real system could not stamp at the times asked for, made in their order."""
        edits, self._ordered_edits = sorted(self._ordered_edits, key=lambda e: e.moment), []
        for n, edit in enumerate(edits):
            if n:
                self._wait(REAL_EDIT_GAP.total_seconds())
            self._write(edit.system, edit.object_name, edit.record_id, edit.values)

    def clear(self, system: str, prop: str, empty: str) -> None:
        """Empty a property the way a client would: '""' sends "", 'null' sends null."""
        handle = self.source()
        object_name, record_id = self._record_in(system, handle)
        self._write(system, object_name, record_id, {prop: "" if empty == '""' else None})

    def edit_during_cycle(self, system: str, prop: str, value: Any) -> None:
        """One cycle with a person's edit landing in it, right after the engine read `system`."""
        handle = self.source()
        object_name, record_id = self._record_in(system, handle)
        armed = self.target.edit_after_read(system, object_name, record_id, {prop: value})
        if armed is None:
            raise ScenarioSkip(
                f"{self.target.name}: an edit cannot be timed to land inside the engine's cycle"
                f" on a real {system} (it needs the fakes' call hooks and clock)"
            )
        # Armed only around the engine's own cycle, so the checklist's reads never set it off.
        with self.window.during(armed.arm, armed.disarm):
            self.run_cycle()
        if armed.landed_at is None:
            raise AssertionError(
                f"the engine never read {system} {object_name} during the cycle, so the edit"
                " could not land after its read"
            )

    def edit_many(self, system: str, prop: str, count: int, *, long_one: int | None = None) -> None:
        """A new made-up value of `prop` on the first `count` records; with `long_one`, the
        middle record gets a value of that many characters instead."""
        if count > len(self.records):
            raise AssertionError(f"the scenario made {len(self.records)} records, not {count}")
        row = self.row_of(prop)
        chosen = self.records[:count]
        values = {
            h.record_id: self.factory.value_for(row.source_property, row.source_type)
            for h in chosen
        }
        if long_one is not None:
            self.rejected = chosen[len(chosen) // 2]
            values[self.rejected.record_id] = self.factory.text_of_length(long_one)
        self.edited.setdefault(row.source_property, {}).update(values)
        changes: dict[str, dict[str, Any]] = {}
        for handle in chosen:
            kind, record_id = self._record_in(system, handle)
            changes[record_id] = {prop: values[handle.record_id]}
        self.system(system).update_many(kind, changes)

    def row_of(self, prop: str) -> PropertyMapping:
        """The document's row naming this property on either side, in the scenario's flow."""
        flow = self.records[0].flow if self.records else self.source().flow
        for row in flow.properties:
            if prop in (row.source_property, row.target_property):
                return row
        names = ", ".join(f"{r.source_property}/{r.target_property}" for r in flow.properties)
        raise AssertionError(f"{flow.name} lists no property {prop!r}; it lists: {names}")

    def delete(self, system: str) -> None:
        handle = self.source()
        object_name, record_id = self._record_in(system, handle)
        handle.at_delete = {side: self.read(side, handle) for side in self.systems}
        self.system(system).delete(object_name, record_id)

    def _record_in(self, system: str, handle: SourceHandle) -> tuple[str, str]:
        """The (API kind, id) of the scenario's record in `system`: the source record itself,
        or the one it is linked to."""
        if system == handle.flow.source_system:
            return handle.source_kind, handle.record_id
        if handle.link is None:
            flow = handle.flow
            raise AssertionError(
                f"{flow.source_system} {handle.object_name} {handle.record_id} has no single"
                f" linked {flow.target_system} record (the cycle made {handle.candidates})"
            )
        return handle.target_kind, handle.link

    def _write(self, system: str, kind: str, record_id: str, values: dict[str, Any]) -> None:
        self.system(system).update(kind, record_id, values)

    def _edit_time(self, clock_time: str) -> datetime:
        """A time of day on one day after everything the scenario did so far (order is all)."""
        if self._edit_day is None:
            now = self.target.clock.now()
            self._edit_day = datetime.combine(now.date() + timedelta(days=1), time(), now.tzinfo)
        hours, minutes, seconds = clock_time.split(":")
        return self._edit_day + timedelta(
            hours=int(hours), minutes=int(minutes), seconds=float(seconds)
        )

    # --- reading back -----------------------------------------------------------------------

    def observe(self) -> Observation:
        in_play = {handle.source_kind for handle in self.sources}
        if self.flow is not None:
            in_play.add(self.system(self.flow.source_system).kind(self.flow.source_object))
        return self.observer.observe(self.target.clock.now(), in_play)

    def stamp_fields(self) -> dict[str, str]:
        return {name: system.stamp_field for name, system in self.systems.items()}

    def read(self, system: str, handle: SourceHandle) -> dict[str, Any]:
        """The record as its system returns it now; raises NotFoundError when it is gone."""
        kind, record_id = self._record_in(system, handle)
        return self.system(system).get(kind, record_id)

    def exists(self, system: str, handle: SourceHandle) -> bool:
        try:
            self.read(system, handle)
        except NotFoundError:
            return False
        return True

    def evidence(self) -> dict[str, Any]:
        """What the report shows for this scenario: records, links and every RunReport."""
        first = self.cycles[0].before if self.cycles else None
        return {
            "sources": [
                {
                    "role": h.role,
                    "object": h.object_name,
                    "id": h.record_id,
                    "linked": {"type": h.target_kind, "ids": h.candidates},
                }
                for h in self.sources[:EVIDENCE_RECORDS]
            ],
            "before": _observation(first),
            "after": _observation(self.observe()),
            "run_reports": [cycle.report.to_dict() for cycle in self.cycles],
            "write_calls_per_cycle": [cycle.writes for cycle in self.cycles],
            "findings": self.findings,
        }


def _observation(observation: Observation | None) -> dict[str, Any] | None:
    if observation is None:
        return None
    return {
        "at": observation.at.isoformat(),
        **{
            system.lower(): _first({f"{kind}/{rid}": rec for (kind, rid), rec in records.items()})
            for system, records in observation.records.items()
        },
    }


def _first(records: dict[str, Any]) -> dict[str, Any]:
    """A volume scenario's thousands of records: the report keeps the first and a count."""
    if len(records) <= EVIDENCE_RECORDS:
        return records
    kept = dict(list(records.items())[:EVIDENCE_RECORDS])
    kept["…"] = f"{len(records) - EVIDENCE_RECORDS} more records left out of the report"
    return kept
