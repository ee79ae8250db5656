"""One CSV row of an ingest job as the field values validation takes, and its error text.

    row_fields(columns, ["Nordmann", "", "#N/A"])   # {"LastName": "Nordmann", "Phone": None}
    sf_error(ApiError(400, "STRING_TOO_LONG", "Last Name: ...", ["LastName"]))

From "Prepare CSV Files" (Bulk API 2.0 and Bulk API Developer Guide): an empty value is left
alone (on update the field keeps its value), #N/A sets the field to null; values are not
trimmed. A value the field's XSD type can't read fails its row with the error Salesforce gives
(INVALID_FIELD "Failed to deserialize field at col 0. Due to, '2018-09-28' is not a valid
value for the type xsd:dateTime", as quoted in SFDO-Tooling/Snowfakery#793), and sf__Error is
"CODE:message:fields --" as in that same quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from harness.fakes.salesforce.errors import ApiError
from harness.fakes.salesforce.metadata import FieldMeta
from harness.fakes.salesforce.values import parse_datetime

NULL = "#N/A"
_INT = re.compile(r"[+-]?\d+")
_DOUBLE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}  # xsd:boolean
XSD_TYPES = {
    "boolean": "boolean",
    "int": "int",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "datetime": "dateTime",
    "date": "date",
}


def row_fields(columns: list[FieldMeta], raw: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for index, (field_meta, text) in enumerate(zip(columns, raw, strict=True)):
        if text != "":
            fields[field_meta.name] = None if text == NULL else _typed(field_meta, text, index)
    return fields


def _typed(field_meta: FieldMeta, text: str, index: int) -> Any:
    reader = _READERS.get(field_meta.type)
    if reader is None:
        return text
    try:
        return reader(text)
    except (KeyError, ValueError):
        raise _not_valid(field_meta, text, index) from None


def _integer(text: str) -> int:
    if _INT.fullmatch(text) is None:
        raise ValueError(text)
    return int(text)


def _double(text: str) -> float:
    if _DOUBLE.fullmatch(text) is None:
        raise ValueError(text)
    return float(text)


def _checked(parser: Callable[[str], Any]) -> Callable[[str], str]:
    """Dates stay text for validation to convert; only whether they read is checked here."""

    def check(text: str) -> str:
        parser(text)
        return text

    return check


_READERS: dict[str, Callable[[str], Any]] = {
    "boolean": lambda text: _BOOLEANS[text.lower()],
    "int": _integer,
    "double": _double,
    "currency": _double,
    "percent": _double,
    "datetime": _checked(parse_datetime),
    "date": _checked(date.fromisoformat),
}


def _not_valid(field_meta: FieldMeta, text: str, index: int) -> ApiError:
    return ApiError(
        400,
        "INVALID_FIELD",
        f"Failed to deserialize field at col {index}. Due to, '{text}' is not a valid value "
        f"for the type xsd:{XSD_TYPES[field_meta.type]}",
        [field_meta.name],
    )


def sf_error(error: ApiError) -> str:
    """ "CODE:message:Field1,Field2 --", or "CODE:message:--" when no field is named."""
    fields = ",".join(error.fields or [])
    return f"{error.code}:{error.message}:{fields + ' ' if fields else ''}--"
