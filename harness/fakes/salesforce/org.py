"""The state of one fake org: settings, schema, records, sessions, API usage, cursors, bulk jobs.

    org = Org(clock, Settings(instance_url="https://x.my.salesforce.com", ...))
    org.store.create(...); org.sessions.issue(); org.api_usage

Route handlers and the FakeSalesforce facade share this one object; its lock serialises
requests so a fake served over loopback behaves like the in-process one.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from harness.clock import Clock
from harness.fakes.salesforce import ids
from harness.fakes.salesforce.bulk_jobs import JobBook
from harness.fakes.salesforce.errors import ApiError, invalid_session, not_found
from harness.fakes.salesforce.metadata import Catalog, SObjectMeta
from harness.fakes.salesforce.query import QueryResult
from harness.fakes.salesforce.store import RecordStore

MIN_API_VERSION = 20.0
MAX_API_VERSION = 66.0  # Spring '26
SOAP_LOGIN_LAST_VERSION = 64.0  # SOAP login() is gone from API 65.0 on


@dataclass(frozen=True)
class Settings:
    instance_url: str
    login_hosts: tuple[str, ...]
    is_sandbox: bool
    org_id: str
    user_id: str
    username: str
    password: str
    security_token: str
    consumer_key: str
    consumer_secret: str
    daily_api_limit: int
    organization_name: str = "TalkQA Dev"
    user_first_name: str = "TalkQA"  # the API user's User record (Name: first and last)
    user_last_name: str = "Integration"

    def __repr__(self) -> str:  # keep secrets out of test failure output
        return f"Settings(instance_url={self.instance_url!r}, username={self.username!r}, ...)"


class Sessions:
    """Session ids (SOAP) and access tokens (OAuth) alike: both are Bearer tokens for REST."""

    def __init__(self, org_id: str) -> None:
        self._org_id = org_id
        self._active: set[str] = set()
        self.issued = 0

    def issue(self) -> str:
        self.issued += 1
        # Shaped like a real one: the org id, '!', then an opaque part.
        token = f"{self._org_id[:15]}!AQ{self.issued:04d}.{secrets.token_urlsafe(24)}"
        self._active.add(token)
        return token

    def is_valid(self, token: str | None) -> bool:
        return token is not None and token in self._active

    def revoke(self, token: str | None) -> None:
        self._active.discard(token or "")

    def revoke_all(self) -> None:
        self._active.clear()


@dataclass
class Cursor:
    """A query's result set, frozen at the first page so later pages do not shift."""

    endpoint: str  # "query" or "queryAll"
    result: QueryResult
    batch_size: int


@dataclass
class Org:
    clock: Clock
    settings: Settings
    catalog: Catalog = field(default_factory=Catalog.load)
    ids: ids.IdFactory = field(default_factory=ids.IdFactory)
    api_usage: int = 0
    cursors: dict[str, Cursor] = field(default_factory=dict)
    bulk: JobBook = field(default_factory=JobBook)  # Bulk API 2.0 ingest and query jobs
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.store = RecordStore(self.catalog, self.ids, self.settings.user_id)
        self.sessions = Sessions(self.settings.org_id)

    def sobject(self, name: str) -> SObjectMeta:
        """The object named in a URL; an unknown one is 404 NOT_FOUND, as on /sobjects/X/."""
        meta = self.catalog.get(name)
        if meta is None:
            raise not_found()
        return meta

    def sobject_for_write(self, name: str) -> SObjectMeta:
        """The object a Collections record names; problems are that record's error, not 404."""
        meta = self.catalog.get(name)
        if meta is None:
            raise ApiError(400, "INVALID_TYPE", f"sObject type '{name}' is not supported.", [])
        if not meta.createable:
            raise ApiError(
                400, "INVALID_TYPE_FOR_OPERATION", f"entity type cannot be inserted: {name}", []
            )
        return meta

    def authenticate(self, authorization: str | None) -> None:
        token = bearer_token(authorization)
        if not self.sessions.is_valid(token):
            raise invalid_session()

    def limit_info(self) -> dict[str, str]:
        return {"Sforce-Limit-Info": f"api-usage={self.api_usage}/{self.settings.daily_api_limit}"}


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    # Salesforce accepts "OAuth <token>" as well as "Bearer <token>".
    return token.strip() if scheme.lower() in ("bearer", "oauth") else None
