"""What each system knows of its fields, whichever side of a flow it is on.

    catalog = Contracts().catalog("Salesforce", "x.rst", 12)  # SalesforceCatalog(describe_dir)
    facts = catalog.fields("x.rst", 12, "Contact")["FirstName"]  # FieldFacts("string", ...)

Salesforce fields come from describe metadata (<dir>/<Object>.json, the sObject describe shape);
Crmoffice properties from the project's OpenAPI contract, where a type names its schema in the
plural ("Contacts" -> Contact). A document may name either system as its source: the checks ask
the catalog of each flow's source and of its target, never a system by position.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from harness import resources
from harness.dataflow.located import known_list, located_error
from harness.errors import BadSpecError


@dataclass(frozen=True)
class FieldFacts:
    """One field as its system's contract gives it."""

    type: str  # describe type ("phone") or OpenAPI type ("string")
    data_types: tuple[str, ...]  # what a document's data type column may call it
    length: int | None
    required: bool  # refused empty on create


class Catalog(Protocol):
    @property
    def system(self) -> str: ...

    @property
    def field_word(self) -> str:
        """ "field" (Salesforce) or "property" (Crmoffice), as messages name them."""
        ...

    def fields(self, doc_path: str, line: int, kind: str) -> dict[str, FieldFacts]:
        """The fields of an object or type; a located error when the system has no such kind."""
        ...

    def where(self, kind: str) -> str:
        """The file the kind's fields come from, for messages."""
        ...


@dataclass(frozen=True)
class SalesforceCatalog:
    describe_dir: Path
    system: str = "Salesforce"
    field_word: str = "field"

    def where(self, kind: str) -> str:
        return resources.shown(self.describe_dir / f"{kind}.json")

    def fields(self, doc_path: str, line: int, kind: str) -> dict[str, FieldFacts]:
        path = self.describe_dir / f"{kind}.json"
        if not path.is_file():
            known = [item.stem for item in self.describe_dir.glob("*.json")]
            raise located_error(
                doc_path,
                line,
                f"{self.system} object {kind!r} has no describe metadata "
                f"({path} not found); known: {known_list(known)}",
            )
        return {str(f["name"]): _describe_facts(f) for f in _describe_fields(path)}


def _describe_fields(path: Path) -> list[dict[str, Any]]:
    fields = load(path, json.loads).get("fields")
    rows = [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    if not rows or not all(isinstance(f.get("name"), str) for f in rows):
        raise BadSpecError(
            f"{path}: found no field names; expected describe metadata "
            '{"name": ..., "fields": [{"name": ..., "type": ...}, ...]}'
        )
    return rows


def _describe_facts(field: dict[str, Any]) -> FieldFacts:
    kind = str(field.get("type", "string"))
    soap = str(field.get("soapType", "")).removeprefix("xsd:")
    return FieldFacts(
        type=kind,
        data_types=tuple(dict.fromkeys(t for t in (kind, soap) if t)),
        length=int(field["length"]) if field.get("length") else None,
        # A non-nillable field Salesforce does not default on create must always hold a value.
        required=not field.get("nillable", True) and not field.get("defaultedOnCreate", False),
    )


@dataclass(frozen=True)
class CrmofficeCatalog:
    contract: Path
    system: str = "Crmoffice"
    field_word: str = "property"

    def where(self, kind: str) -> str:
        return resources.shown(self.contract)

    def fields(self, doc_path: str, line: int, kind: str) -> dict[str, FieldFacts]:
        """The writable properties of the type's schema (read-only ones cannot be synced to)."""
        schemas = openapi_schemas(self.contract)
        schema_name = singular(kind)
        if not isinstance(schemas.get(schema_name), dict):
            raise located_error(
                doc_path,
                line,
                f"{self.system} type {kind!r} has no schema {schema_name!r} in "
                f"{self.contract}; known types: {known_list(_entity_types(schemas))}",
            )
        properties = schemas[schema_name].get("properties", {})
        return {
            name: _openapi_facts(definition)
            for name, definition in properties.items()
            if isinstance(definition, dict) and not definition.get("readOnly", False)
        }


def _openapi_facts(definition: dict[str, Any]) -> FieldFacts:
    declared = definition.get("type")
    types = [declared] if isinstance(declared, str) else list(declared or [])
    types = [str(t) for t in types if t != "null"]
    return FieldFacts(
        type=types[0] if types else "string",
        data_types=tuple(types),
        length=int(definition["maxLength"]) if definition.get("maxLength") else None,
        required=False,  # the contract's inputs take every property as optional
    )


def _entity_types(schemas: dict[str, Any]) -> list[str]:
    """Schemas that are records (they have an id) in their plural, type-name form."""
    return [
        plural(name)
        for name, schema in schemas.items()
        if isinstance(schema, dict) and "id" in schema.get("properties", {})
    ]


def singular(type_name: str) -> str:
    """Companies -> Company, Contacts -> Contact."""
    if type_name.endswith("ies"):
        return type_name[:-3] + "y"
    return type_name[:-1] if type_name.endswith("s") else type_name


def plural(schema_name: str) -> str:
    if schema_name.endswith("y"):
        return schema_name[:-1] + "ies"
    return schema_name + "s"


def openapi_schemas(contract: Path) -> dict[str, Any]:
    document = load(contract, yaml.safe_load)
    schemas = document.get("components", {}).get("schemas", {})
    if not isinstance(schemas, dict):
        raise BadSpecError(f"{contract}: found no components.schemas; expected an OpenAPI 3 file")
    return schemas


def load(path: Path, parse: Any) -> dict[str, Any]:
    try:
        loaded = parse(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BadSpecError(f"{path}: cannot read it ({error.strerror})") from None
    except (ValueError, yaml.YAMLError) as error:
        raise BadSpecError(f"{path}: not valid {path.suffix.lstrip('.')}: {error}") from None
    if not isinstance(loaded, dict):
        raise BadSpecError(f"{path}: found {type(loaded).__name__}; expected a mapping")
    return loaded
