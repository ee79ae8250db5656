"""Teardown deletes what a scenario made, Salesforce records 200 to a call (issue 13).

sObject Collections DELETE takes up to 200 ids with allOrNone=false and answers one result per
id, in order (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/
resources_composite_sobjects_collections_delete.htm); a record already gone answers
ENTITY_IS_DELETED, which counts as deleted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from harness.qa.clients import CrmofficeQaClient, SalesforceQaClient
from harness.sandbox.cleanup import delete_entries
from harness.sandbox.config import load_config
from harness.sandbox.ledger import Entry, RunLedger
from harness.sandbox.seam import SandboxFakes, seam_environment
from harness.targets import SandboxTarget

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_salesforce_records_are_deleted_200_to_a_call_and_gone_ones_count(tmp_path: Path) -> None:
    fakes = SandboxFakes()
    config = load_config({**seam_environment(), "TALKQA_LEDGER": str(tmp_path / "ledger")})
    with SandboxTarget(config, run_id="run", fakes=fakes, cleanup=False) as target:
        sf = SalesforceQaClient.login(target.salesforce_settings(), session=target.new_session())
        crm = CrmofficeQaClient(target.crmoffice_settings(), session=target.new_session())
        contacts = sf.create_many("Contact", [{"LastName": f"L{n}"} for n in range(450)])
        sf.delete("Contact", contacts[7])  # a person deleted one already
        company = crm.create("companies", {"name": "Made by the run"})["id"]
        ledger = RunLedger(tmp_path / "ledger.jsonl")
        entries = [Entry("run", "salesforce", "Contact", rid, AT) for rid in contacts]
        entries.append(Entry("run", "crmoffice", "companies", str(company), AT))
        for entry in entries:
            ledger.created(entry)
        before = fakes.salesforce.calls.count(route="composite.sobjects.delete")
        assert delete_entries(entries, sf, crm, ledger) == []
        assert fakes.salesforce.calls.count(route="composite.sobjects.delete") - before == 3
        assert fakes.salesforce.records("Contact") == []
        assert fakes.crmoffice.records("companies") == []
        assert ledger.pending() == []
