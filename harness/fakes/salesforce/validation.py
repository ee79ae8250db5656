"""Check and convert a write (create or update) the way Salesforce does, with its error codes.

    values = validate_write(meta, {"lastname": "Nordmann"}, creating=True, resolve=store)
    # {"LastName": "Nordmann"}; raises ApiError(400, "STRING_TOO_LONG", ...) and the like

Empty strings become null, as Salesforce stores them; names come back in their API spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Protocol

from harness.fakes.salesforce import ids
from harness.fakes.salesforce.errors import ApiError
from harness.fakes.salesforce.metadata import FieldMeta, SObjectMeta
from harness.fakes.salesforce.values import parse_datetime, to_millis


class Resolver(Protocol):
    """What validation needs to know about other records and objects (the store answers)."""

    def locate(self, record_id: str) -> tuple[str, bool] | None:
        """(sobject name, is deleted) for an existing 18-character id, else None."""
        ...

    def key_prefix_of(self, sobject: str) -> str | None: ...


# Objects whose records the fake does not keep but that lookups point at; only their prefix is
# checked. (Account has describe metadata now, so a reference to a missing Account is refused as
# a real org refuses it: INVALID_CROSS_REFERENCE_KEY. User has metadata and the API user's
# record, but an owner may be any user of the org.)
WELL_KNOWN_PREFIXES = {"User": "005", "Group": "00G", "Profile": "00e"}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def validate_write(
    meta: SObjectMeta, fields: Mapping[str, Any], *, creating: bool, resolve: Resolver
) -> dict[str, Any]:
    known = _known_fields(meta, fields, creating=creating)
    values = {f.name: _convert(f, raw) for f, raw in known}
    _check_required(meta, values, creating=creating)
    for field_meta, _ in known:
        _check_value(field_meta, values[field_meta.name], resolve)
    return values


def _known_fields(
    meta: SObjectMeta, fields: Mapping[str, Any], *, creating: bool
) -> list[tuple[FieldMeta, Any]]:
    known: list[tuple[FieldMeta, Any]] = []
    read_only: list[str] = []
    for name, raw in fields.items():
        if name == "attributes":
            continue
        if name.lower() == "id":
            raise ApiError(
                400, "INVALID_FIELD", "The Id field should not be specified in the sobject data."
            )
        field_meta = meta.field(name)
        if field_meta is None:
            raise ApiError(
                400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {meta.name}", []
            )
        if not (field_meta.createable if creating else field_meta.updateable):
            read_only.append(field_meta.name)
        known.append((field_meta, raw))
    if read_only:
        raise ApiError(
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(read_only)}. Please check the security "
            "settings of this field and verify that it is read/write for your profile or "
            "permission set.",
            read_only,
        )
    return known


def _convert(field_meta: FieldMeta, raw: Any) -> Any:
    """JSON value -> stored value; the wrong JSON type is a JSON_PARSER_ERROR, as in Salesforce."""
    if raw is None or raw == "":
        return None
    kind = field_meta.type
    if kind == "boolean":
        return _expect(field_meta, raw, bool)
    if kind == "int":
        return _expect(field_meta, raw, int)
    if kind in ("double", "currency", "percent"):
        return float(_expect(field_meta, raw, (int, float)))
    if kind == "datetime":
        return to_millis(_parse(field_meta, raw, parse_datetime))
    if kind == "date":
        return _parse(field_meta, raw, date.fromisoformat)
    if isinstance(raw, bool | int | float) and field_meta.is_string:
        return str(raw).lower() if isinstance(raw, bool) else str(raw)
    return _expect(field_meta, raw, str)


def _expect(field_meta: FieldMeta, raw: Any, kinds: type | tuple[type, ...]) -> Any:
    wrong_bool = isinstance(raw, bool) and bool not in (
        kinds if isinstance(kinds, tuple) else (kinds,)
    )
    if not isinstance(raw, kinds) or wrong_bool:
        raise _cannot_deserialize(field_meta, raw)
    return raw


def _parse(field_meta: FieldMeta, raw: Any, parser: Callable[[str], Any]) -> Any:
    if not isinstance(raw, str):
        raise _cannot_deserialize(field_meta, raw)
    try:
        return parser(raw)
    except ValueError:
        raise _cannot_deserialize(field_meta, raw) from None


def _cannot_deserialize(field_meta: FieldMeta, raw: Any) -> ApiError:
    return ApiError(
        400,
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {field_meta.type} from VALUE_STRING value {raw} "
        f"or request may be missing a required field ({field_meta.name})",
    )


def _check_required(meta: SObjectMeta, values: dict[str, Any], *, creating: bool) -> None:
    if creating:
        missing = [
            f.name for f in meta.fields if f.required_on_create and values.get(f.name) is None
        ]
    else:
        missing = [
            name
            for name, value in values.items()
            if value is None and not _field(meta, name).nillable
        ]
    if missing:
        raise ApiError(
            400,
            "REQUIRED_FIELD_MISSING",
            f"Required fields are missing: [{', '.join(missing)}]",
            missing,
        )


def _field(meta: SObjectMeta, name: str) -> FieldMeta:
    field_meta = meta.field(name)
    assert field_meta is not None  # names come from the metadata itself
    return field_meta


def _check_value(field_meta: FieldMeta, value: Any, resolve: Resolver) -> None:
    if value is None:
        return
    if field_meta.type == "reference":
        _check_reference(field_meta, value, resolve)
    elif field_meta.is_string:
        _check_string(field_meta, value)


def _check_string(field_meta: FieldMeta, value: str) -> None:
    if field_meta.length and len(value) > field_meta.length:
        raise ApiError(
            400,
            "STRING_TOO_LONG",
            f"{field_meta.label}: data value too large: {value} (max length={field_meta.length})",
            [field_meta.name],
        )
    if field_meta.restricted_picklist and value not in field_meta.picklist_values:
        raise ApiError(
            400,
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            f"{field_meta.label}: bad value for restricted picklist field: {value}",
            [field_meta.name],
        )
    if field_meta.type == "email" and _EMAIL.fullmatch(value) is None:
        raise ApiError(
            400,
            "INVALID_EMAIL_ADDRESS",
            f"{field_meta.label}: invalid email address: {value}",
            [field_meta.name],
        )


def _check_reference(field_meta: FieldMeta, value: str, resolve: Resolver) -> None:
    incorrect = f"{field_meta.label}: id value of incorrect type: {value}"
    if not ids.is_id(value):
        raise ApiError(400, "MALFORMED_ID", incorrect, [field_meta.name])
    found = resolve.locate(ids.to18(value))
    if found is None:
        if any(WELL_KNOWN_PREFIXES.get(t) == value[:3] for t in field_meta.reference_to):
            return  # an Account or User the fake does not model: trust a well-formed id
        if not _may_point_at(field_meta, value, resolve):
            raise ApiError(400, "FIELD_INTEGRITY_EXCEPTION", incorrect, [field_meta.name])
        raise ApiError(
            400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [field_meta.name]
        )
    sobject, deleted = found
    if sobject not in field_meta.reference_to:
        raise ApiError(400, "FIELD_INTEGRITY_EXCEPTION", incorrect, [field_meta.name])
    if deleted:
        raise ApiError(400, "ENTITY_IS_DELETED", "entity is deleted", [field_meta.name])


def _may_point_at(field_meta: FieldMeta, value: str, resolve: Resolver) -> bool:
    """Whether the id's key prefix belongs to one of the objects the field points at."""
    prefixes = {
        WELL_KNOWN_PREFIXES.get(t) or resolve.key_prefix_of(t) for t in field_meta.reference_to
    }
    return value[:3] in prefixes
