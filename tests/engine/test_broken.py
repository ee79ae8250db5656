"""Each broken engine breaks its one rule (so the checklist has something to catch)."""

from __future__ import annotations

from dataclasses import replace

from harness.engine.broken import ForgetfulEngine, swap_phones
from harness.engine.mapping import load_mapping

from .conftest import Rig

ADA = {"FirstName": "Ada", "LastName": "Lovelace", "MobilePhone": "111", "Phone": "222"}


def test_swapped_phones_lands_mobile_in_direct(rig: Rig) -> None:
    rig.sf.insert("Contact", ADA)
    rig.engine(swap_phones(load_mapping())).run_cycle()
    (row,) = rig.crm.records("contacts")
    assert (row.values["directPhone"], row.values["mobilePhone"]) == ("111", "222")


def test_no_write_back_never_writes_salesforce(rig: Rig) -> None:
    sf_id = rig.sf.insert("Contact", ADA)
    mapping = load_mapping()
    engine = rig.engine(
        mapping.with_flows(tuple(replace(f, share_to_salesforce=False) for f in mapping.flows))
    )
    engine.run_cycle()
    rig.later()
    rig.crm.ui_edit("contacts", rig.partner(engine, "contact", sf_id), {"givenName": "B"})
    assert engine.run_cycle().api_calls["salesforce"]["write"] == 0
    assert rig.sf.get("Contact", sf_id).values["FirstName"] == "Ada"


def test_forgetful_links_duplicates_an_edited_record(rig: Rig) -> None:
    sf_id = rig.sf.insert("Contact", ADA)
    engine = ForgetfulEngine(rig.engine())
    engine.run_cycle()
    rig.later()
    rig.sf.ui_edit("Contact", sf_id, {"Phone": "333"})
    engine.run_cycle()
    assert len(rig.crm.records("contacts")) == 2
