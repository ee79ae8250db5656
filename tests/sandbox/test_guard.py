"""The production guard and the API budget, checked before the first write."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import requests

from harness.errors import ProductionGuardError
from harness.sandbox.budget import remaining_from_header
from harness.sandbox.config import load_config
from harness.sandbox.errors import ApiBudgetError
from harness.sandbox.seam import ORG_ID, SandboxFakes, seam_environment
from harness.targets import SandboxTarget


def _target(tmp_path: Path, fakes: SandboxFakes, **env: str) -> SandboxTarget:
    config = load_config({**seam_environment(), "TALKQA_LEDGER": str(tmp_path / "l"), **env})
    return SandboxTarget(config, run_id="20260105T090000Z-abcdef", fakes=fakes)


def test_a_production_org_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    fakes = SandboxFakes(is_sandbox=False)
    with pytest.raises(ProductionGuardError) as caught, _target(tmp_path, fakes):
        pytest.fail("the guard let a production org through")
    message = str(caught.value)
    assert "is not a sandbox (Organization.IsSandbox is false)" in message
    assert "TALKQA_SF_ALLOWED_ORG_IDS" in message and "\n" not in message
    assert fakes.salesforce.calls.count(kind="write") == 0
    assert fakes.crmoffice.calls.count() == 0


def test_an_allow_listed_production_org_is_accepted(tmp_path: Path) -> None:
    fakes = SandboxFakes(is_sandbox=False)
    with _target(tmp_path, fakes, TALKQA_SF_ALLOWED_ORG_IDS=ORG_ID) as target:
        assert target.org is not None
        assert target.org.allow_listed and not target.org.is_sandbox


def test_a_sandbox_org_is_accepted_at_sandbox_hosts(tmp_path: Path) -> None:
    with _target(tmp_path, SandboxFakes()) as target:
        assert target.org is not None and target.org.is_sandbox
        # The seam answers only at sandbox hosts: production's login host is not one of them.
        with pytest.raises(requests.ConnectionError):
            target.new_session().post(
                "https://login.salesforce.com/services/Soap/u/59.0", timeout=5
            )


def test_a_crmoffice_base_url_off_the_allow_list_is_refused_without_a_call(
    tmp_path: Path,
) -> None:
    fakes = SandboxFakes()
    env = {"TALKQA_CRM_ALLOWED_BASE_URLS": "https://other.crmoffice.test"}
    refused = pytest.raises(ProductionGuardError, match="not in TALKQA_CRM_ALLOWED_BASE_URLS")
    with refused, _target(tmp_path, fakes, **env):
        pass
    assert fakes.crmoffice.calls.count() == 0 and fakes.salesforce.calls.count() == 0


def test_budget_under_the_floor_stops_with_the_remaining_count(tmp_path: Path) -> None:
    fakes = SandboxFakes(daily_api_limit=1000)
    target = _target(tmp_path, fakes, TALKQA_SF_MIN_REMAINING_REQUESTS="1000")
    with pytest.raises(ApiBudgetError) as caught, target:
        pass
    assert "Salesforce has 999 of 1000 daily API requests left, under the floor of 1000" in str(
        caught.value
    )
    assert fakes.salesforce.calls.count(kind="write") == 0


def test_budget_header_parsing() -> None:
    assert remaining_from_header("api-usage=18/5000") == (4982, 5000)
    assert remaining_from_header("api-usage=5/15000; per-app-api-usage=1/250(appName=x)") == (
        14995,
        15000,
    )
    assert remaining_from_header(None) is None


def test_cleanup_spends_the_reserve_the_floor_kept(tmp_path: Path) -> None:
    fakes = SandboxFakes(daily_api_limit=1000)
    target = _target(tmp_path, fakes)
    target.config = replace(target.config, min_remaining=990)
    target.budget.minimum = 990
    with pytest.raises(ApiBudgetError), target:
        client = target.salesforce_client()
        for _ in range(20):
            client.create("Contact", {"LastName": "Budget", "Title": "talkqa:x"})
    assert fakes.salesforce.records("Contact") == []  # created before the stop, then deleted
