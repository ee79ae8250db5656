"""Run a parsed SOQL query against the store, the way the REST query resource answers.

    result = run_soql(catalog, store, "SELECT Id FROM Contact", deleted=False, version="59.0")
    result.sobject, result.render(0, 2000)  # rows: a snapshot at query time, rendered per page

Binding checks names against describe metadata (INVALID_TYPE, INVALID_FIELD) and literal types
against field types, with Salesforce's messages; evaluation follows SOQL: '=' on text ignores
case, ids compare on their 15-character form, and nulls sort first ascending, last descending.
A parent field (Account.Name, Owner.Name) works in SELECT, WHERE and ORDER BY (field_paths.py);
a record without a parent reads it as null.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from harness.fakes.salesforce import ids
from harness.fakes.salesforce.date_literals import date_range
from harness.fakes.salesforce.field_paths import FieldPath, ParentValue, field_of, resolve
from harness.fakes.salesforce.metadata import Catalog, FieldMeta, SObjectMeta
from harness.fakes.salesforce.soql import (
    Comparison,
    Condition,
    Ident,
    InList,
    Like,
    Logical,
    Not,
    OrderItem,
    Query,
    SoqlError,
    Value,
    parse,
    unescape,
)
from harness.fakes.salesforce.store import Record, RecordStore
from harness.fakes.salesforce.values import parse_datetime, render_value

MAX_OFFSET = 2000
Predicate = Callable[[Record], bool]
Reader = Callable[[Record], Any]
_EXPECTED_KIND = {
    "datetime": ("datetime", "dateTime"),
    "date": ("date", "date"),
    "boolean": ("boolean", "boolean"),
    "int": ("number", "integer"),
    "double": ("number", "double"),
    "currency": ("number", "double"),
    "percent": ("number", "double"),
}


Snapshot = tuple[Any, ...]  # (sobject, Id, the selected values...) as stored at query time


@dataclass(frozen=True)
class QueryResult:
    sobject: str
    rows: list[Snapshot]  # the selected values, rendered a page at a time; empty for COUNT()
    total: int
    names: tuple[str, ...] = ()
    version: str = ""
    aggregate: dict[str, Any] | None = None  # COUNT(field): the one AggregateResult row

    def render(self, start: int, end: int) -> list[dict[str, Any]]:
        """Rows start..end as the REST API returns them."""
        return [_render_snapshot(row, self.names, self.version) for row in self.rows[start:end]]


def run_soql(
    catalog: Catalog,
    store: RecordStore,
    text: str,
    *,
    deleted: bool,
    version: str,
    now: datetime | None = None,
) -> QueryResult:
    """`now` anchors the date literals (TODAY, LAST_N_DAYS:n, ...), in UTC as the fake's org."""
    query = parse(text)
    scope = _Scope(catalog, _sobject(catalog, query.sobject), store, now or datetime.now(UTC))
    meta = scope.meta
    paths = _select(scope, query.fields)
    predicate = _compile(scope, query.where) if query.where else (lambda _r: True)
    order = [(scope.path(item.field), item) for item in query.order_by]
    rows = [r for r in store.rows(meta.name, include_deleted=deleted) if predicate(r)]
    rows = _window(_sort(scope, rows, order), query)
    if query.count and query.counted is not None:
        name = field_of(meta, query.counted).name
        counted = sum(r.values.get(name) is not None for r in rows)
        row = {"attributes": {"type": "AggregateResult"}, "expr0": counted}
        return QueryResult(meta.name, [], 1, aggregate=row)
    if query.count:
        return QueryResult(meta.name, [], len(rows))
    # Stored values are immutable (str, datetime, bool, ...): a tuple of them is the same
    # snapshot as the rendered rows, at a fraction of the memory for a 100,000-row cursor.
    snapshots = [(r.sobject, r.id, *[p.column(store, r) for p in paths]) for r in rows]
    names = tuple(p.name for p in paths)
    return QueryResult(meta.name, snapshots, len(rows), names, version)


@dataclass(frozen=True)
class _Scope:
    """What binding and evaluating one query needs: the schema, the records, the clock."""

    catalog: Catalog
    meta: SObjectMeta
    store: RecordStore
    now: datetime  # anchors the date literals

    def path(self, ident: Ident) -> FieldPath:
        return resolve(self.catalog, self.meta, ident)

    def reader(self, path: FieldPath) -> Reader:
        if path.lookup is None:
            name = path.target.name
            return lambda r: r.values.get(name)  # the common case, read without a detour
        return lambda r: path.read(self.store, r)


# --- binding --------------------------------------------------------------------------------


def _sobject(catalog: Catalog, ident: Ident) -> SObjectMeta:
    meta = catalog.get(ident.name)
    if meta is None:
        raise SoqlError(
            "INVALID_TYPE",
            f"sObject type '{ident.name}' is not supported. If you are attempting to use a custom "
            "object, be sure to append the '__c' after the entity name. Please reference your "
            "WSDL or the describe call for the appropriate names.",
            ident.position,
        )
    return meta


def _select(scope: _Scope, fields: tuple[Ident, ...]) -> list[FieldPath]:
    paths: list[FieldPath] = []
    for ident in fields:
        path = scope.path(ident)
        if any(p.name == path.name for p in paths):
            raise SoqlError(
                "MALFORMED_QUERY", f"duplicate field selected: {path.name}", ident.position
            )
        paths.append(path)
    return paths


def _literal(field_meta: FieldMeta, value: Value) -> Any:
    """The literal as a value comparable with the stored one; wrong types as Salesforce says."""
    if value.kind == "null":
        return None
    wanted, type_name = _EXPECTED_KIND.get(field_meta.type, ("string", "string"))
    if value.kind != wanted:
        quotes = "be enclosed" if wanted == "string" else "not be enclosed"
        raise SoqlError(
            "INVALID_FIELD",
            f"value of filter criterion for field '{field_meta.name}' must be of type "
            f"{type_name} and should {quotes} in quotes",
            value.position,
        )
    if wanted == "datetime":
        return parse_datetime(value.text)
    if wanted == "date":
        return date.fromisoformat(value.text)
    plain = value.plain()
    if field_meta.type in ("id", "reference"):
        if not ids.is_id(plain):
            raise SoqlError(
                "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {plain}", value.position
            )
        return plain[:15]
    return plain


# --- evaluation -----------------------------------------------------------------------------


def _comparable(field_meta: FieldMeta, value: Any) -> Any:
    if value is None:
        return None
    if field_meta.type in ("id", "reference"):
        return str(value)[:15]  # case-sensitive, 15 or 18 characters alike
    if isinstance(value, str):
        return value.casefold()  # SOQL text comparison ignores case
    return value


def _compile(scope: _Scope, condition: Condition) -> Predicate:
    if isinstance(condition, Logical):
        parts = [_compile(scope, c) for c in condition.operands]
        if condition.op == "AND":
            return lambda r: all(p(r) for p in parts)
        return lambda r: any(p(r) for p in parts)
    if isinstance(condition, Not):
        inner = _compile(scope, condition.operand)
        return lambda r: not inner(r)
    if isinstance(condition, Comparison) and condition.value.kind == "dateliteral":
        return _compile_date_range(scope, condition)
    if isinstance(condition, Comparison):
        return _compile_comparison(scope, condition)
    if isinstance(condition, InList):
        return _compile_in(scope, condition)
    return _compile_like(scope, condition)


def _compile_comparison(scope: _Scope, condition: Comparison) -> Predicate:
    path = scope.path(condition.field)
    field_meta, read = path.target, scope.reader(path)
    wanted = _comparable(field_meta, _literal(field_meta, condition.value))
    test = _OPERATORS[condition.op]

    def predicate(record: Record) -> bool:
        actual = _comparable(field_meta, read(record))
        if actual is None or wanted is None:
            # Only = and != see nulls; any other comparison with null is simply false.
            if condition.op == "=":
                return actual is None and wanted is None
            return condition.op == "!=" and (actual is None) != (wanted is None)
        return test(actual, wanted)

    return predicate


def _compile_date_range(scope: _Scope, condition: Comparison) -> Predicate:
    """A date literal is a range from midnight ("Date Formats and Date Literals in WHERE"):
    = is within it, > after its end, < before its start, >= and <= from its start, to its end."""
    path = scope.path(condition.field)
    field_meta, read = path.target, scope.reader(path)
    if field_meta.type not in ("date", "datetime"):
        raise SoqlError(
            "INVALID_FIELD",
            f"value of filter criterion for field '{field_meta.name}' must be of type"
            f" {_EXPECTED_KIND.get(field_meta.type, ('string', 'string'))[1]}",
            condition.value.position,
        )
    start, end = date_range(condition.value.text, scope.now)
    op = condition.op

    def predicate(record: Record) -> bool:
        value = read(record)
        if value is None:
            return op == "!="
        day = value.astimezone(UTC) if isinstance(value, datetime) else value
        moment = day if isinstance(day, datetime) else datetime.combine(day, time(), UTC)
        inside = start <= moment < end
        return {
            "=": inside,
            "!=": not inside,
            "<": moment < start,
            "<=": moment < end,
            ">": moment >= end,
            ">=": moment >= start,
        }[op]

    return predicate


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _compile_in(scope: _Scope, condition: InList) -> Predicate:
    path = scope.path(condition.field)
    field_meta, read = path.target, scope.reader(path)
    wanted = {_comparable(field_meta, _literal(field_meta, v)) for v in condition.values}

    def predicate(record: Record) -> bool:
        actual = _comparable(field_meta, read(record))
        return (actual in wanted) != condition.negated

    return predicate


def _compile_like(scope: _Scope, condition: Like) -> Predicate:
    path = scope.path(condition.field)
    field_meta, read = path.target, scope.reader(path)
    if not field_meta.is_string:
        raise SoqlError(
            "INVALID_QUERY_FILTER_OPERATOR",
            f"invalid operator on field '{field_meta.name}': LIKE works on text fields",
            condition.pattern.position,
        )
    pattern = like_regex(condition.pattern.text, condition.pattern.position)
    return lambda r: isinstance(v := read(r), str) and pattern.fullmatch(v) is not None


def like_regex(raw: str, position: int) -> re.Pattern[str]:
    """% is any run, _ one character, \\% and \\_ the characters themselves; case-insensitive."""
    text = unescape(raw, position, keep_like_escapes=True)
    parts: list[str] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch == "\\" and index + 1 < len(text) and text[index + 1] in "%_":
            parts.append(re.escape(text[index + 1]))
            index += 2
            continue
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        index += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _sort(
    scope: _Scope, rows: list[Record], order: list[tuple[FieldPath, OrderItem]]
) -> list[Record]:
    # One stable pass per key, last key first, gives the multi-key order.
    for path, item in reversed(order):
        read, field_meta = scope.reader(path), path.target
        keyed = [(read(r), r) for r in rows]
        nulls = [r for value, r in keyed if value is None]
        present = [(value, r) for value, r in keyed if value is not None]
        present.sort(key=lambda pair: _sort_key(field_meta, pair[0]), reverse=item.descending)
        ordered = [r for _, r in present]
        rows = ordered + nulls if item.nulls_last else nulls + ordered
    return rows


def _sort_key(field_meta: FieldMeta, value: Any) -> Any:
    if isinstance(value, datetime | date | bool | int | float):
        return value
    return _comparable(field_meta, value)


def _window(rows: list[Record], query: Query) -> list[Record]:
    offset = query.offset or 0
    if offset > MAX_OFFSET:
        raise SoqlError(
            "NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}", 0
        )
    end = None if query.limit is None else offset + query.limit
    return rows[offset:end]


def _render_snapshot(row: Snapshot, names: tuple[str, ...], version: str) -> dict[str, Any]:
    sobject, record_id = row[0], row[1]
    url = f"/services/data/v{version}/sobjects/{sobject}/{record_id}"
    body: dict[str, Any] = {"attributes": {"type": sobject, "url": url}}
    for name, value in zip(names, row[2:], strict=True):
        relation, dot, field_name = name.partition(".")
        if not dot:
            body[name] = render_value(value)
        elif isinstance(value, ParentValue):
            nested = body.get(relation) or {"attributes": _parent_attributes(value, version)}
            nested[field_name] = render_value(value.value)
            body[relation] = nested
        else:  # no parent: the relationship is null, as Salesforce answers it
            body[relation] = None
    return body


def _parent_attributes(parent: ParentValue, version: str) -> dict[str, str]:
    url = f"/services/data/v{version}/sobjects/{parent.sobject}/{parent.id}"
    return {"type": parent.type, "url": url}
