"""Check a spec's property names against what the two systems really have.

    check_contracts(spec, "x.rst", Contracts(DESCRIBE_DIR, CRMOFFICE_CONTRACT))  # or BadSpecError

Salesforce fields come from describe metadata (<dir>/<Object>.json, the sObject describe shape);
Crmoffice properties from the project's OpenAPI contract. A Crmoffice type names its schema in
the plural ("Contacts" -> Contact), so the schema is derived, never listed here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from harness import resources
from harness.errors import BadSpecError
from harness.spec.located import known_list, located_error
from harness.spec.model import DataflowSpec, FlowSpec, PropertyMapping

DEFAULT_DESCRIBE_DIR = resources.DESCRIBE_DIR
DEFAULT_CONTRACT = resources.CRMOFFICE_CONTRACT


@dataclass(frozen=True)
class Contracts:
    """Where the two systems' field lists come from."""

    describe_dir: Path = DEFAULT_DESCRIBE_DIR
    crmoffice_contract: Path = DEFAULT_CONTRACT


def check_contracts(spec: DataflowSpec, source: str, contracts: Contracts) -> None:
    """Raise BadSpecError for the first property either system does not know."""
    schemas = _openapi_schemas(contracts.crmoffice_contract)
    for flow in spec.flows:
        fields = _salesforce_fields(source, flow, contracts.describe_dir)
        properties = _crmoffice_properties(source, flow, schemas, contracts.crmoffice_contract)
        _check_flow(source, flow, fields, properties, contracts)
        _check_data_types(source, flow, schemas[singular(flow.target_type)], contracts)


def _check_data_types(
    source: str, flow: FlowSpec, schema: dict[str, Any], contracts: Contracts
) -> None:
    """The document's data type column must be a type the contract gives the property."""
    definitions = schema.get("properties", {})
    for mapping in flow.properties:
        declared = definitions.get(mapping.target_property, {}).get("type")
        types = [declared] if isinstance(declared, str) else list(declared or [])
        types = [t for t in types if t != "null"]
        if types and mapping.target_data_type not in types:
            raise located_error(
                source,
                mapping.line,
                f"{flow.target_system} {flow.target_type} property {mapping.target_property!r}"
                f" is a {' or '.join(types)} in {resources.shown(contracts.crmoffice_contract)},"
                " but the document"
                f" gives its data type as {mapping.target_data_type!r}",
            )


def with_field_facts(spec: DataflowSpec, contracts: Contracts) -> DataflowSpec:
    """The spec with each property row's type, narrower length and requiredness filled in.

    Call after check_contracts: every field named here is known to both contracts.
    """
    schemas = _openapi_schemas(contracts.crmoffice_contract)
    flows = []
    for flow in spec.flows:
        describe = _load(contracts.describe_dir / f"{flow.source_object}.json", json.loads)
        fields = {f["name"]: f for f in describe["fields"] if isinstance(f, dict)}
        target = schemas[singular(flow.target_type)].get("properties", {})
        rows = tuple(
            _facts(m, fields[m.source_property], target[m.target_property]) for m in flow.properties
        )
        flows.append(replace(flow, properties=rows))
    return replace(spec, flows=tuple(flows))


def _facts(
    mapping: PropertyMapping, field: dict[str, Any], target: dict[str, Any]
) -> PropertyMapping:
    return replace(
        mapping,
        source_type=str(field.get("type", "string")),
        source_length=int(field["length"]) if field.get("length") else None,
        target_length=int(target["maxLength"]) if target.get("maxLength") else None,
        # A non-nillable field Salesforce does not default on create must always hold a value.
        source_required=not field.get("nillable", True)
        and not field.get("defaultedOnCreate", False),
    )


def _check_flow(
    source: str,
    flow: FlowSpec,
    fields: frozenset[str],
    properties: frozenset[str],
    contracts: Contracts,
) -> None:
    describe_file = contracts.describe_dir / f"{flow.source_object}.json"
    for mapping in flow.properties:
        if mapping.source_property not in fields:
            raise located_error(
                source,
                mapping.line,
                f"{flow.source_system} {flow.source_object} has no field "
                f"{mapping.source_property!r} in {resources.shown(describe_file)};"
                f" known: {known_list(fields)}",
            )
        if mapping.target_property not in properties:
            raise located_error(
                source,
                mapping.line,
                f"{flow.target_system} {flow.target_type} has no property "
                f"{mapping.target_property!r} in {resources.shown(contracts.crmoffice_contract)}; "
                f"known: {known_list(properties)}",
            )


def _salesforce_fields(source: str, flow: FlowSpec, describe_dir: Path) -> frozenset[str]:
    path = describe_dir / f"{flow.source_object}.json"
    if not path.is_file():
        known = [item.stem for item in describe_dir.glob("*.json")]
        raise located_error(
            source,
            flow.line,
            f"{flow.source_system} object {flow.source_object!r} has no describe metadata "
            f"({path} not found); known: {known_list(known)}",
        )
    return _field_names(path, _load(path, json.loads))


def _field_names(path: Path, describe: dict[str, Any]) -> frozenset[str]:
    fields = describe.get("fields")
    names = (
        [f.get("name") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    )
    if not names or not all(isinstance(name, str) for name in names):
        raise BadSpecError(
            f"{path}: found no field names; expected describe metadata "
            '{"name": ..., "fields": [{"name": ..., "type": ...}, ...]}'
        )
    return frozenset(str(name) for name in names)


def _crmoffice_properties(
    source: str, flow: FlowSpec, schemas: dict[str, Any], contract: Path
) -> frozenset[str]:
    """The writable properties of the type's schema (read-only ones cannot be synced to)."""
    schema_name = singular(flow.target_type)
    if not isinstance(schemas.get(schema_name), dict):
        raise located_error(
            source,
            flow.line,
            f"{flow.target_system} type {flow.target_type!r} has no schema {schema_name!r} in "
            f"{contract}; known types: {known_list(_entity_types(schemas))}",
        )
    properties = schemas[schema_name].get("properties", {})
    return frozenset(
        name
        for name, definition in properties.items()
        if not (isinstance(definition, dict) and definition.get("readOnly", False))
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


def _openapi_schemas(contract: Path) -> dict[str, Any]:
    document = _load(contract, yaml.safe_load)
    schemas = document.get("components", {}).get("schemas", {})
    if not isinstance(schemas, dict):
        raise BadSpecError(f"{contract}: found no components.schemas; expected an OpenAPI 3 file")
    return schemas


def _load(path: Path, parse: Any) -> dict[str, Any]:
    try:
        loaded = parse(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BadSpecError(f"{path}: cannot read it ({error.strerror})") from None
    except (ValueError, yaml.YAMLError) as error:
        raise BadSpecError(f"{path}: not valid {path.suffix.lstrip('.')}: {error}") from None
    if not isinstance(loaded, dict):
        raise BadSpecError(f"{path}: found {type(loaded).__name__}; expected a mapping")
    return loaded
