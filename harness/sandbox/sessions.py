"""One Salesforce login for a whole sandbox run, shared by every client and connector.

    shared = RunSession(config.salesforce, session_factory=target_session)
    settings = replace(config.salesforce, login=SharedLogin(config.salesforce.login, shared))

A login per scenario (the checklist's client, the engine's connector, the cleanup) made 435
SOAP logins in one run and runs into Salesforce's per-user login limits. Here the first client
that needs a session logs in; every later one reuses it; a client told the session expired asks
for a fresh one, and the first such request logs in again while the others get its result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import requests
from simple_salesforce import Salesforce  # type: ignore[attr-defined]
from simple_salesforce.exceptions import SalesforceError

from harness.connectors.settings import (
    SalesforceSettings,
    SessionLogin,
    SharedLogin,
    simple_salesforce_login,
)
from harness.errors import AuthenticationError
from harness.qa.clients import login_place, unreachable


class RunSession:
    """A SharedSessions (harness/connectors/settings.py) that logs in once per run."""

    def __init__(
        self, settings: SalesforceSettings, *, session_factory: Callable[[], requests.Session]
    ) -> None:
        if isinstance(settings.login, SharedLogin):
            raise TypeError("RunSession needs the run's own credentials, not a shared login")
        self._settings = settings
        self._session_factory = session_factory
        self._lock = threading.Lock()
        self._current: SessionLogin | None = None
        self.logins = 0  # how many times it logged in: 1 for a run without expiry

    def current(self) -> SessionLogin:
        with self._lock:
            if self._current is None:
                self._current = self._login()
            return self._current

    def renew(self, stale_session_id: str) -> SessionLogin:
        with self._lock:
            if self._current is None or self._current.session_id == stale_session_id:
                self._current = self._login()
            return self._current

    def session_ids(self) -> list[str]:
        """The session now in use, for masking (a session id is a secret)."""
        return [self._current.session_id] if self._current else []

    def shared(self) -> SalesforceSettings:
        """The run's settings with this source as their login."""
        login = SharedLogin(self._settings.login, self)  # type: ignore[arg-type]
        return SalesforceSettings(login, self._settings.api_version)

    def _login(self) -> SessionLogin:
        try:
            client = Salesforce(
                session=self._session_factory(),
                version=self._settings.api_version,
                **simple_salesforce_login(self._settings.login),
            )
        except SalesforceError as error:
            raise AuthenticationError(f"Salesforce login refused ({error.status})") from None
        except requests.RequestException as error:
            raise unreachable(login_place(self._settings.login), error) from None
        self.logins += 1
        return SessionLogin(f"https://{client.sf_instance}", client.session_id)
