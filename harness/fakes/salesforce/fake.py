"""FakeSalesforce: a stateful in-memory Salesforce org that simple-salesforce talks to unmodified.

    sf = FakeSalesforce(FakeClock()); contact_id = sf.insert("Contact", {"LastName": "Nordmann"})
    with responses.RequestsMock() as rsps: mount(rsps, sf); Salesforce(username=..., domain="test")

insert/ui_edit/ui_delete are "a person in the UI": they skip the API user and the usage count
but validate like the API, raising ValueError that names the field and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from harness.clock import Clock
from harness.fakes.calls import CallLog
from harness.fakes.faults import Fault, FaultKind, FaultPlan
from harness.fakes.http import FakeRequest, FakeResponse, Route
from harness.fakes.salesforce import ids
from harness.fakes.salesforce.auth import oauth_error, soap_fault
from harness.fakes.salesforce.errors import (
    ApiError,
    error_response,
    invalid_session,
    not_found,
    unable_to_lock_row,
)
from harness.fakes.salesforce.metadata import SObjectMeta
from harness.fakes.salesforce.org import Org, Settings, bearer_token
from harness.fakes.salesforce.routes import build_routes
from harness.fakes.salesforce.store import Record, render
from harness.fakes.salesforce.validation import validate_write
from harness.fakes.salesforce.values import to_millis

DEFAULT_INSTANCE = "https://talkqa-dev-ed.develop.my.salesforce.com"
DEFAULT_LOGIN_HOSTS = ("https://login.salesforce.com", "https://test.salesforce.com")
RENDER_VERSION = "59.0"  # attributes.url of records read through the Python API


class FakeSalesforce:
    name = "salesforce"

    def __init__(
        self,
        clock: Clock,
        *,
        instance_url: str = DEFAULT_INSTANCE,
        login_hosts: tuple[str, ...] = DEFAULT_LOGIN_HOSTS,
        is_sandbox: bool = True,
        org_id: str | None = None,
        username: str = "qa@talkqa.example",
        password: str = "talkqa-password",
        security_token: str = "talkqaSecurityToken",
        consumer_key: str = "3MVG9talkqa.consumer.key",
        consumer_secret: str = "talkqa-consumer-secret",
        daily_api_limit: int = 5_000_000,
    ) -> None:
        factory = ids.IdFactory()
        settings = Settings(
            instance_url=instance_url.rstrip("/"),
            login_hosts=tuple(h.rstrip("/") for h in login_hosts),
            is_sandbox=is_sandbox,
            org_id=ids.to18(org_id) if org_id else factory.new("00D"),
            user_id=factory.new("005"),
            username=username,
            password=password,
            security_token=security_token,
            consumer_key=consumer_key,
            consumer_secret=consumer_secret,
            daily_api_limit=daily_api_limit,
        )
        self.clock = clock
        self.faults = FaultPlan()
        self.calls = CallLog(self.name)
        self._org = Org(clock, settings, ids=factory)
        self._routes = build_routes(self._org)
        self._add_organization()
        self._add_api_user()

    # --- FakeService ----------------------------------------------------------------------

    @property
    def hosts(self) -> tuple[str, ...]:
        s = self._org.settings
        return (*s.login_hosts, s.instance_url)

    @property
    def routes(self) -> Sequence[Route]:
        return self._routes

    def render_fault(self, fault: Fault, request: FakeRequest, route: Route) -> FakeResponse:
        with self._org.lock:
            if route.name == "login.soap":
                return soap_fault("SERVER_UNAVAILABLE", fault.message or f"{fault.kind} (injected)")
            if route.name == "oauth.token" and fault.kind is FaultKind.SESSION_EXPIRED:
                return oauth_error("invalid_grant", "expired access/refresh token")
            return self._rest_fault(fault, request)

    def _rest_fault(self, fault: Fault, request: FakeRequest) -> FakeResponse:
        if fault.kind is FaultKind.RATE_LIMITED:
            retry = f"{fault.retry_after:g}"
            message = fault.message or f"Too many requests; retry after {retry} seconds"
            return error_response(
                ApiError(429, "REQUEST_LIMIT_EXCEEDED", message), {"Retry-After": retry}
            )
        if fault.kind is FaultKind.SESSION_EXPIRED:
            # The session really ends: the client has to log in again, not merely retry.
            self._org.sessions.revoke(bearer_token(request.header("Authorization")))
            return error_response(invalid_session())
        if fault.kind is FaultKind.ROW_LOCKED:
            self._org.api_usage += 1  # the call reached the API and counts
            error = unable_to_lock_row(_record_id_in(request) or self._org.ids.new("003"))
            return error_response(error, self._org.limit_info())
        message = fault.message or "Server temporarily unavailable. Please try again later."
        return error_response(ApiError(503, "SERVER_UNAVAILABLE", message))

    def unknown_route(self, request: FakeRequest, allowed: Sequence[str]) -> FakeResponse:
        if allowed:
            error = ApiError(
                405,
                "METHOD_NOT_ALLOWED",
                f"HTTP Method '{request.method}' not allowed. Allowed are {','.join(allowed)}",
            )
            return error_response(error, {"Allow": ", ".join(allowed)})
        return error_response(not_found())

    # --- the org --------------------------------------------------------------------------

    @property
    def api_usage(self) -> int:
        return self._org.api_usage

    @property
    def org_id(self) -> str:
        return self._org.settings.org_id

    @property
    def instance_url(self) -> str:
        return self._org.settings.instance_url

    @property
    def sessions_issued(self) -> int:
        """How many logins succeeded (SOAP and OAuth together)."""
        return self._org.sessions.issued

    def expire_sessions(self) -> None:
        with self._org.lock:
            self._org.sessions.revoke_all()

    # --- a person in the UI ---------------------------------------------------------------

    def _when(self, at: datetime | None) -> datetime:
        if at is not None and at.tzinfo is None:
            raise ValueError(f"a timezone-aware time is needed, got naive {at.isoformat()}")
        return at or self.clock.now()

    def insert(self, sobject: str, fields: dict[str, Any], *, at: datetime | None = None) -> str:
        with self._org.lock:
            meta = self._meta(sobject)
            if not meta.createable:
                raise ValueError(f"{meta.name} records cannot be created")
            values = self._validated(meta, fields, creating=True)
            return self._org.store.create(meta, values, at=self._when(at))

    def ui_edit(
        self, sobject: str, record_id: str, fields: dict[str, Any], *, at: datetime | None = None
    ) -> None:
        with self._org.lock:
            meta = self._meta(sobject)
            record = self._record(meta, record_id)
            values = self._validated(meta, fields, creating=False)
            self._org.store.update(meta, record, values, at=self._when(at))

    def ui_delete(self, sobject: str, record_id: str, *, at: datetime | None = None) -> None:
        with self._org.lock:
            record = self._record(self._meta(sobject), record_id)
            self._org.store.delete(record, at=self._when(at))

    def get(
        self, sobject: str, record_id: str, *, include_deleted: bool = False
    ) -> dict[str, Any] | None:
        with self._org.lock:
            meta = self._meta(sobject)
            record = self._org.store.find(ids.to18(record_id)) if ids.is_id(record_id) else None
            if record is None or record.sobject != meta.name:
                return None
            if record.is_deleted and not include_deleted:
                return None
            return render(record, RENDER_VERSION)

    def records(self, sobject: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        with self._org.lock:
            meta = self._meta(sobject)
            rows = self._org.store.rows(meta.name, include_deleted=include_deleted)
            return [render(r, RENDER_VERSION) for r in rows]

    def _meta(self, sobject: str) -> SObjectMeta:
        meta = self._org.catalog.get(sobject)
        if meta is None:
            known = ", ".join(m.name for m in self._org.catalog.all())
            raise ValueError(f"No Salesforce object {sobject!r} in the fake; known: {known}")
        return meta

    def _record(self, meta: SObjectMeta, record_id: str) -> Record:
        try:
            return self._org.store.fetch(meta, record_id)
        except ApiError as error:
            raise ValueError(f"{meta.name} {record_id}: {error.code}: {error.message}") from None

    def _validated(
        self, meta: SObjectMeta, fields: dict[str, Any], *, creating: bool
    ) -> dict[str, Any]:
        try:
            return validate_write(meta, fields, creating=creating, resolve=self._org.store)
        except ApiError as error:
            named = f" (fields: {', '.join(error.fields)})" if error.fields else ""
            raise ValueError(f"{meta.name}: {error.code}: {error.message}{named}") from None

    def _add_organization(self) -> None:
        s = self._org.settings
        meta = self._meta("Organization")
        self._org.store.put(
            meta,
            {
                "Id": s.org_id,
                "Name": s.organization_name,
                "IsSandbox": s.is_sandbox,
                "OrganizationType": "Developer Edition",
                "InstanceName": "CS42" if s.is_sandbox else "NA99",
                "TrialExpirationDate": None,
            },
        )

    def _add_api_user(self) -> None:
        """The User record behind settings.user_id: the owner and creator of what the API writes
        (store.create sets OwnerId, CreatedById ...), so `SELECT Owner.Name FROM Contact` finds
        it. Values of a new org's first user; the profile is one the fake does not model."""
        s = self._org.settings
        now = to_millis(self.clock.now())
        self._org.store.put(
            self._meta("User"),
            {
                "Id": s.user_id,
                "Username": s.username,
                "FirstName": s.user_first_name,
                "LastName": s.user_last_name,
                "Name": f"{s.user_first_name} {s.user_last_name}",
                "Email": s.username,
                "Alias": s.user_first_name.lower()[:8],
                "CommunityNickname": s.username.partition("@")[0],
                "IsActive": True,
                "TimeZoneSidKey": "GMT",
                "LocaleSidKey": "en_US",
                "EmailEncodingKey": "UTF-8",
                "LanguageLocaleKey": "en_US",
                "ProfileId": self._org.ids.new("00e"),
                **{name: s.user_id for name in ("CreatedById", "LastModifiedById")},
                **{name: now for name in ("CreatedDate", "LastModifiedDate", "SystemModstamp")},
            },
        )


def _record_id_in(request: FakeRequest) -> str | None:
    """The record a locked call was about, for the UNABLE_TO_LOCK_ROW message."""
    for part in reversed(request.path.rstrip("/").split("/")):
        if ids.is_id(part):
            return ids.to18(part)
    raw = request.param("ids")
    if raw:
        return raw.split(",")[0]
    try:
        body = request.json()
    except ValueError:
        return None
    records = body.get("records") if isinstance(body, dict) else None
    first = records[0] if isinstance(records, list) and records else None
    value = first.get("id") if isinstance(first, dict) else None
    return value if isinstance(value, str) else None
