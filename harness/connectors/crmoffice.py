"""Crmoffice over requests: OAuth2 token, keyset-paged reads, idempotent creates, partial updates.

    crm = CrmofficeConnector(world.crmoffice_settings(), sleep=lambda seconds: None)
    result = crm.create("contacts", {"givenName": "Ada"}, idempotency_key="link-42")

The one HTTP choke point to Crmoffice, following fixtures/crmoffice-openapi.yaml. It fetches a
token lazily and keeps it; a 401 gets one fresh token (refresh_token grant when it has one, else
client credentials) and one more try; transient faults are retried (RetryPolicy); a record the
API rejects (400) is a WriteResult with ok=False, not an exception; every request is counted at
the session's adapters (transport.observe); no error message carries a token or a secret.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from harness.connectors.base import (
    CallCounter,
    RecordUpdate,
    SyncScope,
    SystemRecord,
    Value,
    WriteResult,
)
from harness.connectors.crmoffice_records import (
    KNOWN_TYPES,
    created_at,
    parse_list_page,
    parse_written,
    wire_timestamp,
)
from harness.connectors.http_errors import contract_error, crmoffice_error, transport_error
from harness.connectors.retry import RetryPolicy, parse_retry_after
from harness.connectors.settings import CrmofficeSettings
from harness.connectors.transport import CallObserver, Endpoint, observe
from harness.errors import (
    AuthenticationError,
    ConfigError,
    NotFoundError,
    RecordRejectedError,
    SessionExpiredError,
    TalkQAError,
)
from harness.redact import Redactor

MAX_PAGE_SIZE = 1000  # the contract's maximum for `limit`
TIMEOUT = (10.0, 60.0)  # connect, read: a hung server must not hang a sync cycle


@dataclass
class _CallState:
    """One logical call: it may fetch a fresh token once, whatever its retries do."""

    refreshed: bool = False


class CrmofficeConnector:
    """CrmofficeApi over requests; not thread-safe (one per worker)."""

    def __init__(
        self,
        settings: CrmofficeSettings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 5,
        page_size: int = MAX_PAGE_SIZE,
        scope: SyncScope | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ConfigError(f"Crmoffice page_size must be 1..{MAX_PAGE_SIZE}, got {page_size}")
        self.settings = settings
        self.scope = scope or SyncScope()
        self.calls = CallCounter()
        self.page_size = page_size
        self._base = settings.base_url.rstrip("/")
        self._session = session or requests.Session()
        self._observer: CallObserver = observe(self._session, self._endpoint, self.calls)
        self._retry = RetryPolicy(max_attempts=max_attempts, sleep=sleep)
        self._access_token: str | None = None
        self._refresh_token = settings.refresh_token

    # --- CrmofficeApi ---------------------------------------------------------------------

    def list_changed(
        self, type_name: str, fields: Sequence[str], since: datetime | None
    ) -> Iterator[list[SystemRecord]]:
        _checked_type(type_name)
        params = {"limit": str(self.page_size), "includeDeleted": "true"}
        # Full Sync off: what was made before onboarding was last changed before it too, or
        # is dropped below; a record made after it was also changed after it.
        floor = max((t for t in (since, self.scope.onboarded_at) if t is not None), default=None)
        if floor is not None:
            params["updatedSince"] = wire_timestamp(floor)
        while True:
            body = self._read(f"GET /{type_name}", f"/{type_name}", params)
            records, cursor = parse_list_page(
                _in_scope(body, type_name, self.scope), type_name, fields
            )
            yield records
            if cursor is None:
                return
            if cursor == params.get("cursor"):
                raise contract_error("Crmoffice", f"list of {type_name}", "nextCursor repeats")
            params = {**params, "cursor": cursor}

    def create(
        self, type_name: str, values: Mapping[str, Value], idempotency_key: str
    ) -> WriteResult:
        _checked_type(type_name)
        if not idempotency_key:
            raise ConfigError(f"a Crmoffice create of {type_name} needs an idempotency key")
        # Retrying a POST is safe only because of the Idempotency-Key: a repeat (even one whose
        # first answer was lost to a timeout) returns the record created first, not a second one.
        headers = {"Idempotency-Key": idempotency_key}
        what = f"POST /{type_name}"
        try:
            body = self._send(
                "POST", f"/{type_name}", what=what, json=dict(values), headers=headers
            )
        except RecordRejectedError as exc:
            return _rejected(None, exc)
        return WriteResult(record_id=parse_written(body, type_name), ok=True)

    def update(self, type_name: str, update: RecordUpdate) -> WriteResult:
        _checked_type(type_name)
        if not update.record_id.isdigit():
            raise NotFoundError(f"no Crmoffice {type_name} {update.record_id!r}: ids are integers")
        # A PATCH sets the given values, so repeating it after a lost answer changes nothing more.
        path = f"/{type_name}/{update.record_id}"
        try:
            body = self._send("PATCH", path, what=f"PATCH {path}", json=dict(update.values))
        except RecordRejectedError as exc:
            return _rejected(update.record_id, exc)
        parse_written(body, type_name)
        return WriteResult(record_id=update.record_id, ok=True)

    # --- one call: token, retries, error mapping ------------------------------------------

    def _read(self, what: str, path: str, params: Mapping[str, str]) -> Any:
        try:
            return self._send("GET", path, what=what, params=params)
        except RecordRejectedError as exc:  # a 400 on a read is our request's fault, not data's
            raise ConfigError(str(exc)) from None

    def _send(
        self,
        method: str,
        path: str,
        *,
        what: str,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        state = _CallState()
        url = self._base + path
        return self._retry.call(
            lambda: self._attempt(state, method, url, what, params, json, headers or {})
        )

    def _attempt(
        self,
        state: _CallState,
        method: str,
        url: str,
        what: str,
        params: Mapping[str, str] | None,
        json: Any,
        headers: Mapping[str, str],
    ) -> Any:
        def send() -> requests.Response:
            auth = {"Authorization": f"Bearer {self._token()}", **headers}
            return self._request(method, url, what, params=params, json=json, headers=auth)

        response = send()
        if response.status_code == 401 and not state.refreshed:
            state.refreshed = True
            if self.settings.tokens is not None:
                self.settings.tokens.drop(self._access_token)
            self._access_token = None  # the token expired or was revoked: get a fresh one
            response = send()
        if response.status_code >= 300:
            raise self._final(self._error(response, what))
        return _json_or_none(response, what, self._redactor)

    def _token(self) -> str:
        tokens = self.settings.tokens
        if self._access_token is None and tokens is not None:
            self._access_token = tokens.get()
        if self._access_token is None:
            self._access_token = self._fetch_token()
            if tokens is not None:
                tokens.put(self._access_token)
        return self._access_token

    def _fetch_token(self) -> str:
        if self._refresh_token is not None:
            try:
                return self._grant(
                    {"grant_type": "refresh_token", "refresh_token": self._refresh_token}
                )
            except AuthenticationError:
                self._refresh_token = None  # revoked or expired: the client credentials still work
        return self._grant({"grant_type": "client_credentials", "scope": self.settings.scope})

    def _grant(self, grant: Mapping[str, str]) -> str:
        form = {
            **grant,
            "client_id": self.settings.client_id,
            "client_secret": self.settings.client_secret,
        }
        what = f"token request ({grant['grant_type']}) for client {self.settings.client_id!r}"
        response = self._request("POST", self.settings.token_url, what, data=form)
        if response.status_code != 200:
            error = self._error(response, what)
            if isinstance(error, RecordRejectedError | SessionExpiredError):
                raise AuthenticationError(str(error))  # 400 invalid_grant, 401 invalid_client
            raise error
        body = _json_or_none(response, what, self._redactor)
        token = body.get("access_token") if isinstance(body, Mapping) else None
        if not isinstance(token, str) or not token:
            raise contract_error("Crmoffice", what, "answer has no access_token")
        refresh = body.get("refresh_token")
        self._refresh_token = (
            refresh if isinstance(refresh, str) and refresh else self._refresh_token
        )
        return token

    def _request(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        try:
            return self._session.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise transport_error(exc, system="Crmoffice", what=what, url=url) from None

    def _error(self, response: requests.Response, what: str) -> TalkQAError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return crmoffice_error(
            response.status_code, body, what=what, retry_after=retry_after, redactor=self._redactor
        )

    def _final(self, error: TalkQAError) -> TalkQAError:
        if isinstance(error, SessionExpiredError):  # a fresh token was refused too
            return AuthenticationError(f"{error} (after fetching a fresh token)")
        return error

    @property
    def _redactor(self) -> Redactor:
        # Tokens change with every grant, so the mask list is built when a message is.
        secrets = (self.settings.client_secret, self.settings.refresh_token)
        return Redactor([s for s in (*secrets, self._access_token, self._refresh_token) if s])

    def _endpoint(self, method: str, url: str) -> Endpoint | None:
        """Route name and kind for CallCounter, named like the fake's routes."""
        if url.split("?", 1)[0] == self.settings.token_url:
            return Endpoint("oauth.token", "read")
        if not url.startswith(self._base + "/"):
            return None
        parts = urlsplit(url).path[len(urlsplit(self._base).path) :].strip("/").split("/")
        single = len(parts) > 1
        action = {
            "GET": "get" if single else "list",
            "POST": "create",
            "PATCH": "update",
            "DELETE": "delete",
        }.get(method, method.lower())
        return Endpoint(f"{parts[0]}.{action}", "read" if method == "GET" else "write")


def _checked_type(type_name: str) -> None:
    if type_name not in KNOWN_TYPES:
        raise ConfigError(
            f"no Crmoffice type {type_name!r} in fixtures/crmoffice-openapi.yaml; "
            f"known: {', '.join(KNOWN_TYPES)}"
        )


def _rejected(record_id: str | None, exc: RecordRejectedError) -> WriteResult:
    return WriteResult(
        record_id=record_id, ok=False, error_code=exc.code, message=str(exc), fields=exc.fields
    )


def _json_or_none(response: requests.Response, what: str, redactor: Redactor) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise contract_error(
            "Crmoffice", what, f"answer is not JSON: {response.text[:200]!r}", redactor
        ) from None


def _in_scope(body: Any, type_name: str, scope: SyncScope) -> Any:
    """The page without the records made before onboarding (Full Sync off)."""
    if scope.onboarded_at is None or not isinstance(body, Mapping):
        return body
    items = body.get("items")
    if not isinstance(items, list):
        return body  # parse_list_page names what is wrong with it
    kept = [i for i in items if scope.takes_crmoffice(created_at(i, type_name))]
    return {**body, "items": kept}
