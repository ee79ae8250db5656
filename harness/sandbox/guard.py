"""The production guard: look at both systems before anything is written, refuse live ones.

    org = check_salesforce(client, allowed_org_ids=frozenset())   # ProductionGuardError if prod
    check_crmoffice(settings, allowed_base_urls=frozenset({"https://sandbox.api.crmoffice.test"}))

Salesforce says itself whether it is a sandbox (`SELECT IsSandbox FROM Organization`); the host
is only a hint. An org id on the user's allow-list may be used even when it says production
(a Developer Edition org kept for QA). Crmoffice has no such flag, so only an allow-list of base
URLs vouches for an account, and there is no default.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.connectors.settings import CrmofficeSettings
from harness.errors import ProductionGuardError
from harness.qa.clients import SalesforceQaClient

ORG_SOQL = "SELECT Id, Name, IsSandbox, OrganizationType FROM Organization LIMIT 1"


@dataclass(frozen=True)
class OrgIdentity:
    org_id: str
    name: str
    is_sandbox: bool
    organization_type: str
    allow_listed: bool


def check_salesforce(client: SalesforceQaClient, allowed_org_ids: frozenset[str]) -> OrgIdentity:
    rows = client.query(ORG_SOQL)
    if not rows:
        raise ProductionGuardError("Salesforce returned no Organization row; refusing to write")
    row = rows[0]
    org = OrgIdentity(
        org_id=str(row["Id"]),
        name=str(row.get("Name") or ""),
        is_sandbox=row.get("IsSandbox") is True,
        organization_type=str(row.get("OrganizationType") or ""),
        allow_listed=str(row["Id"])[:15] in allowed_org_ids,
    )
    if not org.is_sandbox and not org.allow_listed:
        raise ProductionGuardError(
            f"Salesforce org {org.org_id} ({org.name}, {org.organization_type}) is not a"
            " sandbox (Organization.IsSandbox is false); talkqa writes and deletes test records,"
            " so it stopped before writing anything. If this org is meant for testing, add its"
            " id to TALKQA_SF_ALLOWED_ORG_IDS"
        )
    return org


def check_crmoffice(settings: CrmofficeSettings, allowed_base_urls: frozenset[str]) -> None:
    base = settings.base_url.rstrip("/")
    if base not in allowed_base_urls:
        allowed = ", ".join(sorted(allowed_base_urls)) or "none"
        raise ProductionGuardError(
            f"Crmoffice base URL {base} is not in TALKQA_CRM_ALLOWED_BASE_URLS ({allowed});"
            " only an account listed there is written to, so nothing was written"
        )
