"""What the engine needs from each system, whatever transport sits behind it.

    for page in salesforce.query_changed("Contact", ["FirstName", "LastName"], since=mark):
        ...                                  # a page is a list of SystemRecord
    results = salesforce.update_many("Contact", [RecordUpdate("003...", {"Phone": "1"})])

The connectors (salesforce.py: simple-salesforce; crmoffice.py: requests) are the one HTTP
choke point per system: they retry transient faults, log in again once on an expired session,
count their calls, and turn every HTTP failure into an error from harness.errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from simple_salesforce.format import format_soql

Value = str | None
SystemName = Literal["salesforce", "crmoffice"]
SalesforcePath = Literal["rest", "bulk"]  # REST (query pages, sObject Collections) or Bulk API 2.0
# Given how many records a read will return, which API reads them (the engine's rule).
PathChoice = Callable[[int], SalesforcePath]


def rest_only(records: int) -> SalesforcePath:
    """The PathChoice that never leaves REST, whatever the size."""
    return "rest"


@dataclass(frozen=True)
class SyncScope:
    """Which records an onboarded flow takes, as Talk's "Full Sync" toggle decides.

    onboarded_at set is Full Sync off: only records created at or after it are read, so what
    the systems held before onboarding never enters a plan and is never copied. None is Full
    Sync on (every historical record). salesforce_where narrows further, per object, by one
    SOQL condition: a checklist run on a sandbox gives its run tag, so runs side by side never
    see each other's records. Crmoffice has no field to carry a tag; its records enter a plan
    only through a link, and the engine never creates in Salesforce from Crmoffice.
    """

    onboarded_at: datetime | None = None
    salesforce_where: Mapping[str, str] = field(default_factory=dict)

    def salesforce_conditions(self, object_name: str) -> list[str]:
        conditions = []
        if self.onboarded_at is not None:
            conditions.append(format_soql("CreatedDate >= {}", self.onboarded_at))
        if object_name in self.salesforce_where:
            conditions.append(f"({self.salesforce_where[object_name]})")
        return conditions

    def takes_crmoffice(self, created_at: datetime | None) -> bool:
        """Full Sync off: a Crmoffice record made before onboarding is not read into a plan."""
        if self.onboarded_at is None:
            return True
        return created_at is not None and created_at >= self.onboarded_at


class FieldValues(Mapping[str, Value]):
    """A record's mapped values, read-only: the names tuple is shared by a page's records.

    A cycle holds every changed record of both sides; a dict per record costs about twice this.
    """

    __slots__ = ("_names", "_values")

    def __init__(self, names: tuple[str, ...], values: tuple[Value, ...]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, name: str) -> Value:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def get(self, name: str, default: Value = None) -> Value:  # type: ignore[override]
        names = self._names
        return self._values[names.index(name)] if name in names else default

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return repr(dict(zip(self._names, self._values, strict=True)))


@dataclass(frozen=True, slots=True)  # a cycle holds every changed record of both sides
class SystemRecord:
    """One record as a system returned it: id, the mapped property values, its change stamp."""

    object_name: str  # "Contact", "Customer", "Product2" | "contacts", "companies"
    record_id: str  # Salesforce 18-character id | Crmoffice numeric id as a string
    values: Mapping[str, Value]
    modified_at: datetime  # SystemModstamp | updatedAt, timezone-aware UTC
    deleted: bool = False


@dataclass(frozen=True)
class RecordUpdate:
    record_id: str
    values: Mapping[str, Value]


@dataclass(frozen=True)
class WriteResult:
    """Outcome of one record of a write; a rejection is final for this attempt."""

    record_id: str | None
    ok: bool
    error_code: str = ""
    message: str = ""
    fields: tuple[str, ...] = ()
    retriable: bool = False  # e.g. UNABLE_TO_LOCK_ROW inside a Collections result


@dataclass
class CallCounter:
    """API calls one connector made, by kind; a login or describe counts as a read."""

    read: int = 0
    write: int = 0
    by_endpoint: dict[str, int] = field(default_factory=dict)

    def count(self, endpoint: str, kind: Literal["read", "write"]) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self.by_endpoint[endpoint] = self.by_endpoint.get(endpoint, 0) + 1

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "write": self.write}


class SalesforceApi(Protocol):
    calls: CallCounter

    def query_changed(
        self,
        object_name: str,
        fields: Sequence[str],
        since: datetime | None,
        path: PathChoice = rest_only,
    ) -> Iterator[list[SystemRecord]]:
        """Records with SystemModstamp >= since (all when None), deleted ones included; one
        list per API page. The first page is a REST query page (up to 2,000, ordered by
        SystemModstamp, Id); when more follow, path(total) decides how the rest is read: REST
        pages, or one Bulk API 2.0 queryAll job (sets of up to 50,000, unordered). Each record
        comes once either way."""
        ...

    def update_many(self, object_name: str, updates: Sequence[RecordUpdate]) -> list[WriteResult]:
        """sObject Collections PATCH, 200 records a call, allOrNone false; results in order."""
        ...

    def bulk_update_many(
        self, object_name: str, updates: Sequence[RecordUpdate]
    ) -> list[WriteResult]:
        """The same updates as one Bulk API 2.0 update job (a few calls whatever the size);
        results in order, a failed row a failed result. Its upload is never sent twice."""
        ...

    def create_many(
        self, object_name: str, records: Sequence[Mapping[str, Value]]
    ) -> list[WriteResult]:
        """sObject Collections POST, 200 records a call, allOrNone false; results in order,
        each with the new id. Never retried once sent: a second POST would duplicate."""
        ...

    def is_sandbox(self) -> bool: ...


class CrmofficeApi(Protocol):
    calls: CallCounter

    def list_changed(
        self, type_name: str, fields: Sequence[str], since: datetime | None
    ) -> Iterator[list[SystemRecord]]:
        """Records with updatedAt >= since (all when None), deleted ones included,
        ordered by updatedAt, id; one list per API page."""
        ...

    def create(
        self, type_name: str, values: Mapping[str, Value], idempotency_key: str
    ) -> WriteResult:
        """POST with an Idempotency-Key: a replay after a crash returns the same record."""
        ...

    def update(self, type_name: str, update: RecordUpdate) -> WriteResult:
        """PATCH only the given properties."""
        ...
