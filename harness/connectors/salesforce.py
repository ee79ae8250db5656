"""Salesforce through simple-salesforce: incremental reads, Collections writes, honest call counts.

    sf = SalesforceConnector(SalesforceSettings(JwtLogin("qa@x.test", key_id, pem)), sleep=nap)
    for page in sf.query_changed("Contact", ["FirstName"], since=mark): ...  # sf.calls counts
    sf.query_changed("Contact", fields, None, path=mapping.salesforce_path)  # Bulk when large

The one HTTP choke point to Salesforce. It logs in lazily on first use, retries transient faults
(RetryPolicy), lets simple-salesforce log in again on INVALID_SESSION_ID but at most once per
call (see _LoginGuard), counts every request at the session's adapters (transport.observe), and
turns every failure into an error from harness.errors with no secret in its message. Large
reads and writes go through Bulk API 2.0 jobs (salesforce_bulk.py) on the same call path.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError
from simple_salesforce.format import format_soql

from harness.clock import Clock, SystemClock
from harness.connectors.base import (
    CallCounter,
    PathChoice,
    RecordUpdate,
    SyncScope,
    SystemRecord,
    Value,
    WriteResult,
    rest_only,
)
from harness.connectors.http_errors import (
    TRANSIENT_STATUSES,
    contract_error,
    salesforce_error,
    transport_error,
)
from harness.connectors.retry import RetryPolicy, parse_retry_after
from harness.connectors.salesforce_bulk import BulkJobs, update_files, update_results
from harness.connectors.salesforce_records import (
    parse_bulk_rows,
    parse_create_results,
    parse_query_page,
    parse_save_results,
    query_total,
)
from harness.connectors.settings import (
    ClientCredentialsLogin,
    JwtLogin,
    OwnLogin,
    PasswordLogin,
    SalesforceSettings,
    SessionLogin,
    SharedLogin,
    own_login,
    simple_salesforce_login,
)
from harness.connectors.transport import Answer, CallObserver, Endpoint, Kind, observe
from harness.errors import (
    AuthenticationError,
    ConfigError,
    RetriableError,
    SessionExpiredError,
    TalkQAError,
)
from harness.redact import Redactor

T = TypeVar("T")

COLLECTION_LIMIT = 200  # records per sObject Collections request (Salesforce's cap)
FIRST_VERSION_WITHOUT_SOAP_LOGIN = 65.0
# SOAP fault codes and OAuth errors (RFC 6749 §5.2, §4.1.2.1) that mean "not now" rather than "no".
TRANSIENT_LOGIN_CODES = frozenset(
    {"SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "server_error", "temporarily_unavailable"}
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_DATA_PATH = re.compile(r"/services/data/v[0-9.]+/(?P<rest>.*)")
# jobs/ingest/750.../failedResults -> kind ingest, a job id, what of it
_BULK_PATH = re.compile(r"jobs/(?P<kind>ingest|query)(?:/(?P<job>[^/]+)(?:/(?P<part>[^/]+))?)?")
_BULK_PARTS = {
    "batches": "upload",
    "results": "results",
    "unprocessedrecords": "unprocessedRecords",
}
_BULK_JOB_METHODS = {"GET": "get", "DELETE": "delete", "PATCH": "state"}


class SalesforceConnector:
    """SalesforceApi over simple-salesforce; not thread-safe (one per worker)."""

    def __init__(
        self,
        settings: SalesforceSettings,
        *,
        session: requests.Session | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 5,
        all_or_none: bool = False,
        scope: SyncScope | None = None,
    ) -> None:
        self.settings = settings
        self.scope = scope or SyncScope()
        # Collections' allOrNone: true rolls a whole call back when one record fails, which
        # holds 199 good records back for one bad one. The engine keeps it false; the option
        # exists so a broken engine can show the checklist catches the mistake.
        self._all_or_none = all_or_none
        self.clock = clock or SystemClock()
        self.calls = CallCounter()
        self._version = _checked_version(settings)
        _check_login(own_login(settings.login), self._version)
        self._session = session or requests.Session()
        self._guard = _LoginGuard()
        self._observer: CallObserver = observe(
            self._session,
            salesforce_endpoint,
            self.calls,
            before_send=self._guard.before_send,
            after_answer=self._guard.after_answer,
        )
        self._retry = RetryPolicy(max_attempts=max_attempts, sleep=sleep)
        self._bulk = BulkJobs(self._bulk_call, sleep)  # polls pause with the retries' sleep
        self._secrets = _secrets_of(own_login(settings.login))
        self._renewed = False  # a session renewed in this call already
        self._sf: Salesforce | None = None

    # --- SalesforceApi ------------------------------------------------------------------

    def query_changed(
        self,
        object_name: str,
        fields: Sequence[str],
        since: datetime | None,
        path: PathChoice = rest_only,
    ) -> Iterator[list[SystemRecord]]:
        fields = _checked_fields(object_name, fields)
        scope = self.scope.salesforce_conditions(object_name)
        soql = changed_since_soql(object_name, fields, since, scope)
        # queryAll (include_deleted) so records in the recycle bin come back with IsDeleted=true;
        # page by page, never query_all, which would hold every record in memory at once.
        body = self._call(
            f"query of {object_name}", lambda sf: sf.query(soql, include_deleted=True)
        )
        records, next_url = parse_query_page(body, object_name, fields)
        yield records
        # The first page's totalSize is the count that decides, at no extra call: one more
        # page or a whole Bulk API 2.0 job for the rest.
        if next_url is not None and path(query_total(body, object_name)) == "bulk":
            bulk_soql = changed_since_soql(object_name, fields, since, scope, ordered=False)
            seen = {record.record_id for record in records}
            yield from self._bulk_pages(object_name, fields, bulk_soql, seen)
            return
        while next_url is not None:
            body = self._next_page(object_name, next_url)
            records, next_url = parse_query_page(body, object_name, fields)
            yield records

    def update_many(self, object_name: str, updates: Sequence[RecordUpdate]) -> list[WriteResult]:
        _checked_name(object_name)
        results: list[WriteResult] = []
        for start in range(0, len(updates), COLLECTION_LIMIT):
            results += self._update_chunk(object_name, updates[start : start + COLLECTION_LIMIT])
        return results

    def bulk_update_many(
        self, object_name: str, updates: Sequence[RecordUpdate]
    ) -> list[WriteResult]:
        _checked_name(object_name)
        results: list[WriteResult] = []
        for chunk, data in update_files(object_name, updates):
            outcome = self._bulk.update(object_name, data, len(chunk))
            results += update_results(chunk, outcome, f"Bulk API 2.0 update of {object_name}")
        return results

    def create_many(
        self, object_name: str, records: Sequence[Mapping[str, Value]]
    ) -> list[WriteResult]:
        _checked_name(object_name)
        results: list[WriteResult] = []
        for start in range(0, len(records), COLLECTION_LIMIT):
            results += self._create_chunk(object_name, records[start : start + COLLECTION_LIMIT])
        return results

    def is_sandbox(self) -> bool:
        body = self._call(
            "query of Organization",
            lambda sf: sf.query("SELECT IsSandbox FROM Organization LIMIT 1"),
        )
        records = body.get("records") if isinstance(body, dict) else None
        flag = records[0].get("IsSandbox") if records and isinstance(records[0], dict) else None
        if not isinstance(flag, bool):
            raise contract_error(
                "Salesforce", "query of Organization", f"no boolean IsSandbox in {body!r}"
            )
        return flag

    # --- one call: login, retries, error mapping ------------------------------------------

    def _bulk_pages(
        self, object_name: str, fields: Sequence[str], soql: str, seen: set[str]
    ) -> Iterator[list[SystemRecord]]:
        """A queryAll job's result sets as pages, less the records the first page held."""
        for text in self._bulk.query(object_name, soql):
            yield [r for r in parse_bulk_rows(text, object_name, fields) if r.record_id not in seen]

    def _next_page(self, object_name: str, next_url: str) -> Any:
        return self._call(
            f"query of {object_name} (next page)",
            lambda sf: sf.query_more(next_url, identifier_is_url=True),
        )

    def _update_chunk(self, object_name: str, chunk: Sequence[RecordUpdate]) -> list[WriteResult]:
        payload = {
            "allOrNone": self._all_or_none,
            "records": [_collection_record(object_name, u) for u in chunk],
        }
        # Retrying this write is safe: a Collections PATCH sets fields to given values, so doing it
        # twice leaves the same state as once (unlike a create, which would duplicate records).
        body = self._call(
            f"composite/sobjects update of {len(chunk)} {object_name}",
            lambda sf: sf.restful("composite/sobjects", method="PATCH", json=payload),
        )
        return parse_save_results(body, object_name, chunk)

    def _create_chunk(
        self, object_name: str, chunk: Sequence[Mapping[str, Value]]
    ) -> list[WriteResult]:
        payload = {
            "allOrNone": self._all_or_none,
            "records": [_new_record(object_name, values) for values in chunk],
        }
        body = self._call(
            f"composite/sobjects create of {len(chunk)} {object_name}",
            lambda sf: sf.restful("composite/sobjects", method="POST", json=payload),
            retry=False,
        )
        return parse_create_results(body, object_name, len(chunk))

    def _bulk_call(
        self, what: str, operation: Callable[[Salesforce], T], *, retry: bool = True
    ) -> T:
        # simple-salesforce logs in again only inside its own REST calls, not for the raw
        # Bulk API requests; the connector does it for them, once per call.
        return self._call(what, operation, retry=retry, relogin=True)

    def _call(
        self,
        what: str,
        operation: Callable[[Salesforce], T],
        *,
        retry: bool = True,
        relogin: bool = False,
    ) -> T:
        self._guard.start_call()
        self._renewed = False
        if not retry:  # a create: a transient error goes back to the caller, not out again
            return self._attempt(what, operation, relogin)
        return self._retry.call(lambda: self._attempt(what, operation, relogin))

    def _attempt(self, what: str, operation: Callable[[Salesforce], T], relogin: bool) -> T:
        sf = self._client()
        try:
            return operation(sf)
        except SalesforceAuthenticationFailed as exc:  # the re-login inside simple-salesforce
            raise self._login_error(exc) from None
        except SalesforceError as exc:
            if self._renewed_session(exc, relogin):
                return self._attempt(what, operation, relogin)
            raise self._api_error(exc, what) from None
        except _LoginRefusedError:
            raise AuthenticationError(
                f"Salesforce {what}: the session was refused again right after logging in anew "
                f"as {_who(own_login(self.settings.login))}; not logging in a third time"
            ) from None
        except requests.exceptions.JSONDecodeError:
            raise contract_error("Salesforce", what, "answer is not JSON") from None
        except requests.RequestException as exc:
            raise transport_error(
                exc, system="Salesforce", what=what, url=self._last_url()
            ) from None
        except (KeyError, IndexError, TypeError) as exc:
            # simple-salesforce reads result.json()[0]['errorCode'] from every 401; a 401 that is
            # not a Salesforce error list makes it crash with one of these.
            raise contract_error("Salesforce", what, f"unreadable 401 answer ({exc!r})") from None

    def _renewed_session(self, exc: SalesforceError, relogin: bool) -> bool:
        """The session expired: a run's shared one is taken fresh from its source, and for a
        call simple-salesforce does not log in again for (relogin) the connector logs in anew;
        once per call. A given session (SessionLogin) cannot be renewed."""
        login = self.settings.login
        if exc.status != 401 or self._sf is None or self._renewed:
            return False
        if isinstance(login, SharedLogin):
            login.sessions.renew(self._sf.session_id)
        elif not relogin or isinstance(login, SessionLogin):
            return False
        self._renewed = True
        self._sf = None
        return True

    def _client(self) -> Salesforce:
        if self._sf is None:
            with self._guard.first_login():
                self._sf = self._login()
        return self._sf

    def _login(self) -> Salesforce:
        try:
            return Salesforce(
                session=self._session,
                version=self._version,
                **simple_salesforce_login(self.settings.login),
            )
        except SalesforceAuthenticationFailed as exc:
            raise self._login_error(exc) from None
        except requests.RequestException as exc:
            raise transport_error(
                exc, system="Salesforce", what="login", url=self._last_url()
            ) from None

    def _login_error(self, exc: SalesforceAuthenticationFailed) -> TalkQAError:
        status = self._observer.last.status if self._observer.last else None
        reason = " ".join(f"{exc.code or ''} {exc.auth_message}".split())[:300]
        text = self._redactor.text(
            f"Salesforce login as {_who(own_login(self.settings.login))} failed: {reason}"
        )
        if _transient_login_failure(status, exc.code):
            return RetriableError(text, retry_after=self._retry_after())
        return AuthenticationError(text)

    def _api_error(self, exc: SalesforceError, what: str) -> TalkQAError:
        error = salesforce_error(
            exc.status,
            exc.content,
            what=what,
            retry_after=self._retry_after(),
            redactor=self._redactor,
        )
        if isinstance(error, SessionExpiredError):
            # simple-salesforce already logged in again where it could; what is left is final.
            if isinstance(self.settings.login, SessionLogin):
                return AuthenticationError(
                    f"Salesforce session for {_who(self.settings.login)} expired; supply a new one"
                )
            return AuthenticationError(str(error))
        return error

    @property
    def _redactor(self) -> Redactor:
        # The session id changes with every login, so the mask list is built when needed.
        session_id = [self._sf.session_id] if self._sf is not None else []
        return Redactor([*self._secrets, *session_id])

    def _retry_after(self) -> float | None:
        last = self._observer.last
        return parse_retry_after(last.headers.get("Retry-After")) if last else None

    def _last_url(self) -> str:
        return (
            self._sf.base_url
            if self._sf is not None
            else _login_host(own_login(self.settings.login))
        )


class _LoginRefusedError(Exception):
    """Raised at the adapter to stop a second fresh login within one call."""


class _LoginGuard:
    """Allows one successful re-login per call, counted where the login request is sent.

    simple-salesforce logs in again on its own when a call answers 401 INVALID_SESSION_ID, up to
    three times and before checking its own limit. Refusing the request at the adapter is the one
    public seam that bounds this: a failed login attempt (503) does not use the allowance.
    """

    def __init__(self) -> None:
        self._relogins_left = 0
        self._unlimited = False

    def start_call(self) -> None:
        self._relogins_left = 1

    def first_login(self) -> _Unlimited:
        return _Unlimited(self)

    def before_send(self, endpoint: Endpoint) -> None:
        if endpoint.name == "login" and not self._unlimited and self._relogins_left <= 0:
            raise _LoginRefusedError

    def after_answer(self, answer: Answer) -> None:
        if answer.endpoint.name == "login" and answer.status == 200 and not self._unlimited:
            self._relogins_left -= 1


class _Unlimited:
    def __init__(self, guard: _LoginGuard) -> None:
        self._guard = guard

    def __enter__(self) -> None:
        self._guard._unlimited = True

    def __exit__(self, *exc: object) -> None:
        self._guard._unlimited = False


# --- pure helpers ------------------------------------------------------------------------


def changed_since_soql(
    object_name: str,
    fields: Sequence[str],
    since: datetime | None,
    scope_conditions: Sequence[str] = (),
    *,
    ordered: bool = True,
) -> str:
    """SOQL for records changed at or after since (all when None) within the flow's scope
    (SyncScope.salesforce_conditions), oldest first; unordered for a Bulk API 2.0 job, where
    "ORDER BY or LIMIT [...] disable PKChunking for the query" ("Create a Query Job",
    https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_create_job.htm)."""
    select = ", ".join(["Id", *fields, "SystemModstamp", "IsDeleted"])
    conditions = []
    if since is not None:
        if since.tzinfo is None:
            raise ValueError(f"since must be timezone-aware, got {since!r}")
        # format_soql drops the microseconds; rounding down keeps the filter inclusive.
        conditions.append(format_soql("SystemModstamp >= {}", since))
    conditions += scope_conditions
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    order = " ORDER BY SystemModstamp, Id" if ordered else ""
    return f"SELECT {select} FROM {object_name}{where}{order}"


def salesforce_endpoint(method: str, url: str) -> Endpoint | None:
    """Name and kind of a Salesforce request, for CallCounter; None for another system's URL."""
    path = urlsplit(url).path
    if path.startswith("/services/Soap/u/") or path == "/services/oauth2/token":
        return Endpoint("login", "read")  # a login costs a call like any read
    match = _DATA_PATH.fullmatch(path)
    if match is None:
        return None
    rest = match["rest"].rstrip("/")
    kind: Kind = "read" if method in ("GET", "HEAD") else "write"
    if rest in ("query", "queryAll"):
        return Endpoint("query", "read")
    if rest.startswith(("query/", "queryAll/")):
        return Endpoint("query.more", "read")
    if rest.startswith("composite/sobjects"):
        return Endpoint(f"composite.sobjects.{method.lower()}", kind)
    bulk = _BULK_PATH.fullmatch(rest)
    if bulk is not None:
        return _bulk_endpoint(method, bulk, kind)
    if rest.startswith("sobjects"):
        return Endpoint(f"sobject.{method.lower()}", kind)
    return Endpoint(rest.split("/", 1)[0] or "root", kind)


def _bulk_endpoint(method: str, match: re.Match[str], kind: Kind) -> Endpoint:
    """Bulk API 2.0 calls by the names of the guide's resources (and of the fake's routes):
    bulk2.ingest.create, .upload, .state, .get, .failedResults; bulk2.query.create, .results."""
    job, part = match["job"], match["part"]
    if job is None:
        action = "create" if method == "POST" else "list"
    elif part is None:
        action = _BULK_JOB_METHODS.get(method, method.lower())
        if match["kind"] == "query" and action == "state":
            action = "abort"  # the one state change a query job takes
    else:
        action = _BULK_PARTS.get(part.lower(), part)
    if match["kind"] == "query" and action == "create":
        kind = "read"  # a query job writes nothing to the org
    return Endpoint(f"bulk2.{match['kind']}.{action}", kind)


def _collection_record(object_name: str, update: RecordUpdate) -> dict[str, Any]:
    _refuse_reserved(f"update of {object_name} {update.record_id}", update.values)
    # None goes out as JSON null, which clears the field in Salesforce.
    return {"attributes": {"type": object_name}, "id": update.record_id, **update.values}


def _new_record(object_name: str, values: Mapping[str, Value]) -> dict[str, Any]:
    _refuse_reserved(f"create of {object_name}", values)
    return {"attributes": {"type": object_name}, **values}


def _refuse_reserved(what: str, values: Mapping[str, Value]) -> None:
    """Id and attributes are the Collections call's own keys; a field of that name is a bug."""
    reserved = {"id", "attributes"} & {name.lower() for name in values}
    if reserved:
        raise ConfigError(f"{what} sets reserved key(s) {sorted(reserved)}")


def _checked_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ConfigError(f"{name!r} is not a Salesforce API name (letters, digits, underscores)")
    return name


def _checked_fields(object_name: str, fields: Sequence[str]) -> list[str]:
    _checked_name(object_name)
    always = {"id", "systemmodstamp", "isdeleted"}  # selected anyway
    return [_checked_name(f) for f in dict.fromkeys(fields) if f.lower() not in always]


def _checked_version(settings: SalesforceSettings) -> str:
    version = settings.api_version
    if not re.fullmatch(r"[0-9]+\.[0-9]", version):
        raise ConfigError(
            f"Salesforce api_version {version!r} should look like '59.0' (no leading 'v')"
        )
    return version


def _check_login(login: OwnLogin, version: str) -> None:
    if isinstance(login, PasswordLogin) and float(version) >= FIRST_VERSION_WITHOUT_SOAP_LOGIN:
        raise ConfigError(
            f"Salesforce password login uses SOAP login(), which API {version} no longer offers "
            "(gone from 65.0); use JwtLogin or ClientCredentialsLogin, or api_version <= 64.0"
        )
    if isinstance(login, ClientCredentialsLogin) and login.domain in ("", "login", "test"):
        raise ConfigError(
            "Salesforce client credentials need the org's My Domain "
            f"(e.g. 'mycompany--qa.sandbox.my'), not {login.domain or 'an empty domain'!r}"
        )


def _transient_login_failure(status: int | None, code: str | int | None) -> bool:
    # SOAP answers every login fault with HTTP 500, a wrong password included, so the fault code
    # decides; simple-salesforce puts the status there when the body was not a SOAP fault.
    if isinstance(code, str):
        return code in TRANSIENT_LOGIN_CODES or (status in TRANSIENT_STATUSES and status != 500)
    return status in TRANSIENT_STATUSES or code in TRANSIENT_STATUSES


def _secrets_of(login: OwnLogin) -> list[str]:
    if isinstance(login, PasswordLogin):
        return [login.password, login.security_token, login.password + login.security_token]
    if isinstance(login, SessionLogin):
        return [login.session_id]
    if isinstance(login, JwtLogin):
        return [login.private_key]
    return [login.consumer_secret]


def _login_host(login: OwnLogin) -> str:
    if isinstance(login, SessionLogin):
        return login.instance_url
    return f"https://{login.domain}.salesforce.com"


def _who(login: OwnLogin) -> str:
    """The user and where, for messages: never a password, token or session id."""
    if isinstance(login, SessionLogin):
        return urlsplit(login.instance_url).netloc or login.instance_url
    host = urlsplit(_login_host(login)).netloc
    if isinstance(login, ClientCredentialsLogin):
        return f"the connected app (client credentials) at {host}"
    return f"{login.username} at {host}"
