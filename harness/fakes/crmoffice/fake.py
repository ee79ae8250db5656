"""FakeCrmoffice: a working, stateful Crmoffice honouring fixtures/crmoffice-openapi.yaml.

    crm = FakeCrmoffice(clock); contact_id = crm.insert("contacts", {"givenName": "Ada"})
    mount(rsps, crm)   # or serve(crm): POST /connect/token, then /contacts and /companies

insert/ui_edit/ui_delete are "a person in the UI": they change data without an API call, so
they are not in crm.calls, but they validate like the API and stamp updatedAt the same way.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from harness.clock import Clock
from harness.fakes.calls import CallLog
from harness.fakes.crmoffice import problems
from harness.fakes.crmoffice.contract import Value, check_body, resource_names, writable_fields
from harness.fakes.crmoffice.handlers import ResourceApi
from harness.fakes.crmoffice.idempotency import IdempotencyKeys
from harness.fakes.crmoffice.oauth import TokenIssuer, bearer_token, oauth_error
from harness.fakes.crmoffice.store import Record, Table
from harness.fakes.faults import Fault, FaultKind, FaultPlan
from harness.fakes.http import FakeRequest, FakeResponse, Route

TOKEN_ROUTE = "oauth.token"
# Ids start far from 1 and apart per type, so an id used with the wrong type is a 404.
FIRST_IDS = {"contacts": 100_001, "companies": 700_001}


class FakeCrmoffice:
    name = "crmoffice"

    def __init__(
        self,
        clock: Clock,
        *,
        base_url: str = "https://api.crmoffice.test",
        identity_url: str = "https://identity.crmoffice.test",
        client_id: str = "talkqa",
        client_secret: str = "talkqa-fake-secret",
        token_ttl: int = 3600,
    ) -> None:
        self.clock = clock
        self.base_url = base_url.rstrip("/")
        self.identity_url = identity_url.rstrip("/")
        self.faults = FaultPlan()
        self.calls = CallLog(self.name)
        self._lock = threading.RLock()
        self._issuer = TokenIssuer(clock, client_id, client_secret, token_ttl)
        keys = IdempotencyKeys()
        self._tables = {
            name: Table(name, writable_fields(name), FIRST_IDS[name]) for name in resource_names()
        }
        self._apis = [
            ResourceApi(table, clock, self._issuer, keys, self._lock, location_base=self.base_url)
            for table in self._tables.values()
        ]
        api_host, api_prefix = _split(self.base_url)
        identity_host, identity_prefix = _split(self.identity_url)
        self.hosts: tuple[str, ...] = tuple(dict.fromkeys((api_host, identity_host)))
        self._routes = self._build_routes(api_host, api_prefix, identity_host, identity_prefix)

    def _build_routes(
        self, api_host: str, api_prefix: str, identity_host: str, identity_prefix: str
    ) -> tuple[Route, ...]:
        token = Route(
            TOKEN_ROUTE,
            "POST",
            re.escape(f"{identity_prefix}/connect/token"),
            "read",
            lambda request, _match: self._issuer.token_endpoint(request),
            (identity_host,),
        )
        resources = [
            route
            for api in self._apis
            for route in api.routes(prefix=api_prefix, hosts=(api_host,))
        ]
        return (token, *resources)

    @property
    def routes(self) -> Sequence[Route]:
        return self._routes

    # --- FakeService -------------------------------------------------------------------------

    def render_fault(self, fault: Fault, request: FakeRequest, route: Route) -> FakeResponse:
        """Crmoffice's answer to a scripted fault; every one of them is transient but a 401."""
        if fault.kind is FaultKind.RATE_LIMITED:
            return problems.rate_limited(fault.retry_after)
        if fault.kind is FaultKind.SESSION_EXPIRED:
            return self._expired(request, route)
        if fault.kind is FaultKind.ROW_LOCKED and route.kind == "write":
            return problems.locked(fault.message or "record is locked")
        return problems.unavailable()  # UNAVAILABLE, and a lock met by a read or a login

    def _expired(self, request: FakeRequest, route: Route) -> FakeResponse:
        if route.name == TOKEN_ROUTE:  # no bearer token on a login: the client is refused
            return oauth_error(401, "invalid_client", "client credentials expired (fault)")
        token = bearer_token(request)
        if token is not None:
            self._issuer.revoke(token)
        return problems.unauthorized("the access token expired")

    def unknown_route(self, request: FakeRequest, allowed: Sequence[str]) -> FakeResponse:
        if allowed:
            return problems.method_not_allowed(request.method, request.path, allowed)
        return problems.not_found(
            f"no resource at {request.method} {request.path}; known: "
            "/connect/token, /contacts, /companies"
        )

    # --- a person in the UI ------------------------------------------------------------------

    def insert(
        self, type_name: str, fields: Mapping[str, Value], *, at: datetime | None = None
    ) -> int:
        table = self._table(type_name)
        _validate(type_name, fields)
        with self._lock:
            return table.insert(fields, at=at or self.clock.now()).id

    def ui_edit(
        self,
        type_name: str,
        record_id: int,
        fields: Mapping[str, Value],
        *,
        at: datetime | None = None,
    ) -> None:
        """Edit like the API: updatedAt (at, or now) moves only when a value changes."""
        _validate(type_name, fields)
        with self._lock:
            self._table(type_name).update(
                self._live(type_name, record_id), fields, at=at or self.clock.now()
            )

    def ui_delete(self, type_name: str, record_id: int, *, at: datetime | None = None) -> None:
        with self._lock:
            self._table(type_name).delete(
                self._live(type_name, record_id), at=at or self.clock.now()
            )

    def get(
        self, type_name: str, record_id: int, *, include_deleted: bool = False
    ) -> dict[str, Any] | None:
        table = self._table(type_name)
        with self._lock:
            record = table.any(record_id) if include_deleted else table.live(record_id)
            return table.render(record) if record is not None else None

    def records(self, type_name: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        table = self._table(type_name)
        with self._lock:
            rows = sorted(table.all(include_deleted=include_deleted), key=lambda r: r.id)
            return [table.render(row) for row in rows]

    def expire_tokens(self) -> None:
        """Every access token issued so far answers 401 invalid_token; refresh tokens work."""
        self._issuer.expire_all()

    def _table(self, type_name: str) -> Table:
        if type_name not in self._tables:
            raise ValueError(f"No Crmoffice type {type_name!r}; known: {', '.join(self._tables)}")
        return self._tables[type_name]

    def _live(self, type_name: str, record_id: int) -> Record:
        record = self._table(type_name).live(record_id)
        if record is None:
            raise KeyError(f"no live {type_name} record {record_id} in FakeCrmoffice")
        return record


def _validate(type_name: str, fields: Mapping[str, Value]) -> None:
    errors = check_body(type_name, dict(fields))
    if errors:
        raise ValueError(f"FakeCrmoffice {type_name}: " + "; ".join(e.message for e in errors))


def _split(url: str) -> tuple[str, str]:
    """'https://h/x/' -> ('https://h', '/x'): routes match the host and the path prefix."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")
