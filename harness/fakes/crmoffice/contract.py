"""The writable properties of each Crmoffice resource, read from the OpenAPI contract.

    fields = writable_fields("contacts")      # (FieldSpec("givenName", 100), ...)
    errors = check_body("contacts", {"givenName": "x" * 101})   # [FieldError(...maxLength...)]

fixtures/crmoffice-openapi.yaml is the one place the assumed contract lives, so the fake takes
its property names and lengths from there instead of keeping a second copy that could drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from harness import resources

CONTRACT_PATH = resources.CRMOFFICE_CONTRACT
INPUT_SCHEMAS = {"contacts": "ContactInput", "companies": "CompanyInput"}
READ_ONLY = ("id", "createdAt", "updatedAt", "deletedAt")

Value = str | None


@dataclass(frozen=True)
class FieldSpec:
    name: str
    max_length: int


@dataclass(frozen=True)
class FieldError:
    """One problem of a request, as it appears under `errors` of a 400 problem document."""

    field: str
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def resource_names() -> tuple[str, ...]:
    return tuple(INPUT_SCHEMAS)


def writable_fields(type_name: str) -> tuple[FieldSpec, ...]:
    if type_name not in INPUT_SCHEMAS:
        known = ", ".join(INPUT_SCHEMAS)
        raise ValueError(f"No Crmoffice type {type_name!r} in {CONTRACT_PATH.name}; known: {known}")
    return _load_fields()[type_name]


@cache
def _load_fields() -> dict[str, tuple[FieldSpec, ...]]:
    document = yaml.safe_load(CONTRACT_PATH.read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    return {
        type_name: tuple(
            _field(schema_name, name, prop)
            for name, prop in schemas[schema_name]["properties"].items()
        )
        for type_name, schema_name in INPUT_SCHEMAS.items()
    }


def _field(schema_name: str, name: str, prop: dict[str, Any]) -> FieldSpec:
    # The fake stores text only; a contract change to another type must fail loudly here.
    if sorted(prop.get("type", [])) != ["null", "string"] or "maxLength" not in prop:
        raise ValueError(
            f"{CONTRACT_PATH.name}: {schema_name}.{name} must be type [string, 'null'] with "
            f"maxLength for FakeCrmoffice; got {prop!r}"
        )
    return FieldSpec(name, int(prop["maxLength"]))


def check_body(type_name: str, body: object) -> list[FieldError]:
    """Every problem of a POST/PATCH body, in body order; empty when it is acceptable."""
    if not isinstance(body, dict):
        return [FieldError("body", "type", f"body must be a JSON object; got {json_type(body)}")]
    specs = {spec.name: spec for spec in writable_fields(type_name)}
    return [
        error
        for name, value in body.items()
        if (error := _check_field(specs, name, value)) is not None
    ]


def _check_field(specs: dict[str, FieldSpec], name: str, value: object) -> FieldError | None:
    if name in READ_ONLY:
        return FieldError(name, "readOnly", f"{name} is read-only")
    spec = specs.get(name)
    if spec is None:
        known = ", ".join(sorted(specs))
        return FieldError(name, "unknownField", f"unknown field {name!r}; known: {known}")
    if value is not None and not isinstance(value, str):
        return FieldError(name, "type", f"{name} must be a string or null; got {json_type(value)}")
    if value is not None and len(value) > spec.max_length:
        return FieldError(
            name,
            "maxLength",
            f"{name} is {len(value)} characters; at most {spec.max_length} allowed",
        )
    return None


def json_type(value: object) -> str:
    """The JSON Schema type name of a parsed JSON value (bool before int: bool is an int)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for python_type, name in (
        (int, "integer"),
        (float, "number"),
        (str, "string"),
        (list, "array"),
        (dict, "object"),
    ):
        if isinstance(value, python_type):
            return name
    return type(value).__name__
