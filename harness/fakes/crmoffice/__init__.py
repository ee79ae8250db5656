"""A fake Crmoffice: OAuth2 identity host plus /contacts and /companies, per the contract.

    crm = FakeCrmoffice(FakeClock()); mount(rsps, crm)
    crm.insert("contacts", {"givenName": "Ada"}); crm.faults.inject("contacts.list", "unavailable")

The contract is fixtures/crmoffice-openapi.yaml; tests/fakes/test_crmoffice_contract.py checks
the fake against it with schemathesis.
"""

from __future__ import annotations

from harness.fakes.crmoffice.fake import FakeCrmoffice

__all__ = ["FakeCrmoffice"]
