"""HTTP handlers and routes of one Crmoffice resource (contacts or companies).

    api = ResourceApi(table, clock, issuer, keys, lock, location_base="https://api.crmoffice.test")
    routes = api.routes(prefix="", hosts=("https://api.crmoffice.test",))  # contacts.list, ...

Every handler runs behind _guard: the bearer token is checked first (401 before 404 or 400, as
an API that does not leak what exists), then a scripted RECORD_FAILURE, then the handler itself.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

from harness.clock import Clock
from harness.fakes.crmoffice import problems
from harness.fakes.crmoffice.contract import FieldError, check_body
from harness.fakes.crmoffice.idempotency import (
    IDEMPOTENCY_CONFLICT,
    MAX_KEY_LENGTH,
    IdempotencyKeys,
    Remembered,
    Replay,
)
from harness.fakes.crmoffice.oauth import TokenIssuer
from harness.fakes.crmoffice.paging import encode_cursor, parse_list_query
from harness.fakes.crmoffice.store import Record, Table
from harness.fakes.faults import Fault, FaultKind
from harness.fakes.http import FakeRequest, FakeResponse, Handler, Route

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
ERROR_CODES = (
    "maxLength",
    "type",
    "unknownField",
    "readOnly",
    "invalidJson",
    "range",
    "format",
    "invalidCursor",
    "rejected",
)


@dataclass(frozen=True)
class _Parsed:
    value: Any


class ResourceApi:
    def __init__(
        self,
        table: Table,
        clock: Clock,
        issuer: TokenIssuer,
        keys: IdempotencyKeys,
        lock: threading.RLock,
        *,
        location_base: str,
    ) -> None:
        self.table = table
        self._clock = clock
        self._issuer = issuer
        self._keys = keys
        self._lock = lock
        self._location_base = location_base

    @property
    def type_name(self) -> str:
        return self.table.type_name

    def routes(self, *, prefix: str, hosts: tuple[str, ...]) -> list[Route]:
        collection = re.escape(f"{prefix}/{self.type_name}")
        item = collection + r"/([0-9]+)"
        name = self.type_name
        return [
            Route(f"{name}.list", "GET", collection, "read", self._guard(self.list), hosts),
            Route(f"{name}.create", "POST", collection, "write", self._guard(self.create), hosts),
            Route(f"{name}.get", "GET", item, "read", self._guard(self.get), hosts),
            Route(f"{name}.update", "PATCH", item, "write", self._guard(self.update), hosts),
            Route(f"{name}.delete", "DELETE", item, "write", self._guard(self.delete), hosts),
        ]

    def _guard(self, handler: Handler) -> Handler:
        def guarded(request: FakeRequest, match: re.Match[str]) -> FakeResponse:
            refusal = self._issuer.refuse(request)
            if refusal is not None:
                return refusal
            if request.fault is not None and request.fault.kind is FaultKind.RECORD_FAILURE:
                return problems.validation([_record_failure(request.fault)])
            with self._lock:  # the loopback server is threaded; one request at a time per fake
                return handler(request, match)

        return guarded

    # --- handlers --------------------------------------------------------------------------

    def list(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        query = parse_list_query(request)
        if isinstance(query, list):
            return problems.validation(query)
        rows, more = self.table.page(query)
        next_cursor = encode_cursor(rows[-1].sort_key) if more and rows else None
        items = [self.table.render(row) for row in rows]
        return FakeResponse(200, {"items": items, "nextCursor": next_cursor}, _json_headers())

    def get(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        record = self._live(match)
        if isinstance(record, FakeResponse):
            return record
        return FakeResponse(200, self.table.render(record), _json_headers())

    def create(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        parsed = _parse_body(request, (JSON,))
        if isinstance(parsed, FakeResponse):
            return parsed
        key = request.header("Idempotency-Key")
        errors = _check_key(key) + check_body(self.type_name, parsed.value)
        if errors:
            return problems.validation(errors)
        now = self._clock.now()
        if key is not None:
            seen = self._keys.lookup(self.type_name, key, parsed.value, now)
            if seen == IDEMPOTENCY_CONFLICT:
                return problems.idempotency_conflict(key)
            if isinstance(seen, Remembered):
                first = self.table.render_first(seen.record_id, seen.values, seen.at)
                return self._created(Replay(seen.record_id, first), replayed=True)
        record = self.table.insert(parsed.value, at=now)
        if key is not None:
            values = self.table.first_values(record)
            at = record.created_at if record.created_at == now else now  # one object, not two
            self._keys.remember(self.type_name, key, parsed.value, at, record.id, values)
        return self._created(Replay(record.id, self.table.render(record)), replayed=False)

    def update(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        record = self._live(match)
        if isinstance(record, FakeResponse):
            return record
        parsed = _parse_body(request, (JSON, MERGE_PATCH))
        if isinstance(parsed, FakeResponse):
            return parsed
        errors = check_body(self.type_name, parsed.value)
        if errors:
            return problems.validation(errors)
        self.table.update(record, parsed.value, at=self._clock.now())
        return FakeResponse(200, self.table.render(record), _json_headers())

    def delete(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        record = self._live(match)
        if isinstance(record, FakeResponse):
            return record
        self.table.delete(record, at=self._clock.now())
        return FakeResponse(204)

    # --- helpers ---------------------------------------------------------------------------

    def _live(self, match: re.Match[str]) -> Record | FakeResponse:
        record_id = int(match.group(1))
        record = self.table.live(record_id)
        if record is not None:
            return record
        gone = self.table.any(record_id) is not None
        what = "was deleted" if gone else "does not exist"
        return problems.not_found(f"{self.type_name} {record_id} {what}")

    def _created(self, replay: Replay, *, replayed: bool) -> FakeResponse:
        headers = {
            **_json_headers(),
            "Location": f"{self._location_base}/{self.type_name}/{replay.record_id}",
        }
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        return FakeResponse(201, dict(replay.body), headers)


def _json_headers() -> dict[str, str]:
    return {"Content-Type": JSON}


def _parse_body(request: FakeRequest, accepted: tuple[str, ...]) -> _Parsed | FakeResponse:
    if not request.body:
        return problems.validation([_invalid_json("body is empty; send a JSON object")])
    content_type = request.header("Content-Type")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in accepted:
        return problems.unsupported_media_type(content_type, accepted)
    try:
        return _Parsed(json.loads(request.body.decode("utf-8")))
    except UnicodeDecodeError:
        return problems.validation([_invalid_json("body is not valid JSON: not UTF-8")])
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        return problems.validation([_invalid_json(f"body is not valid JSON: {exc.msg} ({where})")])
    except RecursionError:
        return problems.validation([_invalid_json("body is not valid JSON: nested too deeply")])


def _invalid_json(message: str) -> FieldError:
    return FieldError("body", "invalidJson", message)


def _check_key(key: str | None) -> list[FieldError]:
    if key is None or 1 <= len(key) <= MAX_KEY_LENGTH:
        return []
    return [
        FieldError(
            "Idempotency-Key",
            "maxLength" if key else "range",
            f"Idempotency-Key is {len(key)} characters; 1 to {MAX_KEY_LENGTH} allowed",
        )
    ]


def _record_failure(fault: Fault) -> FieldError:
    """A scripted rejection; Crmoffice has no batches, so record_index is not used."""
    code = fault.error_code if fault.error_code in ERROR_CODES else "rejected"
    return FieldError("body", code, fault.message or "record rejected by Crmoffice (fault)")
