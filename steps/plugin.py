"""The pytest side of the checklist: one-line hooks and fixtures over plain modules.

    pytest features/ --target mock --sync-engine harness.engine:create_engine
    pytest features/ --alluredir reports/allure-results   # then `make qa` renders it

Options: steps/options.py. Documents and markers: steps/documents.py. The engine under test:
steps/engines.py. A sandbox run: steps/sandbox_run.py. Allure: steps/allure_results.py.
Credentials masked in reports: steps/masking.py. What does the work: harness.qa.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.dataflow import DataflowSpec
from harness.errors import TalkQAError
from harness.qa.documents import Document
from harness.qa.driver import ChecklistDriver, EngineFactory
from harness.qa.evidence import ExchangeLog
from harness.qa.factories import scenario_seed
from harness.qa.report_env import write_environment
from harness.qa.targets import Target
from harness.qa.window import EngineWindow
from harness.redact import Redactor, secrets_in_environment
from harness.sandbox.config import environ_with_dotenv
from harness.targets import MockTarget
from steps import allure_results, documents, engines, masking, options, sandbox_run
from steps.keys import DOCUMENTS, RUN_REDACTOR, SANDBOX_TARGETS, SCENARIO_FINDINGS


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    try:
        loaded = documents.load_documents(config)
        engines.check_engine_options(config)
    except TalkQAError as error:  # a user's mistake: one line, no traceback
        raise pytest.UsageError(str(error)) from None
    config.stash[DOCUMENTS] = loaded
    documents.declare_markers(config, loaded)
    documents.declare_unjudged_tags(config)
    config.stash[RUN_REDACTOR] = Redactor(
        [*MockTarget().secrets(), *secrets_in_environment(environ_with_dotenv())]
    )
    if config.getoption("--target") == "sandbox":
        sandbox_run.open_sandbox(config)
    results = getattr(config.option, "allure_report_dir", None)
    if results and not hasattr(config, "workerinput"):
        write_environment(Path(results), config, loaded, config.stash[RUN_REDACTOR])


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    sandbox_run.hand_run_id(node)


@pytest.fixture
def checklist_document(request: pytest.FixtureRequest) -> Document:
    return documents.document_of(request.node)


@pytest.fixture
def checklist_spec(checklist_document: Document) -> DataflowSpec:
    return checklist_document.spec


@pytest.fixture
def engine_factory(pytestconfig: pytest.Config, target: Target) -> EngineFactory:
    return engines.engine_under_test(pytestconfig, target)


@pytest.fixture
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    if SANDBOX_TARGETS not in pytestconfig.stash:
        with MockTarget() as mock:
            yield mock
        return
    with sandbox_run.scenario_sandbox(pytestconfig) as sandbox:
        yield sandbox


@pytest.fixture
def engine_window() -> EngineWindow:
    """What a scenario arms only around the engine's own cycles (the fault matrix's faults)."""
    return EngineWindow()


@pytest.fixture
def driver(
    request: pytest.FixtureRequest,
    target: Target,
    checklist_document: Document,
    engine_factory: EngineFactory,
    engine_window: EngineWindow,
    tmp_path: Path,
) -> Iterator[ChecklistDriver]:
    exchanges = ExchangeLog(Redactor(target.secrets()))
    checklist = ChecklistDriver(
        target,
        checklist_document.spec,
        engine_factory,
        tmp_path / "talkqa-state.sqlite",
        exchanges,
        # On a sandbox every Salesforce record carries the run's tag.
        target.record_factory(scenario_seed(request.node.nodeid)),
        checklist_document.text,
        engine_window,
    )
    try:
        yield checklist
    finally:
        allure_results.attach_evidence(checklist, exchanges)
        request.node.stash[SCENARIO_FINDINGS] = list(checklist.findings)
        checklist.close()


@pytest.hookimpl(trylast=True)  # after allure-pytest-bdd has added every argument to the step
def pytest_bdd_before_step_call(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Any,
    step_func_args: dict[str, Any],
) -> None:
    allure_results.keep_text_parameters(request.config, step, step_func_args)


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    allure_results.label_scenario(request)


@pytest.hookimpl(wrapper=True, trylast=True)  # innermost: allure-pytest-bdd sees it masked
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    masking.mask_report(item, report)
    if report.when == "teardown":
        allure_results.mark_document_gap(item)
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    allure_results.scrub_results(session)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    documents.deselect_unjudged(config, items)
    documents.skip_volume_on_a_sandbox(config, items)
    documents.check_generated_from(config, items)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    line = documents.unjudged_line(config)
    if line is not None:
        terminalreporter.write_line(line)


def pytest_deselected(items: list[pytest.Item]) -> None:
    allure_results.record_deselected(items)
