"""Property test: any interleaving of edits and cycles ends where a reference model says.

The model (harness.reliability.model, shared with the soak in tests/reliability) is written
from SYNC-SEMANTICS.md on its own, without the engine's merge module: per property, a side that
moved away from the last agreed value wins; if both moved to different values the record
changed later wins, a tie goes to Salesforce; "" equals None.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harness.clock import FakeClock
from harness.connectors.settings import CrmofficeSettings, SalesforceSettings, SessionLogin
from harness.engine import EngineContext
from harness.engine.engine import TalkEngine
from harness.engine.mapping import load_mapping
from harness.reliability.model import PROPS, Model, norm

from .memory_apis import MemoryCrmofficeApi, MemorySalesforceApi

values = st.sampled_from(["", None, "a", "b", "c", "x1"])
gaps = st.sampled_from([0, 0, 0.001, 1, 3, 30])
edit = st.tuples(
    st.sampled_from(["sf", "crm"]), st.integers(0, 2), st.sampled_from(list(PROPS)), values, gaps
)
# Two edits of one property, one per side, close together: the conflict rules' ground.
conflict = st.tuples(
    st.just("conflict"),
    st.integers(0, 2),
    st.sampled_from(list(PROPS)),
    values,
    values,
    st.sampled_from([0, 0.001]),
    st.booleans(),
)
op = st.one_of(edit, conflict, st.just(("cycle",)), st.tuples(st.just("new"), values, gaps))


@example(initial=[("a", "a")], ops=[("conflict", 0, "Phone", "b", "c", 0, True)])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    initial=st.lists(st.tuples(values, values), min_size=1, max_size=4),
    ops=st.lists(op, max_size=25),
)
def test_any_interleaving_converges_to_the_reference_model(
    initial: list[tuple[str | None, str | None]], ops: list[tuple[object, ...]]
) -> None:
    clock = FakeClock(tick=timedelta(0))  # equal timestamps are possible on purpose
    sf, crm, model = MemorySalesforceApi(clock), MemoryCrmofficeApi(clock), Model()
    with tempfile.TemporaryDirectory() as tmp:
        engine = TalkEngine(_context(Path(tmp), clock), load_mapping(), sf, crm)
        ids = [_new_contact(sf, model, clock, first, last) for first, last in initial]
        engine.run_cycle()
        model.cycle(clock.now())
        for step in ops:
            _apply(step, engine, sf, crm, model, clock, ids)
        engine.run_cycle()
        model.cycle(clock.now())
        clock.advance(seconds=10)
        assert engine.run_cycle().writes() == 0  # quiet: no echo, no ping-pong
        _assert_matches(engine, sf, crm, model)
        engine.close()


def _apply(step, engine, sf, crm, model, clock, ids) -> None:  # type: ignore[no-untyped-def]
    if step[0] == "cycle":
        engine.run_cycle()
        model.cycle(clock.now())
        return
    if step[0] == "conflict":
        _, index, prop, first, second, gap, sf_first = step
        sides = ("sf", "crm") if sf_first else ("crm", "sf")
        _apply((sides[0], index, prop, first, 0), engine, sf, crm, model, clock, ids)
        _apply((sides[1], index, prop, second, gap), engine, sf, crm, model, clock, ids)
        return
    if step[0] == "new":
        clock.advance(seconds=step[2])
        ids.append(_new_contact(sf, model, clock, step[1], "new"))
        return
    side, index, prop, value, gap = step
    sf_id = ids[index % len(ids)]
    clock.advance(seconds=gap)
    now = clock.now()
    if sf_id in model.unlinked:
        if side == "sf":
            sf.ui_edit("Contact", sf_id, {prop: value})
            model.unlinked[sf_id][0][prop] = value
            model.unlinked[sf_id] = (model.unlinked[sf_id][0], now)
        return  # no Crmoffice partner yet
    pair = model.pairs[sf_id]
    if side == "sf":
        sf.ui_edit("Contact", sf_id, {prop: value})
        pair.sf[prop], pair.sf_at = value, now
    else:
        crm.ui_edit("contacts", _partner(engine, sf_id), {PROPS[prop]: value})
        pair.crm[prop], pair.crm_at = value, now


def _new_contact(sf, model, clock, first, last) -> str:  # type: ignore[no-untyped-def]
    values = {"FirstName": first, "LastName": last or "x", "MobilePhone": None, "Phone": None}
    sf_id: str = sf.insert("Contact", values)
    model.unlinked[sf_id] = (dict(values), clock.now())
    return sf_id


def _partner(engine: TalkEngine, sf_id: str) -> str:
    ref = f"salesforce-contact:{sf_id}"
    return engine.store.links_for_sources("contact", [ref])[ref].target_ref.split(":")[1]


def _assert_matches(engine, sf, crm, model) -> None:  # type: ignore[no-untyped-def]
    links = engine.store.all_links("contact")
    assert (
        len(links) == len(model.pairs) == len(crm.records("contacts")) == len(sf.records("Contact"))
    )
    assert len({lk.target_ref for lk in links}) == len(links)  # one-to-one
    for sf_id, pair in model.pairs.items():
        sf_row, crm_row = sf.get("Contact", sf_id), crm.get("contacts", _partner(engine, sf_id))
        for prop, crm_prop in PROPS.items():
            assert norm(sf_row.values.get(prop)) == norm(pair.sf[prop]), (sf_id, prop)
            assert norm(crm_row.values.get(crm_prop)) == norm(pair.sf[prop]), (sf_id, prop)


def _context(tmp: Path, clock: FakeClock) -> EngineContext:
    return EngineContext(
        SalesforceSettings(SessionLogin("https://sf.invalid", "unused")),
        CrmofficeSettings("https://crm.invalid", "https://id.invalid/token", "id", "s"),
        tmp / "state.sqlite",
        clock=clock,
    )
