"""Step definitions of the fault matrix (features/handwritten/faults.feature).

    .venv/bin/pytest features/test_handwritten.py -k fault -q
    When the next 2 call(s) to Salesforce query answer 503   # scripted in the embedded fake

Faults are scripted through the fakes' FaultPlan, so they exist only on the mock target; on a
sandbox every step here skips with the reason. The work is in harness.reliability.faultrun.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import allure
import pytest
from pytest_bdd import given, parsers, then, when

from harness.checklist import phrases
from harness.dataflow import DataflowSpec
from harness.qa.driver import ChecklistDriver, EngineFactory
from harness.qa.window import EngineWindow
from harness.reliability.faultrun import FaultRun, Twin
from steps.engines import SESAM_ENGINE

NO_FAKES = (
    "faults are scripted in the embedded fakes; a real sandbox cannot be told to answer 503"
    " on its next call, so the fault matrix runs on --target mock only"
)
THROUGH_A_NODE = (
    "the fault matrix scripts faults into the sync engine's own calls to the two systems and"
    " compares with a twin run on fresh fakes; through a Sesam node those calls are the node's,"
    " so it runs on the in-process engines only (--sync-engine MODULE:FACTORY)"
)


class FaultScenario:
    """The scenario's FaultRun and, once computed, its fault-free twin."""

    def __init__(self) -> None:
        self.run: FaultRun | None = None
        self.twin: Twin | None = None


@pytest.fixture
def fault_scenario(driver: ChecklistDriver) -> Iterator[FaultScenario]:
    scenario = FaultScenario()
    yield scenario
    run = scenario.run
    if run is not None and run.cell and len(driver.cycles) > run.faulted_cycle:
        allure.attach(
            run.table(scenario.twin), name="Fault cell", attachment_type=allure.attachment_type.CSV
        )


def _run(fault_scenario: FaultScenario) -> FaultRun:
    if fault_scenario.run is None:
        raise AssertionError("the scenario has no fault matrix workload (its Given step)")
    return fault_scenario.run


def _twin(
    fault_scenario: FaultScenario, spec: DataflowSpec, factory: EngineFactory, tmp_path: Path
) -> Twin:
    if fault_scenario.twin is None:
        fault_scenario.twin = _run(fault_scenario).twin(spec, factory, tmp_path)
    return fault_scenario.twin


@given(parsers.re(phrases.FAULT_WORKLOAD.regex))
def fault_workload(
    driver: ChecklistDriver,
    fault_scenario: FaultScenario,
    engine_window: EngineWindow,
    pytestconfig: pytest.Config,
    source_system: str,
    source_object: str,
) -> None:
    fakes = driver.target.embedded_fakes()
    if fakes is None:
        pytest.skip(NO_FAKES)
    if pytestconfig.getoption("--sync-engine") == SESAM_ENGINE:
        pytest.skip(THROUGH_A_NODE)
    fault_scenario.run = FaultRun.start(driver, fakes.world, engine_window)


@when(parsers.re(phrases.FAULT_CALLS.regex))
def fault_calls(
    fault_scenario: FaultScenario, count: str, system: str, route: str, fault: str
) -> None:
    _run(fault_scenario).inject(system, route, int(count), fault)


@when(parsers.re(phrases.FAULT_RECORD.regex))
def fault_record(fault_scenario: FaultScenario, system: str, route: str, reason: str) -> None:
    _run(fault_scenario).inject_record_failure(system, route, reason)


@then(parsers.re(phrases.AS_WITHOUT_FAULT.regex))
def as_without_fault(
    fault_scenario: FaultScenario,
    checklist_spec: DataflowSpec,
    engine_factory: EngineFactory,
    tmp_path: Path,
) -> None:
    run = _run(fault_scenario)
    run.check_fired()
    run.check_end_state(_twin(fault_scenario, checklist_spec, engine_factory, tmp_path))


@then(parsers.re(phrases.FAULTED_REPORT.regex))
def faulted_report(
    fault_scenario: FaultScenario,
    checklist_spec: DataflowSpec,
    engine_factory: EngineFactory,
    tmp_path: Path,
    value: str,
) -> None:
    twin = _twin(fault_scenario, checklist_spec, engine_factory, tmp_path)
    _run(fault_scenario).check_outcome(value, twin)


@then(parsers.re(phrases.RETRY_PAUSES.regex))
def retry_pauses(fault_scenario: FaultScenario, value: str) -> None:
    _run(fault_scenario).check_pauses(value)
