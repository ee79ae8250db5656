"""Both fakes on one clock, and the settings a connector needs to reach them.

world = FakeWorld()
with world.activated():  # requests to both systems now reach the fakes in process
    context = EngineContext(world.salesforce_settings(), world.crmoffice_settings(), state)
    engine = create_engine(context)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import requests
import responses
from simple_salesforce.login import SalesforceLogin

from harness.clock import FakeClock
from harness.connectors.settings import (
    CrmofficeSettings,
    PasswordLogin,
    SalesforceSettings,
)
from harness.fakes.crmoffice import FakeCrmoffice
from harness.fakes.http import mount
from harness.fakes.salesforce import FakeSalesforce
from harness.fakes.sesam.jwt import issue_jwt

# Dummy credentials of the embedded fakes; they open nothing real.
FAKE_SF_USERNAME = "qa@talkqa.example"
FAKE_SF_PASSWORD = "fake-sf-password"
FAKE_SF_TOKEN = "fake-sf-security-token"
FAKE_CRM_CLIENT_ID = "talkqa"
FAKE_CRM_CLIENT_SECRET = "fake-crm-client-secret"
# The fake Sesam node's JWT (--sync-engine sesam on the fakes): JWT-shaped, far from expiry.
FAKE_SESAM_JWT = issue_jwt(datetime(2099, 1, 1, tzinfo=UTC), subject="talkqa@fake.sesam")


class FakeWorld:
    """A Salesforce and a Crmoffice that share one FakeClock."""

    def __init__(self, clock: FakeClock | None = None, *, is_sandbox: bool = True) -> None:
        self.clock = clock or FakeClock()
        self.salesforce = FakeSalesforce(
            self.clock,
            is_sandbox=is_sandbox,
            username=FAKE_SF_USERNAME,
            password=FAKE_SF_PASSWORD,
            security_token=FAKE_SF_TOKEN,
        )
        self.crmoffice = FakeCrmoffice(
            self.clock, client_id=FAKE_CRM_CLIENT_ID, client_secret=FAKE_CRM_CLIENT_SECRET
        )

    def mount(self, rsps: responses.RequestsMock) -> None:
        mount(rsps, self.salesforce)
        mount(rsps, self.crmoffice)

    @contextmanager
    def activated(self) -> Iterator[responses.RequestsMock]:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            self.mount(rsps)
            yield rsps

    def soap_login(self, session: requests.Session, version: str) -> tuple[str, str]:
        """A SOAP login with the fake's dummy credentials, as simple-salesforce sends it:
        (session id, instance host)."""
        session_id, instance = SalesforceLogin(
            username=FAKE_SF_USERNAME,
            password=FAKE_SF_PASSWORD,
            security_token=FAKE_SF_TOKEN,
            domain="test",
            sf_version=version,
            session=session,
        )
        return str(session_id), str(instance)

    def salesforce_settings(self) -> SalesforceSettings:
        return SalesforceSettings(
            PasswordLogin(FAKE_SF_USERNAME, FAKE_SF_PASSWORD, FAKE_SF_TOKEN, domain="test")
        )

    def crmoffice_settings(self) -> CrmofficeSettings:
        return CrmofficeSettings(
            base_url=self.crmoffice.base_url,
            token_url=self.crmoffice.identity_url + "/connect/token",
            client_id=FAKE_CRM_CLIENT_ID,
            client_secret=FAKE_CRM_CLIENT_SECRET,
        )
