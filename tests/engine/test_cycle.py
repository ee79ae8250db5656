"""One sync cycle over the in-memory APIs: creation, links, merge, echo, deletes, dead letters."""

from __future__ import annotations

from dataclasses import replace

import pytest

from harness.engine.failpoints import Failpoints, SimulatedCrash

from .conftest import Rig

ADA = {"FirstName": "Ada", "LastName": "Lovelace", "MobilePhone": "111", "Phone": "222"}


def crm_contacts(rig: Rig) -> list[dict[str, str | None]]:
    return [r.values for r in rig.crm.records("contacts")]


def test_cycle_inserts_each_salesforce_record_once_and_links_it(rig: Rig) -> None:
    sf_id = rig.sf.insert("Contact", ADA)
    rig.sf.insert("Customer", {})
    rig.sf.insert("Product2", {})
    engine = rig.engine()
    report = engine.run_cycle()
    assert report.flows["contact"].inserted == 1
    assert report.flows["customer"].inserted == 1 and report.flows["product2"].inserted == 1
    crm_id = rig.partner(engine, "contact", sf_id)
    assert rig.crm.get("contacts", crm_id).values == {
        "givenName": "Ada",
        "familyName": "Lovelace",
        "mobilePhone": "111",
        "directPhone": "222",
    }
    assert len(rig.crm.records("contacts")) == 2 and len(rig.crm.records("companies")) == 1
    assert {lk.target_ref.split(":")[0] for lk in engine.store.all_links()} == {
        "crmoffice-contacts",
        "crmoffice-companies",
    }


def test_rerun_restart_and_reset_watermarks_create_no_duplicates(rig: Rig) -> None:
    for i in range(5):
        rig.sf.insert("Contact", {"LastName": f"L{i}"})
    engine = rig.engine()
    engine.run_cycle()
    engine.run_cycle()
    engine.restart()
    engine.run_cycle()
    engine.reset_watermarks()
    report = engine.run_cycle()
    assert report.total("inserted") == 0
    assert len(rig.crm.records("contacts")) == 5
    assert engine.store.count_links() == 5


def test_a_new_engine_on_the_same_state_file_creates_no_duplicates(rig: Rig) -> None:
    rig.sf.insert("Contact", ADA)
    rig.engine().run_cycle()
    second = rig.engine()
    second.reset_watermarks()
    assert second.run_cycle().total("inserted") == 0
    assert len(rig.crm.records("contacts")) == 1


def test_edits_flow_both_ways_to_the_same_linked_record(rig: Rig) -> None:
    sf_id = rig.sf.insert("Contact", ADA)
    engine = rig.engine()
    engine.run_cycle()
    crm_id = rig.partner(engine, "contact", sf_id)
    rig.later()
    rig.sf.ui_edit("Contact", sf_id, {"MobilePhone": "999"})
    report = engine.run_cycle()
    assert report.flows["contact"].updated_crmoffice == 1
    assert rig.crm.get("contacts", crm_id).values["mobilePhone"] == "999"
    rig.later()
    rig.crm.ui_edit("contacts", crm_id, {"directPhone": "555"})
    report = engine.run_cycle()
    assert report.flows["contact"].updated_salesforce == 1
    assert rig.sf.get("Contact", sf_id).values["Phone"] == "555"
    assert len(rig.crm.records("contacts")) == 1 and len(rig.sf.records("Contact")) == 1


def test_edits_to_different_properties_both_survive(rig: Rig) -> None:
    sf_id = rig.sf.insert("Contact", ADA)
    engine = rig.engine()
    engine.run_cycle()
    crm_id = rig.partner(engine, "contact", sf_id)
    rig.later()
    rig.sf.ui_edit("Contact", sf_id, {"FirstName": "Augusta"})
    rig.crm.ui_edit("contacts", crm_id, {"familyName": "King"})
    engine.run_cycle()
    assert rig.sf.get("Contact", sf_id).values["LastName"] == "King"
    assert rig.crm.get("contacts", crm_id).values["givenName"] == "Augusta"
    assert rig.sf.get("Contact", sf_id).values["FirstName"] == "Augusta"


def test_same_property_conflict_later_wins_tie_goes_to_salesforce(rig: Rig) -> None:
    a, b = rig.sf.insert("Contact", ADA), rig.sf.insert("Contact", ADA)
    engine = rig.engine()
    engine.run_cycle()
    crm_a, crm_b = rig.partner(engine, "contact", a), rig.partner(engine, "contact", b)
    rig.later()
    t = rig.clock.now()
    rig.sf.ui_edit("Contact", a, {"Phone": "sf"}, at=t)
    rig.crm.ui_edit(
        "contacts", crm_a, {"directPhone": "crm"}, at=t.replace(microsecond=t.microsecond + 1)
    )
    rig.sf.ui_edit("Contact", b, {"Phone": "sf"}, at=t)
    rig.crm.ui_edit("contacts", crm_b, {"directPhone": "crm"}, at=t)
    engine.run_cycle()
    assert rig.sf.get("Contact", a).values["Phone"] == "crm"
    assert rig.crm.get("contacts", crm_a).values["directPhone"] == "crm"
    assert rig.sf.get("Contact", b).values["Phone"] == "sf"
    assert rig.crm.get("contacts", crm_b).values["directPhone"] == "sf"


def test_quiet_cycle_writes_nothing_and_reads_one_page_per_side(rig: Rig) -> None:
    for i in range(50):
        rig.sf.insert("Contact", {**ADA, "LastName": f"L{i}"})
    engine = rig.engine()
    engine.run_cycle()
    echo = engine.run_cycle()  # reads our own inserts back: equal values, no writes
    assert echo.writes() == 0 and echo.total("unchanged") == 50
    rig.later()
    quiet = engine.run_cycle()
    assert quiet.writes() == 0
    assert quiet.api_calls["salesforce"]["read"] == 3  # one page per object
    assert quiet.api_calls["crmoffice"]["read"] == 2  # one page per type


def test_no_echo_after_a_write_back(rig: Rig) -> None:
    sf_id = rig.sf.insert("Contact", ADA)
    engine = rig.engine()
    engine.run_cycle()
    rig.later()
    rig.crm.ui_edit("contacts", rig.partner(engine, "contact", sf_id), {"givenName": "A."})
    assert engine.run_cycle().writes() == 1
    assert engine.run_cycle().writes() == 0  # our PATCH to Salesforce comes back: no echo
    rig.later()
    assert engine.run_cycle().writes() == 0


def test_deletes_are_not_propagated_nor_re_created(rig: Rig) -> None:
    gone_in_sf, gone_in_crm = rig.sf.insert("Contact", ADA), rig.sf.insert("Contact", ADA)
    engine = rig.engine()
    engine.run_cycle()
    crm_kept = rig.partner(engine, "contact", gone_in_sf)
    crm_gone = rig.partner(engine, "contact", gone_in_crm)
    rig.later()
    rig.sf.ui_delete("Contact", gone_in_sf)
    rig.crm.ui_delete("contacts", crm_gone)
    report = engine.run_cycle()
    assert report.flows["contact"].deleted_seen == 2
    assert rig.crm.get("contacts", crm_kept).deleted is False
    assert rig.sf.get("Contact", gone_in_crm).deleted is False
    rig.later()
    rig.sf.ui_edit("Contact", gone_in_crm, {"Phone": "after delete"})
    engine.reset_watermarks()
    report = engine.run_cycle()
    assert report.total("inserted") == 0 and report.writes() == 0
    assert len(rig.crm.records("contacts")) == 1
    assert all(lk.deleted for lk in engine.store.all_links())


def test_rejected_record_is_dead_lettered_others_sync_then_it_leaves(rig: Rig) -> None:
    bad, good = rig.sf.insert("Contact", ADA), rig.sf.insert("Contact", ADA)
    engine = rig.engine()
    engine.run_cycle()
    crm_bad, crm_good = rig.partner(engine, "contact", bad), rig.partner(engine, "contact", good)
    rig.later()
    rig.crm.ui_edit("contacts", crm_bad, {"givenName": "X" * 41})
    rig.crm.ui_edit("contacts", crm_good, {"givenName": "Grace"})
    report = engine.run_cycle()
    assert rig.sf.get("Contact", good).values["FirstName"] == "Grace"
    assert report.flows["contact"].dead_lettered == 1 and not report.ok
    (letter,) = report.dead_letters
    assert (letter.ref, letter.code) == (f"salesforce-contact:{bad}", "STRING_TOO_LONG")
    assert "FirstName" in letter.message and letter.direction == "crmoffice->salesforce"
    rig.later()
    again = engine.run_cycle()  # tried again without a new edit
    assert again.api_calls["salesforce"]["write"] == 1 and again.dead_letters[0].attempts == 2
    rig.later()
    rig.crm.ui_edit("contacts", crm_bad, {"givenName": "X" * 40})
    fixed = engine.run_cycle()
    assert fixed.ok and rig.sf.get("Contact", bad).values["FirstName"] == "X" * 40
    rig.later()
    assert engine.run_cycle().writes() == 0


def test_rejected_record_is_fixed_by_an_edit_in_salesforce(rig: Rig) -> None:
    sf_id = rig.sf.insert("Contact", ADA)
    engine = rig.engine()
    engine.run_cycle()
    crm_id = rig.partner(engine, "contact", sf_id)
    rig.later()
    rig.crm.ui_edit("contacts", crm_id, {"givenName": "X" * 41})
    assert not engine.run_cycle().ok
    rig.later()
    rig.sf.ui_edit("Contact", sf_id, {"FirstName": "Short"})  # later than the crm edit
    assert engine.run_cycle().ok
    assert rig.crm.get("contacts", crm_id).values["givenName"] == "Short"


def test_an_edit_made_during_a_cycle_is_not_lost(rig: Rig) -> None:
    sf_id = rig.sf.insert("Contact", ADA)
    engine = rig.engine()
    engine.run_cycle()
    crm_id = rig.partner(engine, "contact", sf_id)
    rig.later()
    original = rig.sf.query_changed

    def edit_while_collecting(*args, **kwargs):  # type: ignore[no-untyped-def]
        yield from original(*args, **kwargs)
        if args[0] == "Contact":  # after the collect read, before the watermark is saved
            rig.sf.ui_edit("Contact", sf_id, {"MobilePhone": "during"})

    rig.sf.query_changed = edit_while_collecting  # type: ignore[method-assign]
    engine.run_cycle()
    rig.sf.query_changed = original  # type: ignore[method-assign]
    engine.run_cycle()
    assert rig.crm.get("contacts", crm_id).values["mobilePhone"] == "during"


def test_crash_between_insert_and_link_gives_no_duplicate(rig: Rig) -> None:
    for i in range(3):
        rig.sf.insert("Contact", {"LastName": f"L{i}"})
    unarmed = rig.context
    rig.context = replace(unarmed, failpoints=Failpoints("after-insert", 2, action="raise"))
    engine = rig.engine()
    rig.context = unarmed
    with pytest.raises(SimulatedCrash):
        engine.run_cycle()
    engine.close()
    rig.engines.remove(engine)
    fresh = rig.engine()  # a new process on the same state file
    fresh.restart()
    fresh.run_cycle()
    assert len(rig.crm.records("contacts")) == 3
    assert fresh.store.count_links() == 3
