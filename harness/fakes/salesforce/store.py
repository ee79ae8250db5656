"""The records of one fake org, by sObject, with system fields kept the way Salesforce keeps them.

    record_id = store.create(catalog.get("Contact"), {"LastName": "Nordmann"}, at=clock.now())
    store.fetch(meta, record_id).values["SystemModstamp"]   # datetime, milliseconds

Deletes are soft (IsDeleted, recycle bin); a Journal undoes writes for allOrNone rollbacks.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from harness.fakes.row import Layout, Row, layout_of
from harness.fakes.salesforce import ids
from harness.fakes.salesforce.errors import ApiError, not_found
from harness.fakes.salesforce.metadata import Catalog, SObjectMeta
from harness.fakes.salesforce.values import render_value, to_millis

AUDIT_USER_FIELDS = ("OwnerId", "CreatedById", "LastModifiedById")


@dataclass(slots=True)  # one per stored record: no per-instance __dict__
class Record:
    sobject: str
    values: MutableMapping[str, Any]  # a Row in the store
    deleted_at: datetime | None = None

    @property
    def id(self) -> str:
        return str(self.values["Id"])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def copy(self) -> Record:
        values = self.values.copy() if isinstance(self.values, Row) else dict(self.values)
        return Record(self.sobject, values, self.deleted_at)


@dataclass
class Journal:
    """Previous versions of every record a transaction touched (None: it did not exist)."""

    before: dict[str, Record | None] = field(default_factory=dict)


class RecordStore:
    def __init__(self, catalog: Catalog, id_factory: ids.IdFactory, user_id: str) -> None:
        self.catalog = catalog
        self._ids = id_factory
        self._user_id = user_id
        self._records: dict[str, Record] = {}  # insertion order is query order without ORDER BY
        self._journal: Journal | None = None
        self._layouts: dict[str, Layout] = {}

    # --- what validation asks -------------------------------------------------------------

    def locate(self, record_id: str) -> tuple[str, bool] | None:
        record = self._records.get(record_id)
        return None if record is None else (record.sobject, record.is_deleted)

    def key_prefix_of(self, sobject: str) -> str | None:
        meta = self.catalog.get(sobject)
        return None if meta is None else meta.key_prefix

    # --- reads ----------------------------------------------------------------------------

    def rows(self, sobject: str, *, include_deleted: bool = False) -> list[Record]:
        return [
            r
            for r in self._records.values()
            if r.sobject == sobject and (include_deleted or not r.is_deleted)
        ]

    def fetch(self, meta: SObjectMeta, raw_id: str, *, allow_deleted: bool = False) -> Record:
        """The record behind a URL id, or the ApiError Salesforce answers with."""
        if not ids.is_id(raw_id):
            # Salesforce reads a non-id path segment as an external id lookup.
            raise ApiError(
                404,
                "NOT_FOUND",
                f"Provided external ID field does not exist or is not accessible: {raw_id}",
            )
        if raw_id[:3] != meta.key_prefix:
            raise ApiError(
                400, "MALFORMED_ID", f"{meta.name} ID: id value of incorrect type: {raw_id}", ["Id"]
            )
        record = self._records.get(ids.to18(raw_id))
        if record is None or record.sobject != meta.name:
            raise not_found()
        if record.is_deleted and not allow_deleted:
            raise ApiError(404, "ENTITY_IS_DELETED", "entity is deleted", [])
        return record

    def find(self, record_id: str) -> Record | None:
        return self._records.get(record_id)

    def find_by(self, sobject: str, field: str, value: str) -> list[Record]:
        """Live records whose field equals value, ignoring case: the matches of an upsert key."""
        wanted = value.casefold()
        return [
            r for r in self.rows(sobject) if str(r.values.get(field) or "").casefold() == wanted
        ]

    # --- writes ---------------------------------------------------------------------------

    def create(self, meta: SObjectMeta, values: dict[str, Any], *, at: datetime) -> str:
        record_id = self._ids.new(meta.key_prefix)
        row: dict[str, Any] = {f.name: _default(f.default_value, f.type) for f in meta.fields}
        row.update({name: self._user_id for name in AUDIT_USER_FIELDS if name in row})
        row.update(values)
        row["Id"] = record_id
        row.update(_stamps(row, to_millis(at), created=True))
        _derive_name(meta, row)
        self._remember(record_id)
        self._records[record_id] = Record(meta.name, Row.of(self._layout(meta), row))
        return record_id

    def put(self, meta: SObjectMeta, values: dict[str, Any]) -> str:
        """A record exactly as given (the Organization row): no validation, no stamps."""
        row = {f.name: None for f in meta.fields} | values
        self._records[str(row["Id"])] = Record(meta.name, Row.of(self._layout(meta), row))
        return str(row["Id"])

    def update(
        self, meta: SObjectMeta, record: Record, values: dict[str, Any], *, at: datetime
    ) -> None:
        self._remember(record.id)
        record.values.update(values)
        record.values.update(_stamps(record.values, to_millis(at), created=False))
        _derive_name(meta, record.values)

    def delete(self, record: Record, *, at: datetime) -> None:
        self._remember(record.id)
        moment = to_millis(at)
        record.deleted_at = moment
        if "IsDeleted" in record.values:
            record.values["IsDeleted"] = True
        record.values.update(_stamps(record.values, moment, created=False))

    def purge(self, record: Record) -> None:
        """A hard delete: gone at once, not in the recycle bin, so queryAll no longer sees it."""
        self._remember(record.id)
        self._records.pop(record.id, None)

    def _layout(self, meta: SObjectMeta) -> Layout:
        layout = self._layouts.get(meta.name)
        if layout is None:
            layout = self._layouts[meta.name] = layout_of(f.name for f in meta.fields)
        return layout

    # --- allOrNone ------------------------------------------------------------------------

    def begin(self) -> Journal:
        self._journal = Journal()
        return self._journal

    def end(self, journal: Journal, *, commit: bool) -> None:
        self._journal = None
        if commit:
            return
        for record_id, before in journal.before.items():
            if before is None:
                self._records.pop(record_id, None)
            else:
                self._records[record_id] = before

    def _remember(self, record_id: str) -> None:
        if self._journal is not None and record_id not in self._journal.before:
            current = self._records.get(record_id)
            self._journal.before[record_id] = None if current is None else current.copy()


def render(record: Record, version: str, fields: list[str] | None = None) -> dict[str, Any]:
    """A record as the REST API returns it: attributes first, then the fields asked for."""
    names = fields if fields is not None else list(record.values)
    body: dict[str, Any] = {"attributes": attributes(record, version)}
    body.update({name: render_value(record.values.get(name)) for name in names})
    return body


def attributes(record: Record, version: str) -> dict[str, str]:
    return {
        "type": record.sobject,
        "url": f"/services/data/v{version}/sobjects/{record.sobject}/{record.id}",
    }


def _default(value: Any, kind: str) -> Any:
    if kind == "boolean":
        return bool(value) if value is not None else False
    return value


def _stamps(row: Mapping[str, Any], moment: datetime, *, created: bool) -> dict[str, Any]:
    stamps = {"LastModifiedDate": moment, "SystemModstamp": moment}
    if created:
        stamps["CreatedDate"] = moment
    return {k: v for k, v in stamps.items() if k in row}


def _derive_name(meta: SObjectMeta, row: MutableMapping[str, Any]) -> None:
    """Contact and Individual: Name is the read-only compound of FirstName and LastName."""
    name_field = meta.field("Name")
    if name_field is None or name_field.createable or meta.field("LastName") is None:
        return
    row["Name"] = " ".join(p for p in (row.get("FirstName"), row.get("LastName")) if p) or None
