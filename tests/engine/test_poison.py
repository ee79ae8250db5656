"""One record no system or store can take never stops the others (issue 14, item 3).

    .venv/bin/pytest tests/engine/test_poison.py -q

A value holding a lone surrogate ("Bad\\ud800") raised UnicodeEncodeError in the state store on
every cycle after its Crmoffice insert, so a contact added later never synced.
"""

from __future__ import annotations

from pathlib import Path

from .world_rig import world_rig


def test_a_poison_record_is_dead_lettered_and_the_rest_of_the_flow_goes_on(
    tmp_path: Path,
) -> None:
    with world_rig(tmp_path) as w:
        engine = w.engine()
        w.sf.insert("Contact", {"LastName": "Good"})
        poison = w.sf.insert("Contact", {"LastName": "Bad\ud800"})
        report = engine.run_cycle()
        assert [(d.code, d.ref) for d in report.dead_letters] == [
            ("INVALID_TEXT", f"salesforce-contact:{poison}")
        ]
        assert "lone surrogate" in report.dead_letters[0].message
        assert "\ud800" not in report.dead_letters[0].message  # the reason, never the value
        w.later()
        w.sf.insert("Contact", {"LastName": "Added later"})
        engine.run_cycle()
        assert sorted(r["familyName"] for r in w.crm_values()) == ["Added later", "Good"]
        w.later()
        w.sf.ui_edit("Contact", poison, {"LastName": "Fixed"})
        report = engine.run_cycle()
        assert report.dead_letters == ()
        assert sorted(r["familyName"] for r in w.crm_values()) == ["Added later", "Fixed", "Good"]


def test_a_poison_edit_in_crmoffice_holds_back_only_its_own_pair(tmp_path: Path) -> None:
    with world_rig(tmp_path) as w:
        engine = w.engine()
        first = w.sf.insert("Contact", {"LastName": "First"})
        second = w.sf.insert("Contact", {"LastName": "Second"})
        engine.run_cycle()
        w.later()
        w.crm.ui_edit("contacts", w.partner(engine, "contact", first), {"givenName": "X\udfff"})
        w.crm.ui_edit("contacts", w.partner(engine, "contact", second), {"givenName": "Ok"})
        report = engine.run_cycle()
        assert [d.code for d in report.dead_letters] == ["INVALID_TEXT"]
        assert w.sf.get("Contact", second)["FirstName"] == "Ok"
        assert w.sf.get("Contact", first)["FirstName"] is None
