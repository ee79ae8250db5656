"""How to reach each system: plain data, secrets kept out of repr.

sf = SalesforceSettings(PasswordLogin("qa@example.com", "pw", "token", domain="test"))
crm = CrmofficeSettings("https://api.crmoffice.test", "https://id.crmoffice.test/connect/token",
                        "client-id", "secret")
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

DEFAULT_SALESFORCE_API_VERSION = "59.0"  # SOAP password login is gone from 65.0 on


@dataclass(frozen=True)
class PasswordLogin:
    """SOAP login with password + security token (API version must be <= 64.0)."""

    username: str
    password: str = field(repr=False)
    security_token: str = field(repr=False)
    domain: str = "test"  # "test" for sandboxes, or "<mydomain>--<sbx>.sandbox.my"


@dataclass(frozen=True)
class SessionLogin:
    """An existing session id for an instance; it cannot be refreshed."""

    instance_url: str
    session_id: str = field(repr=False)


@dataclass(frozen=True)
class JwtLogin:
    """OAuth 2.0 JWT bearer flow with a connected app's certificate key."""

    username: str
    consumer_key: str
    private_key: str = field(repr=False)  # PEM text
    domain: str = "test"


@dataclass(frozen=True)
class ClientCredentialsLogin:
    """OAuth 2.0 client credentials; needs a My Domain (not 'login' or 'test')."""

    consumer_key: str
    consumer_secret: str = field(repr=False)
    domain: str = ""  # e.g. "mycompany--qa.sandbox.my"


OwnLogin = PasswordLogin | SessionLogin | JwtLogin | ClientCredentialsLogin  # credentials


class SharedSessions(Protocol):
    """Where a shared login keeps its session (harness/sandbox/sessions.py)."""

    def current(self) -> SessionLogin:
        """The run's session, logging in on first use."""
        ...

    def renew(self, stale_session_id: str) -> SessionLogin:
        """A fresh session, unless another client already replaced the stale one."""
        ...


@dataclass(frozen=True)
class SharedLogin:
    """One login for a whole run: every client uses `sessions`' current session and asks it for
    a new one when Salesforce calls it expired, so a run logs in once, not once per client."""

    login: OwnLogin
    sessions: SharedSessions = field(repr=False, compare=False)


SalesforceLogin = OwnLogin | SharedLogin


def own_login(login: SalesforceLogin) -> OwnLogin:
    """The credentials behind a login: a shared login's own, for checks and messages."""
    return login.login if isinstance(login, SharedLogin) else login


@dataclass(frozen=True)
class SalesforceSettings:
    login: SalesforceLogin
    api_version: str = DEFAULT_SALESFORCE_API_VERSION


class TokenCache:
    """One Crmoffice access token shared by every client of a run (a token per client and
    scenario cost a token request each); a client told 401 drops the token it used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: str | None = None

    def get(self) -> str | None:
        with self._lock:
            return self._token

    def put(self, token: str) -> None:
        with self._lock:
            self._token = token

    def drop(self, token: str | None) -> None:
        with self._lock:
            if self._token == token:
                self._token = None


@dataclass(frozen=True)
class CrmofficeSettings:
    base_url: str  # e.g. https://api.crmoffice.no
    token_url: str  # e.g. https://sesam.crmoffice.no/connect/token
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    scope: str = "crmoffice offline_access"
    tokens: TokenCache | None = field(default=None, repr=False, compare=False)


def simple_salesforce_login(login: SalesforceLogin) -> dict[str, Any]:
    """The keyword arguments simple_salesforce.Salesforce takes for this kind of login."""
    if isinstance(login, SharedLogin):
        login = login.sessions.current()
    if isinstance(login, PasswordLogin):
        return {
            "username": login.username,
            "password": login.password,
            "security_token": login.security_token,
            "domain": login.domain,
        }
    if isinstance(login, SessionLogin):
        return {"session_id": login.session_id, "instance_url": login.instance_url}
    if isinstance(login, JwtLogin):
        return {
            "username": login.username,
            "consumer_key": login.consumer_key,
            "privatekey": login.private_key,
            "domain": login.domain,
        }
    return {
        "consumer_key": login.consumer_key,
        "consumer_secret": login.consumer_secret,
        "domain": login.domain,
    }
