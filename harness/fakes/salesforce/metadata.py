"""Describe metadata from fixtures/salesforce/describe/*.json: the fake's schema.

    catalog = Catalog.load()                 # Contact, Customer, Individual, Product2, ...
    catalog.get("contact").field("firstname").length == 40   # names are case-insensitive

The same files answer GET .../sobjects/X/describe, so validation and describe never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import resources

DESCRIBE_DIR = resources.DESCRIBE_DIR
STRING_TYPES = frozenset({"string", "textarea", "email", "phone", "picklist", "url"})


@dataclass(frozen=True)
class FieldMeta:
    name: str
    label: str
    type: str
    length: int
    nillable: bool
    createable: bool
    updateable: bool
    defaulted_on_create: bool
    reference_to: tuple[str, ...]
    default_value: Any
    picklist_values: tuple[str, ...]
    restricted_picklist: bool
    # An external ID or an idLookup field (Id, Email, Name ...) can key an upsert.
    upsert_key: bool = False
    relationship_name: str | None = None  # "Account" for AccountId: SELECT Account.Name

    @classmethod
    def from_describe(cls, raw: dict[str, Any]) -> FieldMeta:
        return cls(
            name=raw["name"],
            label=raw["label"],
            type=raw["type"],
            length=int(raw.get("length") or 0),
            nillable=bool(raw["nillable"]),
            createable=bool(raw["createable"]),
            updateable=bool(raw["updateable"]),
            defaulted_on_create=bool(raw["defaultedOnCreate"]),
            reference_to=tuple(raw.get("referenceTo") or ()),
            default_value=raw.get("defaultValue"),
            picklist_values=tuple(p["value"] for p in raw.get("picklistValues") or ()),
            restricted_picklist=bool(raw.get("restrictedPicklist")),
            upsert_key=bool(raw.get("externalId") or raw.get("idLookup")),
            relationship_name=raw.get("relationshipName"),
        )

    @property
    def required_on_create(self) -> bool:
        # Salesforce's own rule (object reference, "access for fields").
        return self.createable and not self.nillable and not self.defaulted_on_create

    @property
    def is_string(self) -> bool:
        return self.type in STRING_TYPES


@dataclass(frozen=True)
class SObjectMeta:
    name: str
    key_prefix: str
    describe: dict[str, Any]
    fields: tuple[FieldMeta, ...]

    def field(self, name: str) -> FieldMeta | None:
        lowered = name.lower()
        return next((f for f in self.fields if f.name.lower() == lowered), None)

    @property
    def createable(self) -> bool:
        return bool(self.describe.get("createable"))

    def described(self, instance_url: str) -> dict[str, Any]:
        """GET .../sobjects/X/describe: the fixture's describe, its urls as Salesforce lists them.

        "Step 3: Walk Through the Sample Code" (REST API Developer Guide, quickstart_code.htm)
        shows Account's: uiEditTemplate, sobject, uiDetailTemplate, describe, rowTemplate and
        uiNewRecord; the ui* ones are pages on the org's own host: {host}/{ID}/e, {host}/{ID}
        and {host}/001/e, with the object's key prefix."""
        rest = self.describe.get("urls") or {}
        urls = {
            "uiEditTemplate": f"{instance_url}/{{ID}}/e",
            "sobject": rest.get("sobject", f"/services/data/v59.0/sobjects/{self.name}"),
            "uiDetailTemplate": f"{instance_url}/{{ID}}",
            **{k: v for k, v in rest.items() if k != "sobject"},
            "uiNewRecord": f"{instance_url}/{self.key_prefix}/e",
        }
        return {**self.describe, "urls": urls}

    def summary(self) -> dict[str, Any]:
        """The entry GET .../sobjects/ lists for this object: describe without fields."""
        skip = {"fields", "childRelationships", "recordTypeInfos"}
        return {k: v for k, v in self.describe.items() if k not in skip}


class Catalog:
    """Every sObject the fake knows, looked up case-insensitively by name or key prefix."""

    def __init__(self, objects: list[SObjectMeta]) -> None:
        self._by_name = {o.name.lower(): o for o in objects}

    @classmethod
    def load(cls, directory: Path = DESCRIBE_DIR) -> Catalog:
        files = sorted(directory.glob("*.json"))
        if not files:
            raise FileNotFoundError(f"no describe metadata in {directory}")
        return cls([_sobject(json.loads(p.read_text(encoding="utf-8"))) for p in files])

    def get(self, name: str) -> SObjectMeta | None:
        return self._by_name.get(name.lower())

    def by_prefix(self, prefix: str) -> SObjectMeta | None:
        return next((o for o in self._by_name.values() if o.key_prefix == prefix), None)

    def all(self) -> list[SObjectMeta]:
        return sorted(self._by_name.values(), key=lambda o: o.name)


def _sobject(raw: dict[str, Any]) -> SObjectMeta:
    fields = tuple(FieldMeta.from_describe(f) for f in raw["fields"])
    return SObjectMeta(raw["name"], raw["keyPrefix"], raw, fields)
