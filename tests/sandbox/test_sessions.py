"""One Salesforce login per sandbox run, a fresh one when the session expires (issue 13).

A login per scenario made 435 SOAP logins in one run, and Salesforce limits how often one user
may log in. Every target of a run now joins the first one's session (a SOAP session is valid
for sessionSecondsValid, 7200 s by default: ../shared/reference/salesforce-api.md 1.3); a client
told 401 INVALID_SESSION_ID asks for one new session, which every other client then shares.
"""

from __future__ import annotations

from pathlib import Path

from harness.engine import EngineContext, salesforce_connector
from harness.qa.clients import SalesforceQaClient
from harness.sandbox.config import load_config
from harness.sandbox.seam import SandboxFakes, seam_environment
from harness.targets import SandboxTarget

RUN = "20260105T090000Z-abcdef"


def _first(tmp_path: Path, fakes: SandboxFakes) -> SandboxTarget:
    config = load_config({**seam_environment(), "TALKQA_LEDGER": str(tmp_path / "ledger")})
    return SandboxTarget(config, run_id=RUN, fakes=fakes)


def _logins(fakes: SandboxFakes) -> int:
    return fakes.salesforce.calls.count(route="login.soap")


def test_every_target_and_client_of_a_run_shares_one_login(tmp_path: Path) -> None:
    fakes = SandboxFakes()
    first = _first(tmp_path, fakes)
    with first:
        later = SandboxTarget(
            first.config, run_id=RUN, run_session=first.run_session, org=first.org
        )
        for _ in range(3):  # three scenarios: a checklist client and an engine connector each
            with later:
                qa = SalesforceQaClient.login(
                    later.salesforce_settings(), session=later.new_session()
                )
                qa.query("SELECT Id FROM Contact")
                context = EngineContext(
                    later.salesforce_settings(), later.crmoffice_settings(), tmp_path / "s"
                )
                assert list(salesforce_connector(context).query_changed("Contact", [], None))
    assert _logins(fakes) == 1
    assert fakes.salesforce.calls.count(route="sobject.post") == 0  # nothing was written


def test_an_expired_session_is_renewed_once_and_then_shared(tmp_path: Path) -> None:
    fakes = SandboxFakes()
    first = _first(tmp_path, fakes)
    with first:
        qa = SalesforceQaClient.login(first.salesforce_settings(), session=first.new_session())
        context = EngineContext(
            first.salesforce_settings(), first.crmoffice_settings(), tmp_path / "s"
        )
        connector = salesforce_connector(context)
        list(connector.query_changed("Contact", [], None))
        fakes.salesforce.expire_sessions()
        assert qa.query("SELECT Id FROM Contact") == []  # renewed, then answered
        assert list(connector.query_changed("Contact", [], None)) == [[]]  # the renewed one
    assert _logins(fakes) == 2
    assert first.run_session.logins == 2
