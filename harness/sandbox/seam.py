"""TEST SEAM: the embedded fakes answering at sandbox-like hosts, for `--target sandbox` in tests.

    TALKQA_SANDBOX_FAKES=1 pytest features/ --target sandbox     # with seam_environment() set
    fakes = shared_fakes(os.environ)   # None unless the seam variable is exactly "1"

Never a default: without TALKQA_SANDBOX_FAKES=1 the sandbox target talks to the real hosts in
the TALKQA_* variables. One pair of fakes is shared per process, so records a run leaves behind
stay observable after it (the cleanup tests look). TALKQA_SANDBOX_FAKES_PRODUCTION=1 makes the
fake org answer IsSandbox false, to prove the production guard.

For the sandbox benchmark (`talkqa bench --sandbox-seam`): TALKQA_SANDBOX_FAKES_PREEXISTING=N
fills both fakes with N contacts and N/10 products or companies made a year ago, as a refreshed
sandbox holds; TALKQA_SANDBOX_FAKES_LATENCY_MS=L answers every call L ms late, as a real org
does; TALKQA_SANDBOX_FAKES_CALLS=DIR writes what the fakes received to DIR/<pid>.json at exit.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import responses

from harness.clock import SystemClock
from harness.fakes.crmoffice import FakeCrmoffice
from harness.fakes.http import mount
from harness.fakes.salesforce import FakeSalesforce

SEAM_VARIABLE = "TALKQA_SANDBOX_FAKES"
SEAM_PRODUCTION_VARIABLE = "TALKQA_SANDBOX_FAKES_PRODUCTION"
SEAM_REMAINING_VARIABLE = "TALKQA_SANDBOX_FAKES_DAILY_LIMIT"  # to prove the budget guard
SEAM_PREEXISTING_VARIABLE = "TALKQA_SANDBOX_FAKES_PREEXISTING"
SEAM_LATENCY_VARIABLE = "TALKQA_SANDBOX_FAKES_LATENCY_MS"
SEAM_CALLS_VARIABLE = "TALKQA_SANDBOX_FAKES_CALLS"
PREEXISTING_AGE = timedelta(days=365)

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
        self.preexisting: dict[str, str] = {}

    def fill(self, count: int) -> None:
        """What a refreshed sandbox already holds: `count` contacts and a tenth as many products
        in Salesforce, the same in Crmoffice (contacts, companies), all made a year ago."""
        made = self.salesforce.clock.now() - PREEXISTING_AGE
        for i in range(count):
            person = {"FirstName": f"Kari{i}", "LastName": f"Preexisting{i}"}
            self.salesforce.insert(
                "Contact", {**person, "MobilePhone": f"+47 4{i:07d}", "Title": "Sales"}, at=made
            )
            self.crmoffice.insert(
                "contacts",
                {"givenName": person["FirstName"], "familyName": person["LastName"]},
                at=made,
            )
        for i in range(count // 10):
            self.salesforce.insert("Product2", {"Name": f"Preexisting product {i}"}, at=made)
            self.crmoffice.insert("companies", {"name": f"Preexisting company {i}"}, at=made)
        self.preexisting = self._snapshot()

    def _snapshot(self) -> dict[str, str]:
        """Each record now in the fakes, by a key naming it, with its modification stamp."""
        stamps = {
            f"salesforce:{o}:{r['Id']}": str(r.get("SystemModstamp"))
            for o in ("Contact", "Product2")
            for r in self.salesforce.records(o)
        }
        stamps.update(
            (f"crmoffice:{t}:{r['id']}", str(r.get("updatedAt")))
            for t in ("contacts", "companies")
            for r in self.crmoffice.records(t, include_deleted=True)
        )
        return stamps

    def slow_down(self, milliseconds: float) -> None:
        """Every answer `milliseconds` late, as a real org's round trip."""

        def wait(call: Any, request: Any) -> None:
            time.sleep(milliseconds / 1000)

        self.salesforce.calls.listeners.append(wait)
        self.crmoffice.calls.listeners.append(wait)

    def tally(self) -> dict[str, Any]:
        """What the fakes received, and which pre-existing records changed or went."""
        now = self._snapshot()
        changed = sorted(k for k, stamp in self.preexisting.items() if now.get(k) != stamp)
        return {
            "salesforce": len(self.salesforce.calls.all()),
            "crmoffice": len(self.crmoffice.calls.all()),
            "salesforce_logins": self.salesforce.calls.count(route="login.soap"),
            "salesforce_routes": self.salesforce.calls.by_route(),
            "crmoffice_routes": self.crmoffice.calls.by_route(),
            "preexisting": len(self.preexisting),
            "preexisting_changed": changed[:20],
            "preexisting_changed_count": len(changed),
        }

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
        fakes = SandboxFakes(is_sandbox=key[0], daily_api_limit=key[1])
        fakes.fill(int(env.get(SEAM_PREEXISTING_VARIABLE) or 0))
        if env.get(SEAM_LATENCY_VARIABLE):
            fakes.slow_down(float(env[SEAM_LATENCY_VARIABLE]))
        if env.get(SEAM_CALLS_VARIABLE):
            atexit.register(_write_tally, fakes, Path(env[SEAM_CALLS_VARIABLE]))
        _SHARED[key] = fakes
    return _SHARED[key]


def _write_tally(fakes: SandboxFakes, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{os.getpid()}.json").write_text(json.dumps(fakes.tally()), "utf-8")


def reset_shared_fakes() -> None:
    _SHARED.clear()
