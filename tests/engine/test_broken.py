"""Each broken engine breaks its one rule (so the checklist has something to catch)."""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from harness.engine import EngineContext, SyncEngine, create_engine
from harness.engine.broken import (
    ForgetfulEngine,
    _empties_unchanged,
    _latest_blanks_win,
    batch_all_or_none,
    creates_back,
    first_page_only,
    oversized_batches,
    second_precision,
    swap_phones,
    watermark_at_cycle_end,
)
from harness.engine.engine import TalkEngine
from harness.engine.mapping import load_mapping
from harness.engine.merge import MergeRule, Side, decide
from harness.errors import RecordRejectedError
from harness.links import LinkStore

from .conftest import Rig
from .world_rig import WorldRig, world_rig

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(minutes=1)

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


# --- the defect classes of issue 11: each engine differs from the real one on its one rule ---


def _linked_memory(rig: Rig, merge_rule: MergeRule | None = None) -> tuple[TalkEngine, str, str]:
    engine = create_engine(rig.context, salesforce=rig.sf, crmoffice=rig.crm, merge_rule=merge_rule)
    assert isinstance(engine, TalkEngine)
    rig.engines.append(engine)
    sf_id = rig.sf.insert("Contact", ADA)
    engine.run_cycle()
    rig.later()
    return engine, sf_id, rig.partner(engine, "contact", sf_id)


@pytest.mark.parametrize(("rule", "first_name"), [(None, None), (_empties_unchanged, "Ada")])
def test_empty_is_no_change_keeps_a_cleared_value(
    rig: Rig, rule: MergeRule | None, first_name: str | None
) -> None:
    engine, sf_id, crm_id = _linked_memory(rig, rule)
    rig.crm.ui_edit("contacts", crm_id, {"givenName": ""})
    engine.run_cycle()
    assert (rig.sf.get("Contact", sf_id).values["FirstName"] or None) == first_name


def test_strict_empty_writes_again_where_the_real_rule_writes_nothing() -> None:
    """Crmoffice answers "" and Salesforce null for the same cleared value."""
    base = {"FirstName": ""}
    salesforce, crmoffice = Side({"FirstName": None}, T1), Side({"FirstName": ""}, T0)
    assert decide(base, salesforce, crmoffice).writes_nothing
    strict = partial(decide, same=operator.eq)(base, salesforce, crmoffice)
    assert not strict.writes_nothing


def test_blank_overwrites_clears_a_value_set_on_the_other_side() -> None:
    """FirstName was empty on both; Salesforce set it, then Crmoffice edited LastName."""
    base = {"FirstName": None, "LastName": "L"}
    salesforce = Side({"FirstName": "Ada", "LastName": "L"}, T0)
    crmoffice = Side({"FirstName": None, "LastName": "M"}, T1)
    assert decide(base, salesforce, crmoffice).merged == {"FirstName": "Ada", "LastName": "M"}
    assert _latest_blanks_win(base, salesforce, crmoffice).merged == {
        "FirstName": None,
        "LastName": "M",
    }


def _world_engine(w: WorldRig, factory: Callable[[EngineContext], SyncEngine]) -> SyncEngine:
    engine = factory(w.context)
    w.closing.append(engine)
    return engine


@pytest.mark.parametrize(("factory", "winner"), [(create_engine, "Crm"), (second_precision, "Sf")])
def test_second_precision_ties_edits_650_ms_apart(
    tmp_path: Path, factory: Callable[[EngineContext], SyncEngine], winner: str
) -> None:
    with world_rig(tmp_path) as w:
        sf_id = w.sf.insert("Contact", ADA)
        engine = _world_engine(w, factory)
        engine.run_cycle()
        crm_id = w.crm.records("contacts")[0]["id"]
        at = w.clock.advance(seconds=30).replace(microsecond=0)
        w.sf.ui_edit("Contact", sf_id, {"FirstName": "Sf"}, at=at + timedelta(milliseconds=250))
        w.crm.ui_edit("contacts", crm_id, {"givenName": "Crm"}, at=at + timedelta(milliseconds=900))
        w.clock.advance(seconds=5)
        engine.run_cycle()
        assert w.sf.get("Contact", sf_id)["FirstName"] == winner


@pytest.mark.parametrize(
    ("factory", "later_than_start"), [(create_engine, False), (watermark_at_cycle_end, True)]
)
def test_watermark_at_cycle_end_saves_the_end_time(
    tmp_path: Path, factory: Callable[[EngineContext], SyncEngine], later_than_start: bool
) -> None:
    with world_rig(tmp_path) as w:
        w.sf.insert("Contact", ADA)
        engine = _world_engine(w, factory)
        started = w.clock.peek()
        engine.run_cycle()
        marks = LinkStore.open(w.context.state_path).watermarks()
        assert marks and all((mark > started) is later_than_start for mark in marks.values())


@pytest.mark.parametrize(("factory", "synced"), [(create_engine, 2), (batch_all_or_none, 0)])
def test_batch_all_or_none_holds_the_good_records_back(
    tmp_path: Path, factory: Callable[[EngineContext], SyncEngine], synced: int
) -> None:
    with world_rig(tmp_path) as w:
        ids = [w.sf.insert("Contact", {**ADA, "LastName": f"L{n}"}) for n in range(3)]
        engine = _world_engine(w, factory)
        engine.run_cycle()
        w.later()
        for n, record in enumerate(w.crm.records("contacts")):
            w.crm.ui_edit("contacts", record["id"], {"givenName": "x" * 41 if n == 1 else "New"})
        w.later()
        engine.run_cycle()
        assert sum(w.sf.get("Contact", rid)["FirstName"] == "New" for rid in ids) == synced


@pytest.mark.parametrize(("factory", "linked"), [(create_engine, 2001), (first_page_only, 2000)])
def test_first_page_only_never_reads_past_2000(
    tmp_path: Path, factory: Callable[[EngineContext], SyncEngine], linked: int
) -> None:
    with world_rig(tmp_path) as w:
        for n in range(2001):
            w.sf.insert("Contact", {"LastName": f"L{n}"})
        _world_engine(w, factory).run_cycle()
        assert len(w.crm.records("contacts")) == linked


@pytest.mark.parametrize(("factory", "synced"), [(create_engine, 201), (oversized_batches, 0)])
def test_oversized_batches_are_refused_past_200(
    tmp_path: Path, factory: Callable[[EngineContext], SyncEngine], synced: int
) -> None:
    with world_rig(tmp_path) as w:
        ids = [w.sf.insert("Contact", {"LastName": f"L{n}"}) for n in range(201)]
        engine = _world_engine(w, factory)
        engine.run_cycle()
        w.later()
        for record in w.crm.records("contacts"):
            w.crm.ui_edit("contacts", record["id"], {"givenName": "New"})
        w.later()
        with contextlib.suppress(RecordRejectedError):
            engine.run_cycle()
        assert sum(w.sf.get("Contact", rid)["FirstName"] == "New" for rid in ids) == synced


@pytest.mark.parametrize(("factory", "in_salesforce"), [(create_engine, 0), (creates_back, 1)])
def test_creates_back_copies_a_crmoffice_record_into_salesforce(
    tmp_path: Path, factory: Callable[[EngineContext], SyncEngine], in_salesforce: int
) -> None:
    with world_rig(tmp_path) as w:
        w.sf.insert("Contact", ADA)
        engine = _world_engine(w, factory)
        engine.run_cycle()
        w.later()
        w.crm.insert("contacts", {"givenName": "Made", "familyName": "In Crmoffice"})
        engine.run_cycle()
        made = [r for r in w.sf.records("Contact") if r["LastName"] == "In Crmoffice"]
        assert len(made) == in_salesforce
