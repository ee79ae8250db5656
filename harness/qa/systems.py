"""Each system as the checklist sees it, whichever side of the document's flows it is on.

    systems = qa_systems(salesforce_client, crmoffice_client, factory, scope)
    crm = systems["Crmoffice"]; rid = crm.create("companies", crm.new_fields("companies", {}))

A dataflow document names its source and its target; the driver and the "then" steps ask the
system of a side by the name the document gives it, never by a literal. What only one system
has (Salesforce's Customer needing an Individual first, SOQL, Crmoffice's integer ids) lives in
its adapter here. Ids are strings on both sides; a record is keyed by (API kind, id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from harness.qa.clients import CrmofficeQaClient, SalesforceQaClient
from harness.qa.factories import RecordFactory

RecordKey = tuple[str, str]  # (API kind, record id): ("Contact", "003…"), ("contacts", "42")
Records = dict[RecordKey, dict[str, Any]]


class QaSystem(Protocol):
    name: str  # as the document names it: "Salesforce", "Crmoffice"
    stamp_field: str  # the modification stamp its API returns

    def kind(self, document_name: str) -> str:
        """The API name of a document's object or type: 'Contact', 'Contacts' -> 'contacts'."""
        ...

    def new_fields(self, kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Made-up values for a new record, with `values` over them."""
        ...

    def create(self, kind: str, fields: Mapping[str, Any]) -> str: ...

    def create_many(self, kind: str, rows: Sequence[Mapping[str, Any]]) -> list[str]: ...

    def get(self, kind: str, record_id: str) -> dict[str, Any]: ...

    def update(self, kind: str, record_id: str, values: Mapping[str, Any]) -> None: ...

    def update_many(self, kind: str, values: Mapping[str, Mapping[str, Any]]) -> None: ...

    def delete(self, kind: str, record_id: str) -> None: ...

    def records_since(self, kinds: Mapping[str, Sequence[str]], since: datetime) -> Records:
        """The run's records of these kinds made since `since` (kind -> fields to read)."""
        ...


@dataclass
class SalesforceSystem:
    client: SalesforceQaClient
    factory: RecordFactory
    # One SOQL condition per object: the run's tag on a shared sandbox (RunScope).
    where: Mapping[str, str] = field(default_factory=dict)
    name: str = "Salesforce"
    stamp_field: str = "SystemModstamp"

    def kind(self, document_name: str) -> str:
        return document_name

    def new_fields(self, kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
        return self.factory.salesforce(kind, **values)

    def create(self, kind: str, fields: Mapping[str, Any]) -> str:
        return self.client.create(kind, self._with_party(kind, [dict(fields)])[0])

    def create_many(self, kind: str, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        return self.client.create_many(kind, self._with_party(kind, [dict(r) for r in rows]))

    def _with_party(self, kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Customer.PartyId points at an Individual, which its docs call required."""
        missing = [row for row in rows if kind == "Customer" and "PartyId" not in row]
        individuals = [self.factory.salesforce("Individual") for _ in missing]
        if len(individuals) == 1:
            missing[0]["PartyId"] = self.client.create("Individual", individuals[0])
        elif individuals:
            parties = self.client.create_many("Individual", individuals)
            for row, party in zip(missing, parties, strict=True):
                row["PartyId"] = party
        return rows

    def get(self, kind: str, record_id: str) -> dict[str, Any]:
        return self.client.get(kind, record_id)

    def update(self, kind: str, record_id: str, values: Mapping[str, Any]) -> None:
        self.client.update(kind, record_id, values)

    def update_many(self, kind: str, values: Mapping[str, Mapping[str, Any]]) -> None:
        self.client.update_many(kind, values)

    def delete(self, kind: str, record_id: str) -> None:
        self.client.delete(kind, record_id)

    def records_since(self, kinds: Mapping[str, Sequence[str]], since: datetime) -> Records:
        records: Records = {}
        for kind, fields in kinds.items():
            columns = ", ".join(dict.fromkeys(["Id", "CreatedDate", "SystemModstamp", *fields]))
            tagged = self.where.get(kind)
            extra = f" AND ({tagged})" if tagged else ""
            soql = f"SELECT {columns} FROM {kind} WHERE CreatedDate >= {{since}}{extra}"
            for record in self.client.query(soql, since=since):
                record.pop("attributes", None)
                records[(kind, str(record["Id"]))] = {"object": kind, **record}
        return records


@dataclass
class CrmofficeSystem:
    client: CrmofficeQaClient
    factory: RecordFactory
    # The (type, id) records this run's own sessions made, on a shared account (RunScope).
    made: Callable[[], set[tuple[str, int]]] | None = None
    name: str = "Crmoffice"
    stamp_field: str = "updatedAt"

    def kind(self, document_name: str) -> str:
        return document_name.lower()

    def new_fields(self, kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
        return self.factory.crmoffice(kind, **values)

    def create(self, kind: str, fields: Mapping[str, Any]) -> str:
        return str(self.client.create(kind, fields)["id"])

    def create_many(self, kind: str, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        return [self.create(kind, row) for row in rows]  # the API creates one record a call

    def get(self, kind: str, record_id: str) -> dict[str, Any]:
        return self.client.get(kind, int(record_id))

    def update(self, kind: str, record_id: str, values: Mapping[str, Any]) -> None:
        self.client.update(kind, int(record_id), values)

    def update_many(self, kind: str, values: Mapping[str, Mapping[str, Any]]) -> None:
        for record_id, changes in values.items():
            self.update(kind, record_id, changes)

    def delete(self, kind: str, record_id: str) -> None:
        self.client.delete(kind, int(record_id))

    def records_since(self, kinds: Mapping[str, Sequence[str]], since: datetime) -> Records:
        made = self.made() if self.made else None
        records: Records = {}
        for kind in _types_holding_ours(kinds, made):
            # Made since the scenario began: changed since then too, so only those are listed.
            for record in self.client.list_all(kind, updated_since=since):
                key = (kind, int(record["id"]))
                if _made_since(record, since) and (made is None or key in made):
                    records[(kind, str(record["id"]))] = record
        return records


def _types_holding_ours(kinds: Iterable[str], made: set[tuple[str, int]] | None) -> list[str]:
    """Only a type the run made a record of can hold one of its own."""
    if made is None:
        return list(kinds)
    return [kind for kind in kinds if any(k == kind for k, _ in made)]


def _made_since(record: Mapping[str, Any], since: datetime) -> bool:
    created = record.get("createdAt")
    return isinstance(created, str) and datetime.fromisoformat(created) >= since
