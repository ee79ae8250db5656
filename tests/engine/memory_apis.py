"""In-memory SalesforceApi / CrmofficeApi over dicts, on a controllable clock.

    sf, crm = MemorySalesforceApi(clock), MemoryCrmofficeApi(clock)
    cid = sf.insert("Contact", {"FirstName": "Ada"}); crm.ui_edit("contacts", 1, {"givenName": "A"})

Small but honest to the Protocols: ordering by (modified_at, id), inclusive `since`, pages,
deleted records listed with deleted=True, idempotency keys (same key + same body replays, a
different body is refused), per-record rejections (FirstName over 40 characters ->
STRING_TOO_LONG), and a CallCounter per API call, Bulk API 2.0 jobs counted as the connector's
are (query: create, two polls, a call per 50,000; update: create, upload, close, two polls,
failedResults when a row failed).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from harness.clock import FakeClock
from harness.connectors.base import (
    CallCounter,
    PathChoice,
    RecordUpdate,
    SystemRecord,
    Value,
    WriteResult,
    rest_only,
)

SF_LIMITS = {"FirstName": 40, "LastName": 80, "Phone": 40, "MobilePhone": 40}
SF_PREFIX = {"Contact": "003", "Product2": "01t", "Customer": "0o6"}
BULK_SET = 50_000  # records per Bulk API 2.0 query result set, as the connector asks
BULK_QUERY_CALLS = ("bulk2.query.create", "bulk2.query.get", "bulk2.query.get")
BULK_UPDATE_CALLS: tuple[tuple[str, Literal["read", "write"]], ...] = (
    ("bulk2.ingest.create", "write"),
    ("bulk2.ingest.upload", "write"),
    ("bulk2.ingest.state", "write"),
    ("bulk2.ingest.get", "read"),
    ("bulk2.ingest.get", "read"),
)


@dataclass
class Row:
    record_id: str
    values: dict[str, Value]
    modified_at: datetime
    deleted: bool = False


@dataclass
class _Table:
    rows: dict[str, Row] = field(default_factory=dict)

    def changed(
        self, object_name: str, fields: Sequence[str], since: datetime | None, page_size: int
    ) -> Iterator[list[SystemRecord]]:
        rows = self.since(since)
        if not rows:
            yield []  # a real API answers an empty page, and that call counts
        for start in range(0, len(rows), page_size):
            yield _records(object_name, fields, rows[start : start + page_size])

    def since(self, since: datetime | None) -> list[Row]:
        return sorted(
            (r for r in self.rows.values() if since is None or r.modified_at >= since),
            key=lambda r: (r.modified_at, r.record_id),
        )


def _records(object_name: str, fields: Sequence[str], rows: Sequence[Row]) -> list[SystemRecord]:
    return [
        SystemRecord(
            object_name, r.record_id, {f: r.values.get(f) for f in fields}, r.modified_at, r.deleted
        )
        for r in rows
    ]


class MemorySalesforceApi:
    page_size = 2000

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls = CallCounter()
        self.tables: dict[str, _Table] = {}
        self._ids = itertools.count(1)

    # --- what a user does in the UI --------------------------------------------------------

    def insert(self, sobject: str, values: Mapping[str, Value], at: datetime | None = None) -> str:
        rid = f"{SF_PREFIX.get(sobject, '001')}{next(self._ids):012d}AAA"
        self._table(sobject).rows[rid] = Row(rid, dict(values), at or self.clock.now())
        return rid

    def ui_edit(
        self, sobject: str, rid: str, values: Mapping[str, Value], at: datetime | None = None
    ) -> None:
        row = self._table(sobject).rows[rid]
        row.values.update(values)
        row.modified_at = at or self.clock.now()

    def ui_delete(self, sobject: str, rid: str) -> None:
        row = self._table(sobject).rows[rid]
        row.deleted, row.modified_at = True, self.clock.now()

    def get(self, sobject: str, rid: str) -> Row:
        return self._table(sobject).rows[rid]

    def records(self, sobject: str) -> list[Row]:
        return [r for r in self._table(sobject).rows.values() if not r.deleted]

    # --- SalesforceApi ----------------------------------------------------------------------

    def query_changed(
        self,
        object_name: str,
        fields: Sequence[str],
        since: datetime | None,
        path: PathChoice = rest_only,
    ) -> Iterator[list[SystemRecord]]:
        rows = self._table(object_name).since(since)
        self.calls.count("query", "read")
        yield _records(object_name, fields, rows[: self.page_size])
        rest = rows[self.page_size :]
        if rest and path(len(rows)) == "bulk":
            for name in BULK_QUERY_CALLS:
                self.calls.count(name, "read")
            for start in range(0, len(rest), BULK_SET):
                self.calls.count("bulk2.query.results", "read")
                yield _records(object_name, fields, rest[start : start + BULK_SET])
            return
        for start in range(0, len(rest), self.page_size):
            self.calls.count("query.more", "read")
            yield _records(object_name, fields, rest[start : start + self.page_size])

    def update_many(self, object_name: str, updates: Sequence[RecordUpdate]) -> list[WriteResult]:
        results: list[WriteResult] = []
        for start in range(0, len(updates), 200):
            self.calls.count("composite.sobjects.patch", "write")
            results.extend(self._update(object_name, u) for u in updates[start : start + 200])
        return results

    def bulk_update_many(
        self, object_name: str, updates: Sequence[RecordUpdate]
    ) -> list[WriteResult]:
        if not updates:
            return []
        for name, kind in BULK_UPDATE_CALLS:
            self.calls.count(name, kind)
        results = [self._update(object_name, u) for u in updates]
        if not all(r.ok for r in results):
            self.calls.count("bulk2.ingest.failedResults", "read")
        return results

    def create_many(
        self, object_name: str, records: Sequence[Mapping[str, Value]]
    ) -> list[WriteResult]:
        for _ in range(0, len(records), 200):
            self.calls.count("composite.sobjects.post", "write")
        return [WriteResult(self.insert(object_name, values), True) for values in records]

    def is_sandbox(self) -> bool:
        return True

    def _update(self, object_name: str, update: RecordUpdate) -> WriteResult:
        row = self._table(object_name).rows.get(update.record_id)
        if row is None or row.deleted:
            return WriteResult(update.record_id, False, "ENTITY_IS_DELETED", "entity is deleted")
        for name, value in update.values.items():
            limit = SF_LIMITS.get(name)
            if limit is not None and value is not None and len(value) > limit:
                return WriteResult(
                    update.record_id,
                    False,
                    "STRING_TOO_LONG",
                    f"{name}: data value too large: {value} (max length={limit})",
                    (name,),
                )
        row.values.update(update.values)
        row.modified_at = self.clock.now()
        return WriteResult(update.record_id, True)

    def _table(self, name: str) -> _Table:
        return self.tables.setdefault(name, _Table())


class MemoryCrmofficeApi:
    page_size = 100
    max_length = 100

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls = CallCounter()
        self.tables: dict[str, _Table] = {}
        self.idempotency: dict[tuple[str, str], tuple[dict[str, Value], str]] = {}
        self._ids = itertools.count(1)

    def insert(
        self, type_name: str, values: Mapping[str, Value], at: datetime | None = None
    ) -> int:
        rid = next(self._ids)
        self._table(type_name).rows[str(rid)] = Row(str(rid), dict(values), at or self.clock.now())
        return rid

    def ui_edit(
        self,
        type_name: str,
        rid: int | str,
        values: Mapping[str, Value],
        at: datetime | None = None,
    ) -> None:
        row = self._table(type_name).rows[str(rid)]
        row.values.update(values)
        row.modified_at = at or self.clock.now()

    def ui_delete(self, type_name: str, rid: int | str) -> None:
        row = self._table(type_name).rows[str(rid)]
        row.deleted, row.modified_at = True, self.clock.now()

    def get(self, type_name: str, rid: int | str) -> Row:
        return self._table(type_name).rows[str(rid)]

    def records(self, type_name: str) -> list[Row]:
        return [r for r in self._table(type_name).rows.values() if not r.deleted]

    # --- CrmofficeApi -----------------------------------------------------------------------

    def list_changed(
        self, type_name: str, fields: Sequence[str], since: datetime | None
    ) -> Iterator[list[SystemRecord]]:
        for page in self._table(type_name).changed(type_name, fields, since, self.page_size):
            self.calls.count(f"{type_name}.list", "read")
            yield page

    def create(
        self, type_name: str, values: Mapping[str, Value], idempotency_key: str
    ) -> WriteResult:
        self.calls.count(f"{type_name}.create", "write")
        rejected = self._rejected(None, values)
        if rejected is not None:
            return rejected
        seen = self.idempotency.get((type_name, idempotency_key))
        if seen is not None:
            if seen[0] != dict(values):
                # As CrmofficeConnector does: a rejected write is a result, never an exception.
                return WriteResult(None, False, "idempotency-conflict", "idempotency key reused")
            return WriteResult(seen[1], True)
        rid = str(self.insert(type_name, values))
        self.idempotency[(type_name, idempotency_key)] = (dict(values), rid)
        return WriteResult(rid, True)

    def update(self, type_name: str, update: RecordUpdate) -> WriteResult:
        self.calls.count(f"{type_name}.patch", "write")
        row = self._table(type_name).rows.get(update.record_id)
        if row is None or row.deleted:
            return WriteResult(update.record_id, False, "notFound", "no such record")
        rejected = self._rejected(update.record_id, update.values)
        if rejected is not None:
            return rejected
        row.values.update(update.values)
        row.modified_at = self.clock.now()
        return WriteResult(update.record_id, True)

    def _rejected(self, record_id: str | None, values: Mapping[str, Value]) -> WriteResult | None:
        for name, value in values.items():
            if value is not None and len(value) > self.max_length:
                return WriteResult(record_id, False, "maxLength", f"{name} too long", (name,))
        return None

    def _table(self, name: str) -> _Table:
        return self.tables.setdefault(name, _Table())
