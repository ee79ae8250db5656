"""TEST SEAM: the embedded fakes answering at sandbox-like hosts, for `--target sandbox` in tests.

    TALKQA_SANDBOX_FAKES=1 pytest features/ --target sandbox     # with seam_environment() set
    fakes = shared_fakes(os.environ)   # None unless the seam variable is exactly "1"

Never a default: without TALKQA_SANDBOX_FAKES=1 the sandbox target talks to the real hosts in
the TALKQA_* variables. One pair of fakes is shared per process, so records a run leaves behind
stay observable after it (the cleanup tests look). TALKQA_SANDBOX_FAKES_PRODUCTION=1 makes the
fake org answer IsSandbox false, to prove the production guard.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import responses

from harness.clock import SystemClock
from harness.fakes.crmoffice import FakeCrmoffice
from harness.fakes.http import mount
from harness.fakes.salesforce import FakeSalesforce

SEAM_VARIABLE = "TALKQA_SANDBOX_FAKES"
SEAM_PRODUCTION_VARIABLE = "TALKQA_SANDBOX_FAKES_PRODUCTION"
SEAM_REMAINING_VARIABLE = "TALKQA_SANDBOX_FAKES_DAILY_LIMIT"  # to prove the budget guard

LOGIN_HOST = "https://test.salesforce.com"
INSTANCE_URL = "https://talkqa--qa.sandbox.my.salesforce.com"
CRM_BASE_URL = "https://sandbox.api.crmoffice.test"
CRM_IDENTITY_URL = "https://sandbox.identity.crmoffice.test"
ORG_ID = "00D5g000004TQAQ"

# Dummy credentials: they open nothing real, and tests search reports for them.
SF_USERNAME = "qa@talkqa.example.qa"
SF_PASSWORD = "seam-sf-Pa55word-7c1e"
SF_TOKEN = "seamSfSecurityToken9d2b"
CRM_CLIENT_ID = "talkqa-sandbox"
CRM_CLIENT_SECRET = "seam-crm-Secret-41aa"


def seam_environment(*, production: bool = False) -> dict[str, str]:
    """TALKQA_* variables that reach the seam's fakes, as a user would set them for a sandbox."""
    env = {
        SEAM_VARIABLE: "1",
        "TALKQA_SF_AUTH": "password",
        "TALKQA_SF_USERNAME": SF_USERNAME,
        "TALKQA_SF_PASSWORD": SF_PASSWORD,
        "TALKQA_SF_SECURITY_TOKEN": SF_TOKEN,
        "TALKQA_SF_DOMAIN": "test",
        "TALKQA_CRM_BASE_URL": CRM_BASE_URL,
        "TALKQA_CRM_TOKEN_URL": CRM_IDENTITY_URL + "/connect/token",
        "TALKQA_CRM_CLIENT_ID": CRM_CLIENT_ID,
        "TALKQA_CRM_CLIENT_SECRET": CRM_CLIENT_SECRET,
        "TALKQA_CRM_ALLOWED_BASE_URLS": CRM_BASE_URL,
        "TALKQA_POLL_TIMEOUT": "0.5",
    }
    if production:
        env[SEAM_PRODUCTION_VARIABLE] = "1"
    return env


class SandboxFakes:
    """A FakeSalesforce and a FakeCrmoffice at sandbox hosts, on the real clock."""

    def __init__(self, *, is_sandbox: bool = True, daily_api_limit: int = 5_000_000) -> None:
        clock = SystemClock()
        self.salesforce = FakeSalesforce(
            clock,
            instance_url=INSTANCE_URL,
            login_hosts=(LOGIN_HOST,),
            is_sandbox=is_sandbox,
            org_id=ORG_ID,
            username=SF_USERNAME,
            password=SF_PASSWORD,
            security_token=SF_TOKEN,
            daily_api_limit=daily_api_limit,
        )
        self.crmoffice = FakeCrmoffice(
            clock,
            base_url=CRM_BASE_URL,
            identity_url=CRM_IDENTITY_URL,
            client_id=CRM_CLIENT_ID,
            client_secret=CRM_CLIENT_SECRET,
        )

    @contextmanager
    def activated(self) -> Iterator[None]:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            mount(rsps, self.salesforce)
            mount(rsps, self.crmoffice)
            yield


_SHARED: dict[tuple[bool, int], SandboxFakes] = {}


def shared_fakes(env: Mapping[str, str]) -> SandboxFakes | None:
    """The process's fakes when the seam is switched on in env; None otherwise (the default)."""
    if env.get(SEAM_VARIABLE) != "1":
        return None
    key = (
        env.get(SEAM_PRODUCTION_VARIABLE) != "1",
        int(env.get(SEAM_REMAINING_VARIABLE) or 5_000_000),
    )
    if key not in _SHARED:
        _SHARED[key] = SandboxFakes(is_sandbox=key[0], daily_api_limit=key[1])
    return _SHARED[key]


def reset_shared_fakes() -> None:
    _SHARED.clear()
