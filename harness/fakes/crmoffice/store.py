"""Records of one Crmoffice resource, with soft deletes and keyset paging.

    table = Table("contacts", writable_fields("contacts"), first_id=100_001)
    record = table.insert({"givenName": "Ada"}, at=clock.now()); table.page(PageQuery())

Pure state, no HTTP: the handlers and the "person in the UI" methods of FakeCrmoffice both use
it, so an edit in the UI and one through the API leave exactly the same trace.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from harness.fakes.crmoffice.contract import FieldSpec, Value
from harness.fakes.crmoffice.timestamps import stamp, to_millis
from harness.fakes.row import Layout, Row, layout_of

SortKey = tuple[datetime, int]


@dataclass(slots=True)  # one per stored record: no per-instance __dict__
class Record:
    id: int
    values: MutableMapping[str, Value]  # a Row in the table's field order
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
    # Rows in (updatedAt, id) order, bisected by key for a page's start. Kept across reads so
    # paging a large table costs one sort, not one sort per page; a write that may move a row
    # drops it (None), an insert in key order extends it.
    _order: list[Record] | None = None
    _layout: Layout = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._layout = layout_of(spec.name for spec in self.fields)
        self._no_values: tuple[Value, ...] = (None,) * len(self.fields)

    def insert(self, values: Mapping[str, Value], *, at: datetime) -> Record:
        stamped = to_millis(at)
        record_id = self.first_id + len(self._records)  # deleted rows keep their ids
        record = Record(record_id, self._full(values), stamped, stamped)
        self._records[record_id] = record
        if self._order is not None and (
            not self._order or record.sort_key > self._order[-1].sort_key
        ):
            self._order.append(record)
        else:
            self._order = None
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
            self._order = None
        return bool(changed)

    def delete(self, record: Record, *, at: datetime) -> None:
        # A delete is a change a collector must see with includeDeleted, so it moves updatedAt.
        record.deleted_at = record.updated_at = to_millis(at)
        self._order = None

    def all(self, *, include_deleted: bool) -> list[Record]:
        return [r for r in self._records.values() if include_deleted or r.deleted_at is None]

    def page(self, query: PageQuery) -> tuple[list[Record], bool]:
        """One page in (updatedAt, id) order and whether more rows follow it."""
        order = self._sorted()
        rows: list[Record] = []
        for index in range(self._first_wanted(query), len(order)):
            record = order[index]
            if query.include_deleted or record.deleted_at is None:
                rows.append(record)
                if len(rows) > query.limit:
                    break
        return rows[: query.limit], len(rows) > query.limit

    def _sorted(self) -> list[Record]:
        if self._order is None:
            self._order = sorted(self._records.values(), key=_sort_key)
        return self._order

    def _first_wanted(self, query: PageQuery) -> int:
        """Index of the first row with updatedAt >= updated_since and key > after."""
        start = 0
        if query.updated_since is not None:
            since = (query.updated_since, -1)  # ids are positive
            start = bisect_left(self._sorted(), since, key=_sort_key)
        if query.after is not None:
            start = max(start, bisect_right(self._sorted(), query.after, key=_sort_key))
        return start

    def render(self, record: Record) -> dict[str, Any]:
        body: dict[str, Any] = {"id": record.id}
        body.update({spec.name: record.values.get(spec.name) for spec in self.fields})
        body["createdAt"] = stamp(record.created_at)
        body["updatedAt"] = stamp(record.updated_at)
        body["deletedAt"] = stamp(record.deleted_at) if record.deleted_at else None
        return body

    def first_values(self, record: Record) -> tuple[Value, ...]:
        """The values render_first needs to answer as render did right after the insert."""
        values = tuple(record.values.get(spec.name) for spec in self.fields)
        # Records created without values (most companies) share one tuple.
        return self._no_values if values == self._no_values else values

    def render_first(
        self, record_id: int, values: tuple[Value, ...], at: datetime
    ) -> dict[str, Any]:
        """The body render gave for a record inserted at `at` with these values, before any
        update or delete: createdAt and updatedAt both the insert's time."""
        created = stamp(to_millis(at))
        body: dict[str, Any] = {"id": record_id}
        body.update(zip((spec.name for spec in self.fields), values, strict=True))
        body.update({"createdAt": created, "updatedAt": created, "deletedAt": None})
        return body

    def _full(self, values: Mapping[str, Value]) -> Row:
        return Row(self._layout, [values.get(spec.name) for spec in self.fields])


def _sort_key(record: Record) -> SortKey:
    return record.sort_key
