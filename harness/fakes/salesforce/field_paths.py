"""Field names in a SOQL query, bound to describe metadata: LastName, or Account.Name through a
lookup's relationship name, and read from the store for SELECT, WHERE and ORDER BY alike.

    path = resolve(catalog, contact, Ident("Owner.Name", 7))   # Contact.OwnerId -> User.Name
    path.read(store, record)      # the owner's Name; None when the record has no parent

"Relationship Queries" (SOQL and SOSL Reference,
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm):
a child-to-parent field is the lookup's relationshipName, a dot, a field of the parent, usable in
SELECT, WHERE and ORDER BY. One level deep, as the fake's objects need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from harness.fakes.salesforce import ids
from harness.fakes.salesforce.metadata import Catalog, FieldMeta, SObjectMeta
from harness.fakes.salesforce.soql import Ident, SoqlError
from harness.fakes.salesforce.store import Record, RecordStore

# A lookup to more than one object (Lead.OwnerId: Group or User) reaches its parent through the
# Name object ("Understanding Relationship Fields and Polymorphic Fields", SOQL and SOSL
# Reference): only Name's fields ("Name", Object Reference,
# https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_name.htm),
# and attributes.type "Name" in answers (as real responses quoted in public code show).
POLYMORPHIC_TYPE = "Name"
NAME_FIELDS = frozenset(
    {
        "Alias",
        "Email",
        "FirstName",
        "Id",
        "IsActive",
        "LastName",
        "LastReferencedDate",
        "LastViewedDate",
        "Name",
        "NameOrAlias",
        "Phone",
        "ProfileId",
        "RecordTypeId",
        "Title",
        "Type",
        "UserRoleId",
        "Username",
    }
)


class ParentValue(NamedTuple):
    """A selected parent field as stored in a query snapshot (a tuple: small per row)."""

    type: str  # attributes.type: the parent's object, or "Name" through a polymorphic lookup
    sobject: str  # the parent's object, for attributes.url
    id: str
    value: Any


@dataclass(frozen=True)
class FieldPath:
    target: FieldMeta  # the field whose value is compared, sorted or shown
    lookup: FieldMeta | None = None  # AccountId, for Account.Name

    @property
    def name(self) -> str:
        """The API spelling: `LastName`, or `Account.Name` whatever case the query used."""
        if self.lookup is None:
            return self.target.name
        return f"{self.lookup.relationship_name}.{self.target.name}"

    def read(self, store: RecordStore, record: Record) -> Any:
        """The value to compare or sort: a missing parent reads as null."""
        if self.lookup is None:
            return record.values.get(self.target.name)
        parent = _parent(store, record, self.lookup)
        return None if parent is None else parent.values.get(self.target.name)

    def column(self, store: RecordStore, record: Record) -> Any:
        """The value to show: a parent field as a ParentValue, or None without a parent."""
        if self.lookup is None:
            return record.values.get(self.target.name)
        parent = _parent(store, record, self.lookup)
        if parent is None:
            return None
        shown = POLYMORPHIC_TYPE if _polymorphic(self.lookup) else parent.sobject
        return ParentValue(shown, parent.sobject, parent.id, parent.values.get(self.target.name))


def resolve(catalog: Catalog, meta: SObjectMeta, ident: Ident) -> FieldPath:
    if "." not in ident.name:
        return FieldPath(field_of(meta, ident))
    relation, _, field_name = ident.name.partition(".")
    lookup = next(
        (f for f in meta.fields if (f.relationship_name or "").lower() == relation.lower()), None
    )
    parent = _parent_meta(catalog, lookup) if lookup else None
    if lookup is None or parent is None or "." in field_name:
        raise unknown_relationship(relation, ident.position)
    target = field_of(parent, Ident(field_name, ident.position))
    if _polymorphic(lookup) and target.name not in NAME_FIELDS:
        raise no_such_column(field_name, POLYMORPHIC_TYPE, ident.position)
    return FieldPath(target, lookup)


def field_of(meta: SObjectMeta, ident: Ident) -> FieldMeta:
    field_meta = meta.field(ident.name)
    if field_meta is None:
        raise no_such_column(ident.name, meta.name, ident.position)
    return field_meta


def no_such_column(name: str, entity: str, position: int) -> SoqlError:
    return SoqlError(
        "INVALID_FIELD",
        f"No such column '{name}' on entity '{entity}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your "
        "WSDL or the describe call for the appropriate names.",
        position,
    )


def unknown_relationship(relation: str, position: int) -> SoqlError:
    return SoqlError(
        "INVALID_FIELD",
        f"Didn't understand relationship '{relation}' in field path. If you are attempting to "
        "use a custom relationship, be sure to append the '__r' after the custom relationship "
        "name. Please reference your WSDL or the describe call for the appropriate names.",
        position,
    )


def _parent(store: RecordStore, record: Record, lookup: FieldMeta) -> Record | None:
    parent_id = record.values.get(lookup.name)
    if not ids.is_id(parent_id):
        return None
    parent = store.find(ids.to18(str(parent_id)))
    return None if parent is None or parent.is_deleted else parent


def _parent_meta(catalog: Catalog, lookup: FieldMeta) -> SObjectMeta | None:
    """The first object the lookup points at that the fake has metadata for (User, for an
    OwnerId that may also point at a Group the fake does not model)."""
    return next((m for m in map(catalog.get, lookup.reference_to) if m is not None), None)


def _polymorphic(lookup: FieldMeta) -> bool:
    return len(lookup.reference_to) > 1
