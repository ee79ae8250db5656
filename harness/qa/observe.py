"""What both systems hold for one scenario, read through their APIs, and which record is whose.

    observation = observer.observe()             # before and after every cycle
    resolve_links(sources, before, after)  # which new target record belongs to which source

A scenario's records are those made since it began, in both systems, whichever of them the
document names as the source (harness/qa/systems.py reads each). On a sandbox, where others'
records exist and arrive (a refreshed org, other workers), a RunScope narrows both: Salesforce
records by the run's tag, Crmoffice records to those this run's own sessions made. Nothing older
is listed, so the cost of an observation is set by the scenario, not by the org. No engine
state is consulted: a link is what the systems show (the target record a cycle created for a
source record).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from harness.dataflow import DataflowSpec, FlowSpec
from harness.qa.systems import QaSystem, RecordKey


def same_value(left: Any, right: Any) -> bool:
    """Empty string and null are the same value (SYNC-SEMANTICS: no flip-flop between them)."""
    return (left or None) == (right or None)


@dataclass
class SourceHandle:
    """A record the scenario made in the flow's source system, and what the systems show of
    its link. Ids are strings whichever system holds them."""

    role: str  # "it", "other", or "before-onboarding"
    object_name: str  # as the document names it: "Contact", "Companies"
    record_id: str
    flow: FlowSpec
    created_values: dict[str, Any]
    source_kind: str  # the API names: "Contact" / "contacts", "companies" / "Account"
    target_kind: str
    candidates: list[str] = field(default_factory=list)  # target records its first cycle made
    resolved: bool = False
    at_delete: dict[str, dict[str, Any]] | None = None  # both sides, just before a delete

    @property
    def link(self) -> str | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    def identifying_values(self) -> dict[str, Any]:
        """Target property -> value, per the document's table, for the values it was made with."""
        return {
            row.target_property: self.created_values[row.source_property]
            for row in self.flow.properties
            if self.created_values.get(row.source_property)
        }


@dataclass(frozen=True)
class Observation:
    at: datetime
    records: Mapping[str, Mapping[RecordKey, Mapping[str, Any]]]  # system -> (kind, id) -> record

    def of(self, system: str) -> Mapping[RecordKey, Mapping[str, Any]]:
        return self.records.get(system, {})

    def ids(self, system: str, kind: str) -> set[str]:
        return {record_id for (k, record_id) in self.of(system) if k == kind}

    def stamps(self, stamp_fields: Mapping[str, str]) -> dict[str, Any]:
        """Every record's modification stamp, by system:kind:id (system -> its stamp field)."""
        return {
            f"{system}:{kind}:{rid}": record.get(stamp_fields[system])
            for system, records in self.records.items()
            for (kind, rid), record in records.items()
        }


@dataclass(frozen=True)
class RunScope:
    """Which records of a shared system are the run's: one SOQL condition per Salesforce
    object (the run tag), and the Crmoffice records the run's sessions made (type, id)."""

    salesforce_where: Mapping[str, str] = field(default_factory=dict)
    crmoffice_made: Callable[[], set[tuple[str, int]]] | None = None
    # Read only the source objects of the flows the scenario made records for: on a real
    # sandbox each object is a query per observation at 150 ms. The fakes read them all, so an
    # engine writing into another object is still seen there.
    objects_in_play_only: bool = False


class Observer:
    def __init__(
        self,
        spec: DataflowSpec,
        systems: Mapping[str, QaSystem],
        since: datetime,
        scope: RunScope | None = None,
    ) -> None:
        self._spec = spec
        self._systems = systems
        self._since = since
        self._scope = scope or RunScope()

    def observe(self, at: datetime, in_play: Iterable[str] = ()) -> Observation:
        """Both systems now; `in_play`: the source kinds the scenario made records of."""
        source, target = self._spec.source_system, self._spec.target_system
        source_kinds = self._source_kinds()
        if self._scope.objects_in_play_only and in_play:
            source_kinds = {k: f for k, f in source_kinds.items() if k in set(in_play)}
        return Observation(
            at,
            {
                source: self._systems[source].records_since(source_kinds, self._since),
                target: self._systems[target].records_since(self._target_kinds(), self._since),
            },
        )

    def _source_kinds(self) -> dict[str, list[str]]:
        system = self._systems[self._spec.source_system]
        kinds: dict[str, list[str]] = {}
        for flow in sorted(self._spec.flows, key=lambda f: f.source_object):
            fields = kinds.setdefault(system.kind(flow.source_object), [])
            fields += [row.source_property for row in flow.properties]
        return kinds

    def _target_kinds(self) -> dict[str, list[str]]:
        system = self._systems[self._spec.target_system]
        kinds: dict[str, list[str]] = {}
        for flow in sorted(self._spec.flows, key=lambda f: f.target_type):
            fields = kinds.setdefault(system.kind(flow.target_type), [])
            fields += [row.target_property for row in flow.properties]
        return kinds


def resolve_links(sources: Iterable[SourceHandle], before: Observation, after: Observation) -> None:
    """Give each unresolved source the target records the cycle made for it.

    One new source of a type owns every record the cycle made of that type. Several compete
    for them by the values the document says they share: each takes the new records sharing
    the most of its mapped values (one shared value is enough, so a wrong mapping of one
    property does not hide the link; two copies of one source both count, so a duplicate
    shows); a source without mapped values takes what the others did not claim.
    """
    pending = [s for s in sources if not s.resolved and s.role != "before-onboarding"]
    for system, kind in sorted({(s.flow.target_system, s.target_kind) for s in pending}):
        new_ids = sorted(after.ids(system, kind) - before.ids(system, kind), key=_id_order)
        if not new_ids:
            continue
        competing = [s for s in pending if (s.flow.target_system, s.target_kind) == (system, kind)]
        if len(competing) == 1:
            competing[0].candidates = list(new_ids)
        else:
            _claim_by_values(competing, new_ids, after.of(system), kind)
        for source in competing:
            source.resolved = True


def _id_order(record_id: str) -> tuple[int, str]:
    """Crmoffice ids are numbers, so 100002 sorts before 1000010; Salesforce ids are text."""
    return (int(record_id), "") if record_id.isdigit() else (0, record_id)


def _claim_by_values(
    competing: list[SourceHandle],
    new_ids: list[str],
    after: Mapping[RecordKey, Mapping[str, Any]],
    kind: str,
) -> None:
    index: dict[tuple[str, Any], list[str]] = {}
    for record_id in new_ids:
        for prop, value in after[(kind, record_id)].items():
            if value not in (None, ""):
                index.setdefault((prop, value), []).append(record_id)
    claimed: set[str] = set()
    for source in competing:
        shared: dict[str, int] = {}
        for prop, value in source.identifying_values().items():
            for record_id in index.get((prop, value), ()):
                shared[record_id] = shared.get(record_id, 0) + 1
        if shared:
            most = max(shared.values())
            source.candidates = sorted((i for i, n in shared.items() if n == most), key=_id_order)
            claimed.update(source.candidates)
    for source in competing:
        if not source.identifying_values():
            source.candidates = [i for i in new_ids if i not in claimed]
