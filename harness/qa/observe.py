"""What both systems hold for one scenario, read through their APIs, and which record is whose.

    observation = observer.observe()             # before and after every cycle
    resolve_links(sources, before, after)  # which new target record belongs to which source

A scenario's records are the Salesforce records made since it began and the Crmoffice records
made since then. On a sandbox, where others' records exist and arrive (a refreshed org, other
workers), a RunScope narrows both: Salesforce records by the run's tag, Crmoffice records to
those this run's own sessions made. Nothing older is listed, so the cost of an observation is
set by the scenario, not by the org. No engine state is consulted: a link is what the systems
show (the target record a cycle created for a source record).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from harness.qa.clients import CrmofficeQaClient, SalesforceQaClient
from harness.spec import DataflowSpec, FlowSpec


def same_value(left: Any, right: Any) -> bool:
    """Empty string and null are the same value (SYNC-SEMANTICS: no flip-flop between them)."""
    return (left or None) == (right or None)


def api_type(document_type: str) -> str:
    """The Crmoffice API path of a document type name: 'Contacts' -> 'contacts'."""
    return document_type.lower()


@dataclass
class SourceHandle:
    """A Salesforce record the scenario made, and what the systems show of its link."""

    role: str  # "it", "other", or "before-onboarding"
    object_name: str
    record_id: str
    flow: FlowSpec
    created_values: dict[str, Any]
    candidates: list[int] = field(default_factory=list)  # target records its first cycle made
    resolved: bool = False
    at_delete: dict[str, dict[str, Any]] | None = None  # both sides, just before a delete

    @property
    def target_type(self) -> str:
        return api_type(self.flow.target_type)

    @property
    def link(self) -> int | None:
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
    salesforce: Mapping[str, Mapping[str, Any]]  # record id -> record
    crmoffice: Mapping[tuple[str, int], Mapping[str, Any]]  # (type, id) -> record

    def crm_ids(self, type_name: str) -> set[int]:
        return {record_id for (kind, record_id) in self.crmoffice if kind == type_name}

    def stamps(self) -> dict[str, Any]:
        return {
            **{f"salesforce:{k}": v.get("SystemModstamp") for k, v in self.salesforce.items()},
            **{f"crmoffice:{t}:{i}": v.get("updatedAt") for (t, i), v in self.crmoffice.items()},
        }


@dataclass(frozen=True)
class RunScope:
    """Which records of a shared system are the run's: one SOQL condition per Salesforce
    object (the run tag), and the Crmoffice records the run's sessions made (type, id)."""

    salesforce_where: Mapping[str, str] = field(default_factory=dict)
    crmoffice_made: Callable[[], set[tuple[str, int]]] | None = None
    # Read only the Salesforce objects of the flows the scenario made records for: on a real
    # sandbox each object is a query per observation at 150 ms. The fakes read them all, so an
    # engine writing into another object is still seen there.
    objects_in_play_only: bool = False


class Observer:
    def __init__(
        self,
        spec: DataflowSpec,
        salesforce: SalesforceQaClient,
        crmoffice: CrmofficeQaClient,
        since: datetime,
        scope: RunScope | None = None,
    ) -> None:
        self._spec = spec
        self._salesforce = salesforce
        self._crmoffice = crmoffice
        self._since = since
        self._scope = scope or RunScope()

    def target_types(self) -> list[str]:
        return sorted({api_type(flow.target_type) for flow in self._spec.flows})

    def source_objects(self) -> list[str]:
        return sorted({flow.source_object for flow in self._spec.flows})

    def observe(self, at: datetime, in_play: Iterable[str] = ()) -> Observation:
        """Both systems now; `in_play`: the Salesforce objects the scenario made records of."""
        objects = self.source_objects()
        if self._scope.objects_in_play_only and in_play:
            objects = [o for o in objects if o in set(in_play)]
        return Observation(at, self._salesforce_records(objects), self._crmoffice_records())

    def _salesforce_records(self, objects: Iterable[str]) -> dict[str, dict[str, Any]]:
        records: dict[str, dict[str, Any]] = {}
        for object_name in objects:
            fields = ["Id", "CreatedDate", "SystemModstamp", *self._mapped_fields(object_name)]
            columns = ", ".join(dict.fromkeys(fields))
            tagged = self._scope.salesforce_where.get(object_name)
            extra = f" AND ({tagged})" if tagged else ""
            soql = f"SELECT {columns} FROM {object_name} WHERE CreatedDate >= {{since}}{extra}"
            for record in self._salesforce.query(soql, since=self._since):
                record.pop("attributes", None)
                records[str(record["Id"])] = {"object": object_name, **record}
        return records

    def _mapped_fields(self, object_name: str) -> list[str]:
        return [
            row.source_property
            for flow in self._spec.flows
            if flow.source_object == object_name
            for row in flow.properties
        ]

    def _crmoffice_records(self) -> dict[tuple[str, int], dict[str, Any]]:
        made = self._scope.crmoffice_made() if self._scope.crmoffice_made else None
        kinds = self.target_types()
        if made is not None:  # only a type the run made a record of can hold one of its own
            kinds = [kind for kind in kinds if any(k == kind for k, _ in made)]
        records = {}
        for kind in kinds:
            # Made since the scenario began: changed since then too, so only those are listed.
            for record in self._crmoffice.list_all(kind, updated_since=self._since):
                key = (kind, int(record["id"]))
                if _made_since(record, self._since) and (made is None or key in made):
                    records[key] = record
        return records


def _made_since(record: Mapping[str, Any], since: datetime) -> bool:
    created = record.get("createdAt")
    return isinstance(created, str) and datetime.fromisoformat(created) >= since


def resolve_links(sources: Iterable[SourceHandle], before: Observation, after: Observation) -> None:
    """Give each unresolved source the target records the cycle made for it.

    One new source of a type owns every record the cycle made of that type. Several compete
    for them by the values the document says they share: each takes the new records sharing
    the most of its mapped values (one shared value is enough, so a wrong mapping of one
    property does not hide the link; two copies of one source both count, so a duplicate
    shows); a source without mapped values takes what the others did not claim.
    """
    pending = [s for s in sources if not s.resolved and s.role != "before-onboarding"]
    for kind in sorted({s.target_type for s in pending}):
        new_ids = sorted(after.crm_ids(kind) - before.crm_ids(kind))
        if not new_ids:
            continue
        competing = [s for s in pending if s.target_type == kind]
        if len(competing) == 1:
            competing[0].candidates = list(new_ids)
        else:
            _claim_by_values(competing, new_ids, after, kind)
        for source in competing:
            source.resolved = True


def _claim_by_values(
    competing: list[SourceHandle], new_ids: list[int], after: Observation, kind: str
) -> None:
    index: dict[tuple[str, Any], list[int]] = {}
    for record_id in new_ids:
        for prop, value in after.crmoffice[(kind, record_id)].items():
            if value not in (None, ""):
                index.setdefault((prop, value), []).append(record_id)
    claimed: set[int] = set()
    for source in competing:
        shared: dict[int, int] = {}
        for prop, value in source.identifying_values().items():
            for record_id in index.get((prop, value), ()):
                shared[record_id] = shared.get(record_id, 0) + 1
        if shared:
            most = max(shared.values())
            source.candidates = sorted(i for i, n in shared.items() if n == most)
            claimed.update(source.candidates)
    for source in competing:
        if not source.identifying_values():
            source.candidates = [i for i in new_ids if i not in claimed]
