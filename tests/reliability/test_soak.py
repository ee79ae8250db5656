"""Randomized soak: creates, edits, conflicts, faults, cycles and restarts; then it converges.

    .venv/bin/pytest tests/reliability/test_soak.py -q                         # CI: seeded, ~1 min
    TALKQA_SOAK_SECONDS=1800 .venv/bin/pytest tests/reliability/test_soak.py -q   # nightly

A hypothesis RuleBasedStateMachine drives the real engine and connectors against both fakes
(in process). Faults are any the fakes can script, on reads and writes of both systems. After
the faults stop and two quiet cycles, both systems agree with harness.reliability.model, links
are one-to-one, and a further cycle writes nothing. While a cycle has failed or left a dead
letter, people make no edits: the model has no notion of half a cycle, and the next clean
cycle must finish the work (SYNC-SEMANTICS "Errors"). Hypothesis prints the failing steps.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

from harness.engine import EngineContext, create_engine
from harness.engine.engine import TalkEngine
from harness.errors import TalkQAError
from harness.fakes.faults import FaultKind
from harness.fakes.world import FakeWorld
from harness.reliability.model import PROPS, Model, norm

SOAK_SECONDS = float(os.environ.get("TALKQA_SOAK_SECONDS", "0"))  # 0: the seeded CI run
ROUTES = {
    "salesforce": ["query", "composite.sobjects.patch"],
    "crmoffice": ["contacts.list", "contacts.create", "contacts.update"],
}
KINDS = [k for k in FaultKind if k is not FaultKind.RECORD_FAILURE]
values = st.sampled_from(["", None, "a", "b", "c", "x1"])
last_names = st.sampled_from(["a", "b", "c"])  # LastName is required in Salesforce


def _value_for(prop: str) -> st.SearchStrategy[str | None]:
    return last_names if prop == "LastName" else values


class SoakMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = FakeWorld()
        self._mock = self.world.activated()
        self._mock.__enter__()
        self._tmp = tempfile.TemporaryDirectory(prefix="talkqa-soak-")
        self.context = EngineContext(
            self.world.salesforce_settings(),
            self.world.crmoffice_settings(),
            Path(self._tmp.name) / "state.sqlite",
            clock=self.world.clock,
            sleep=lambda seconds: None,
        )
        self.model, self.ids, self.dirty = Model(), list[str](), False
        self.engine = self._new_engine()
        for first in ("a", "b"):
            self._create(first, "a")

    def _new_engine(self) -> TalkEngine:
        engine = create_engine(self.context)
        assert isinstance(engine, TalkEngine)
        return engine

    # --- people -----------------------------------------------------------------------------

    def _create(self, first: str | None, last: str) -> None:
        values = {"FirstName": first, "LastName": last, "MobilePhone": None, "Phone": None}
        sf_id = self.world.salesforce.insert("Contact", dict(values))
        self.model.unlinked[sf_id] = (values, self.world.clock.peek())
        self.ids.append(sf_id)

    @precondition(lambda self: not self.dirty)
    @rule(first=values, last=last_names)
    def create(self, first: str | None, last: str) -> None:
        self._create(first, last)

    @precondition(lambda self: not self.dirty)
    @rule(
        data=st.data(),
        side=st.sampled_from(["sf", "crm"]),
        index=st.integers(0, 50),
        prop=st.sampled_from(list(PROPS)),
        gap=st.sampled_from([0.001, 1, 3]),
    )
    def edit(self, data: st.DataObject, side: str, index: int, prop: str, gap: float) -> None:
        value = data.draw(_value_for(prop))
        self.world.clock.advance(seconds=gap)
        self._edit(side, self.ids[index % len(self.ids)], prop, value, None)

    @precondition(lambda self: not self.dirty and bool(self.model.pairs))
    @rule(
        data=st.data(),
        index=st.integers(0, 50),
        prop=st.sampled_from(list(PROPS)),
        sf_delay=st.sampled_from([0, 0.5, 2]),
        crm_delay=st.sampled_from([0, 0.5, 2]),
    )
    def conflict(
        self, data: st.DataObject, index: int, prop: str, sf_delay: float, crm_delay: float
    ) -> None:
        """The same property edited on both sides at chosen times (equal: Salesforce wins)."""
        sf_id = sorted(self.model.pairs)[index % len(self.model.pairs)]
        start = self.world.clock.peek() + timedelta(seconds=1)
        sf_value, crm_value = data.draw(_value_for(prop)), data.draw(_value_for(prop))
        self._edit("sf", sf_id, prop, sf_value, start + timedelta(seconds=sf_delay))
        self._edit("crm", sf_id, prop, crm_value, start + timedelta(seconds=crm_delay))
        self.world.clock.set(start + timedelta(seconds=3))

    def _edit(
        self, side: str, sf_id: str, prop: str, value: str | None, at: datetime | None
    ) -> None:
        moment = at or self.world.clock.now()
        if sf_id in self.model.unlinked:
            if side == "sf":
                self.world.salesforce.ui_edit("Contact", sf_id, {prop: value}, at=moment)
                values, _ = self.model.unlinked[sf_id]
                values[prop] = value
                self.model.unlinked[sf_id] = (values, self._sf_stamp(sf_id))
            return  # no Crmoffice partner yet
        pair = self.model.pairs[sf_id]
        # The stamps are read back, not assumed: Crmoffice keeps updatedAt on an edit that
        # changes nothing, and the rules compare the times the systems show.
        if side == "sf":
            self.world.salesforce.ui_edit("Contact", sf_id, {prop: value}, at=moment)
            pair.sf[prop], pair.sf_at = value, self._sf_stamp(sf_id)
        else:
            partner = self._partner(sf_id)
            self.world.crmoffice.ui_edit("contacts", partner, {PROPS[prop]: value}, at=moment)
            pair.crm[prop], pair.crm_at = value, self._crm_stamp(partner)

    def _sf_stamp(self, sf_id: str) -> datetime:
        row = self.world.salesforce.get("Contact", sf_id)
        assert row is not None
        return datetime.strptime(str(row["SystemModstamp"]), "%Y-%m-%dT%H:%M:%S.%f%z")

    def _crm_stamp(self, crm_id: int) -> datetime:
        row = next(r for r in self.world.crmoffice.records("contacts") if r["id"] == crm_id)
        return datetime.fromisoformat(str(row["updatedAt"]))

    def _partner(self, sf_id: str) -> int:
        ref = f"salesforce-contact:{sf_id}"
        link = self.engine.store.links_for_sources("contact", [ref])[ref]
        return int(link.target_ref.split(":")[1])

    # --- faults, cycles, restarts -------------------------------------------------------------

    @rule(
        system=st.sampled_from(list(ROUTES)),
        pick=st.integers(0, 2),
        kind=st.sampled_from(KINDS),
        times=st.integers(1, 6),
    )
    def fault(self, system: str, pick: int, kind: FaultKind, times: int) -> None:
        route = ROUTES[system][pick % len(ROUTES[system])]
        self._fake(system).faults.inject(route, kind, times=times, retry_after=1)

    @rule(code=st.sampled_from(["UNABLE_TO_LOCK_ROW", "STRING_TOO_LONG"]))
    def record_failure(self, code: str) -> None:
        self.world.salesforce.faults.inject(
            "composite.sobjects.patch", FaultKind.RECORD_FAILURE, error_code=code
        )

    @rule()
    def cycle(self) -> None:
        self.world.clock.advance(seconds=1)
        try:
            report = self.engine.run_cycle()
        except TalkQAError:
            self.dirty = True  # half a cycle: the next clean one must finish it
            return
        self.model.cycle(self.world.clock.now())
        self.dirty = bool(report.dead_letters)

    @rule(new_process=st.booleans())
    def restart(self, new_process: bool) -> None:
        try:
            if new_process:
                self.engine.close()
                self.engine = self._new_engine()
            else:
                self.engine.restart()
        except TalkQAError:
            self.dirty = True  # reconciling a pending insert met a fault; the next cycle retries

    def _fake(self, system: str) -> FakeWorld:
        return getattr(self.world, system)  # type: ignore[no-any-return]

    # --- the end ----------------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            self._converge_and_check()
        finally:
            self.engine.close()
            self._mock.__exit__(None, None, None)
            self._tmp.cleanup()

    def _converge_and_check(self) -> None:
        self.world.salesforce.faults.clear()
        self.world.crmoffice.faults.clear()
        for _ in range(2):  # the two quiet cycles after the faults stop
            self.world.clock.advance(seconds=1)
            self.engine.run_cycle()
            self.model.cycle(self.world.clock.now())
        self.world.clock.advance(seconds=10)
        quiet = self.engine.run_cycle()
        assert quiet.writes() == 0, f"a quiet cycle wrote: {quiet.api_calls}"
        assert not quiet.dead_letters, quiet.dead_letters
        self._check_against_model()

    def _check_against_model(self) -> None:
        links = self.engine.store.all_links("contact")
        crm_rows = {int(r["id"]): r for r in self.world.crmoffice.records("contacts")}
        assert len({lk.target_ref for lk in links}) == len(links), "two sources share a target"
        assert len(links) == len(self.model.pairs) == len(crm_rows) == len(self.ids), (
            f"links {len(links)}, model {len(self.model.pairs)}, Crmoffice {len(crm_rows)},"
            f" Salesforce {len(self.ids)}"
        )
        for sf_id, pair in self.model.pairs.items():
            sf_row = self.world.salesforce.get("Contact", sf_id)
            crm_row = crm_rows[self._partner(sf_id)]
            assert sf_row is not None
            for prop, crm_prop in PROPS.items():
                want = norm(pair.sf[prop])
                assert norm(sf_row[prop]) == want, (sf_id, prop, sf_row[prop], want)
                assert norm(crm_row[crm_prop]) == want, (sf_id, crm_prop, crm_row[crm_prop], want)


def _settings(examples: int, seeded: bool) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=30,
        derandomize=seeded,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )


def test_soak_converges_to_the_model_after_faults_cycles_and_restarts() -> None:
    if SOAK_SECONDS <= 0:
        run_state_machine_as_test(SoakMachine, settings=_settings(300, seeded=True))
        return
    deadline = time.monotonic() + SOAK_SECONDS
    while time.monotonic() < deadline:  # nightly: fresh random rounds until the time is up
        run_state_machine_as_test(SoakMachine, settings=_settings(25, seeded=False))
