"""The checklist's own view of both systems, through their public APIs only.

    sf = SalesforceQaClient.login(settings, session=requests.Session())
    sf.create("Contact", {"LastName": "Nordmann"}); crm.get("contacts", 1001)

These clients are deliberately separate from the engine's connectors: a "then" step that
checked the systems through the engine's own code could share the engine's mistakes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from simple_salesforce import Salesforce  # type: ignore[attr-defined]
from simple_salesforce.exceptions import SalesforceError
from simple_salesforce.format import format_soql

from harness.connectors.settings import (
    CrmofficeSettings,
    SalesforceLogin,
    SalesforceSettings,
    SharedLogin,
    own_login,
    simple_salesforce_login,
)
from harness.errors import AuthenticationError, NotFoundError, TalkQAError, UnreachableError

COLLECTIONS_LIMIT = 200  # records in one sObject Collections call
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class QaApiError(TalkQAError):
    """A system refused a call the checklist made (the body says why)."""

    def __init__(self, message: str, *, status: int, body: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def unreachable(what: str, error: requests.RequestException) -> UnreachableError:
    """One line: what could not be reached and the kind of failure, never the whole chain
    (a connection error's text can run to pages and may carry a URL with a token in it)."""
    return UnreachableError(
        f"{what} cannot be reached ({type(error).__name__}); check the host in the settings"
        " and the network"
    )


def login_place(login: SalesforceLogin) -> str:
    """Where a login goes, for messages: 'Salesforce login at test.salesforce.com'."""
    where = simple_salesforce_login(own_login(login))
    host = where.get("instance_url") or f"{where.get('domain', 'login')}.salesforce.com"
    return f"Salesforce login at {host}"


class SalesforceQaClient:
    def __init__(self, client: Salesforce, settings: SalesforceSettings | None = None) -> None:
        self._sf = client
        self._settings = settings

    @classmethod
    def login(
        cls, settings: SalesforceSettings, *, session: requests.Session
    ) -> SalesforceQaClient:
        try:
            client = Salesforce(
                session=session,
                version=settings.api_version,
                **simple_salesforce_login(settings.login),
            )
        except SalesforceError as error:
            raise AuthenticationError(f"Salesforce login refused ({error.status})") from None
        except requests.RequestException as error:
            raise unreachable(login_place(settings.login), error) from None
        return cls(client, settings)

    def _renewed(self, error: SalesforceError) -> bool:
        """A run's shared session expired: reconnect with a fresh one (the caller retries once)."""
        login = self._settings.login if self._settings else None
        if error.status != 401 or not isinstance(login, SharedLogin):
            return False
        fresh = login.sessions.renew(self._sf.session_id)
        self._sf = Salesforce(
            session=self._sf.session,
            version=self._settings.api_version if self._settings else None,
            session_id=fresh.session_id,
            instance_url=fresh.instance_url,
        )
        return True

    @property
    def api_usage(self) -> str:
        return repr(self._sf.api_usage)

    def create(self, object_name: str, fields: Mapping[str, Any]) -> str:
        result = self._call("POST", f"sobjects/{object_name}/", json=dict(fields))
        return str(result["id"])

    def update(self, object_name: str, record_id: str, fields: Mapping[str, Any]) -> None:
        self._call("PATCH", f"sobjects/{object_name}/{record_id}", json=dict(fields))

    def delete(self, object_name: str, record_id: str) -> None:
        self._call("DELETE", f"sobjects/{object_name}/{record_id}")

    def create_many(self, object_name: str, records: Sequence[Mapping[str, Any]]) -> list[str]:
        """sObject Collections POST, 200 records a call, all or none: the new ids in order."""
        ids: list[str] = []
        for chunk in _chunks(records, COLLECTIONS_LIMIT):
            body = [{"attributes": {"type": object_name}, **fields} for fields in chunk]
            ids += self._collection("POST", object_name, body)
        return ids

    def delete_many(self, record_ids: Sequence[str]) -> dict[str, str]:
        """sObject Collections DELETE, 200 ids a call, each record on its own (allOrNone false):
        record id -> "" when deleted, else the error's statusCode (results come in id order)."""
        outcome: dict[str, str] = {}
        for chunk in _chunks(record_ids, COLLECTIONS_LIMIT):
            params = {"ids": ",".join(chunk), "allOrNone": "false"}
            results = self._call("DELETE", "composite/sobjects", params=params)
            for record_id, result in zip(chunk, results, strict=True):
                errors = result.get("errors") or [{}]
                outcome[record_id] = (
                    "" if result.get("success") else str(errors[0].get("statusCode"))
                )
        return outcome

    def update_many(self, object_name: str, updates: Mapping[str, Mapping[str, Any]]) -> None:
        """sObject Collections PATCH of record id -> fields, 200 a call, all or none."""
        items = [
            {"attributes": {"type": object_name}, "id": rid, **fields}
            for rid, fields in updates.items()
        ]
        for chunk in _chunks(items, COLLECTIONS_LIMIT):
            self._collection("PATCH", object_name, list(chunk))

    def _collection(
        self, method: str, object_name: str, records: list[dict[str, Any]]
    ) -> list[str]:
        results = self._call(
            method, "composite/sobjects", json={"allOrNone": True, "records": records}
        )
        refused = [r for r in results if not r.get("success")]
        if refused:
            raise QaApiError(
                f"Salesforce {method} composite/sobjects refused {len(refused)} of"
                f" {len(records)} {object_name} records: {refused[0].get('errors')!r}",
                status=200,
                body=refused,
            )
        return [str(r["id"]) for r in results]

    def get(self, object_name: str, record_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"sobjects/{object_name}/{record_id}"))

    def query(self, soql: str, **params: Any) -> list[dict[str, Any]]:
        text = format_soql(soql, **params) if params else soql
        try:
            try:
                result = self._sf.query_all(text)
            except SalesforceError as error:
                if not self._renewed(error):
                    raise
                result = self._sf.query_all(text)
        except requests.RequestException as error:
            raise unreachable(f"Salesforce {self._sf.sf_instance} (query)", error) from None
        except SalesforceError as error:
            if error.status == 401:
                raise AuthenticationError(
                    "Salesforce refused the session for a query (401 INVALID_SESSION_ID:"
                    " expired or revoked); log in again"
                ) from None
            raise QaApiError(
                f"Salesforce query answered {error.status}: {error.content!r}",
                status=error.status,
                body=error.content,
            ) from None
        return [dict(record) for record in result["records"]]

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            try:
                return self._sf.restful(path, method=method, **kwargs)
            except SalesforceError as error:
                if not self._renewed(error):
                    raise
                return self._sf.restful(path, method=method, **kwargs)
        except requests.RequestException as error:
            raise unreachable(
                f"Salesforce {self._sf.sf_instance} ({method} {path})", error
            ) from None
        except SalesforceError as error:
            if error.status == 401:
                raise AuthenticationError(
                    f"Salesforce refused the session for {method} {path} (401"
                    " INVALID_SESSION_ID: expired or revoked); log in again"
                ) from None
            if error.status == 404:
                raise NotFoundError(f"Salesforce {path}: {error.content!r}") from None
            raise QaApiError(
                f"Salesforce {method} {path} answered {error.status}: {error.content!r}",
                status=error.status,
                body=error.content,
            ) from None


class CrmofficeQaClient:
    def __init__(self, settings: CrmofficeSettings, *, session: requests.Session) -> None:
        self._settings = settings
        self._session = session
        self._token: str | None = None

    def authenticate(self) -> None:
        """Get a token now, so wrong credentials stop a run before its first scenario."""
        self._access_token()

    def create(self, type_name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self._call("POST", f"/{type_name}", json=dict(fields)))

    def update(self, type_name: str, record_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self._call("PATCH", f"/{type_name}/{record_id}", json=dict(fields)))

    def delete(self, type_name: str, record_id: int) -> None:
        self._call("DELETE", f"/{type_name}/{record_id}")

    def get(self, type_name: str, record_id: int) -> dict[str, Any]:
        return dict(self._call("GET", f"/{type_name}/{record_id}"))

    def list_all(
        self, type_name: str, *, updated_since: datetime | None = None
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 1000}
        if updated_since is not None:
            # RFC 3339 with milliseconds, truncated: the filter is inclusive, so nothing is lost.
            utc = updated_since.astimezone(UTC)
            params["updatedSince"] = f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"
        while True:
            page = self._call("GET", f"/{type_name}", params=params)
            items.extend(page["items"])
            if not page.get("nextCursor"):
                return items
            params["cursor"] = page["nextCursor"]

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        if response.status_code == 401:  # token expired: one fresh token, then give up
            if self._settings.tokens is not None:
                self._settings.tokens.drop(self._token)
            self._token = None
            response = self._send(method, path, **kwargs)
        if response.status_code == 404:
            raise NotFoundError(f"Crmoffice {path}: {response.text}")
        if response.status_code >= 300:
            raise QaApiError(
                f"Crmoffice {method} {path} answered {response.status_code}: {response.text}",
                status=response.status_code,
                body=response.text,
            )
        return response.json() if response.content else None

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self._access_token()}"}
        try:
            return self._session.request(
                method, self._settings.base_url + path, headers=headers, timeout=30, **kwargs
            )
        except requests.RequestException as error:
            raise unreachable(
                f"Crmoffice {method} {self._settings.base_url}{path}", error
            ) from None

    def _access_token(self) -> str:
        if self._token is None and self._settings.tokens is not None:
            self._token = self._settings.tokens.get()
        if self._token is None:
            try:
                response = self._session.post(
                    self._settings.token_url,
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self._settings.client_id,
                        "client_secret": self._settings.client_secret,
                        "scope": self._settings.scope,
                    },
                    timeout=30,
                )
            except requests.RequestException as error:
                raise unreachable(
                    f"Crmoffice token URL {self._settings.token_url}", error
                ) from None
            if response.status_code != 200:
                raise AuthenticationError(
                    f"Crmoffice token endpoint {self._settings.token_url} refused client "
                    f"{self._settings.client_id!r} ({response.status_code})"
                )
            self._token = str(response.json()["access_token"])
            if self._settings.tokens is not None:
                self._settings.tokens.put(self._token)
        return self._token
