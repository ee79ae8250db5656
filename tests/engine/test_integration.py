"""The engine through the real connectors and both fakes: the behaviours QA relies on."""

from __future__ import annotations

from pathlib import Path

from .world_rig import world_rig

ADA = {"FirstName": "Ada", "LastName": "Lovelace", "MobilePhone": "111", "Phone": "222"}


def test_all_three_flows_insert_once_and_link(tmp_path: Path) -> None:
    with world_rig(tmp_path) as w:
        contact = w.sf.insert("Contact", ADA)
        w.sf.insert("Customer", {"Name": "Acme", "PartyId": w.individual()})
        w.sf.insert("Product2", {"Name": "Widget"})
        engine = w.engine()
        report = engine.run_cycle()
        assert [report.flows[f].inserted for f in ("customer", "product2", "contact")] == [1, 1, 1]
        crm = w.crm.get("contacts", w.partner(engine, "contact", contact))
        assert crm is not None
        assert (crm["givenName"], crm["familyName"], crm["mobilePhone"], crm["directPhone"]) == (
            "Ada",
            "Lovelace",
            "111",
            "222",
        )
        assert len(w.crm.records("contacts")) == 2 and len(w.crm.records("companies")) == 1
        engine.restart()
        engine.reset_watermarks()
        assert engine.run_cycle().total("inserted") == 0
        assert len(w.crm.records("contacts")) == 2


def test_edits_both_ways_no_echo_and_dead_letter(tmp_path: Path) -> None:
    with world_rig(tmp_path) as w:
        good, bad = w.sf.insert("Contact", ADA), w.sf.insert("Contact", ADA)
        engine = w.engine()
        engine.run_cycle()
        crm_good, crm_bad = w.partner(engine, "contact", good), w.partner(engine, "contact", bad)
        w.later()
        w.sf.ui_edit("Contact", good, {"MobilePhone": "999"})
        w.crm.ui_edit("contacts", crm_good, {"directPhone": "555"})
        w.crm.ui_edit("contacts", crm_bad, {"givenName": "X" * 41})
        report = engine.run_cycle()
        sf_good, crm_row = w.sf.get("Contact", good), w.crm.get("contacts", crm_good)
        assert sf_good is not None and crm_row is not None
        assert (sf_good["Phone"], crm_row["mobilePhone"]) == ("555", "999")
        (letter,) = report.dead_letters
        assert letter.code == "STRING_TOO_LONG" and letter.ref == f"salesforce-contact:{bad}"
        w.later()
        w.crm.ui_edit("contacts", crm_bad, {"givenName": "Fixed"})
        assert engine.run_cycle().ok
        engine.run_cycle()
        w.later()
        quiet = engine.run_cycle()
        assert quiet.writes() == 0
        assert w.sf.calls.count(kind="write") == 2  # one batch of both edits, one fix; no echo
