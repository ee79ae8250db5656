"""Records of one Crmoffice resource, with soft deletes and keyset paging.

    table = Table("contacts", writable_fields("contacts"), first_id=100_001)
    record = table.insert({"givenName": "Ada"}, at=clock.now()); table.page(PageQuery())

Pure state, no HTTP: the handlers and the "person in the UI" methods of FakeCrmoffice both use
it, so an edit in the UI and one through the API leave exactly the same trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from harness.fakes.crmoffice.contract import FieldSpec, Value
from harness.fakes.crmoffice.timestamps import stamp, to_millis

SortKey = tuple[datetime, int]


@dataclass
class Record:
    id: int
    values: dict[str, Value]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def sort_key(self) -> SortKey:
        return (self.updated_at, self.id)


@dataclass(frozen=True)
class PageQuery:
    updated_since: datetime | None = None
    after: SortKey | None = None  # from the cursor: the last (updatedAt, id) already returned
    limit: int = 100
    include_deleted: bool = False


@dataclass
class Table:
    type_name: str
    fields: tuple[FieldSpec, ...]
    first_id: int
    _records: dict[int, Record] = field(default_factory=dict)

    def insert(self, values: Mapping[str, Value], *, at: datetime) -> Record:
        stamped = to_millis(at)
        record_id = self.first_id + len(self._records)  # deleted rows keep their ids
        record = Record(record_id, self._full(values), stamped, stamped)
        self._records[record_id] = record
        return record

    def live(self, record_id: int) -> Record | None:
        record = self._records.get(record_id)
        return record if record is not None and record.deleted_at is None else None

    def any(self, record_id: int) -> Record | None:
        return self._records.get(record_id)

    def update(self, record: Record, values: Mapping[str, Value], *, at: datetime) -> bool:
        """Apply a partial update; updatedAt moves only when a value really changed."""
        changed = {k: v for k, v in values.items() if record.values.get(k) != v}
        if changed:
            record.values.update(changed)
            record.updated_at = to_millis(at)
        return bool(changed)

    def delete(self, record: Record, *, at: datetime) -> None:
        # A delete is a change a collector must see with includeDeleted, so it moves updatedAt.
        record.deleted_at = record.updated_at = to_millis(at)

    def all(self, *, include_deleted: bool) -> list[Record]:
        return [r for r in self._records.values() if include_deleted or r.deleted_at is None]

    def page(self, query: PageQuery) -> tuple[list[Record], bool]:
        """One page in (updatedAt, id) order and whether more rows follow it."""
        rows = sorted(
            (r for r in self.all(include_deleted=query.include_deleted) if _wanted(r, query)),
            key=lambda r: r.sort_key,
        )
        return rows[: query.limit], len(rows) > query.limit

    def render(self, record: Record) -> dict[str, Any]:
        body: dict[str, Any] = {"id": record.id}
        body.update({spec.name: record.values.get(spec.name) for spec in self.fields})
        body["createdAt"] = stamp(record.created_at)
        body["updatedAt"] = stamp(record.updated_at)
        body["deletedAt"] = stamp(record.deleted_at) if record.deleted_at else None
        return body

    def _full(self, values: Mapping[str, Value]) -> dict[str, Value]:
        return {spec.name: values.get(spec.name) for spec in self.fields}


def _wanted(record: Record, query: PageQuery) -> bool:
    if query.updated_since is not None and record.updated_at < query.updated_since:
        return False
    return query.after is None or record.sort_key > query.after
