"""The pytest side of the checklist: options, the per-scenario driver, Allure labels and evidence.

    pytest features/ --target mock --sync-engine harness.engine:create_engine
    pytest features/ --alluredir reports/allure-results   # then `make qa` renders it

Thin on purpose: everything that does work lives in harness.qa (a plain library).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import allure
import pytest

from harness.engine import load_engine_factory
from harness.errors import TalkQAError
from harness.qa.driver import ChecklistDriver, EngineFactory
from harness.qa.evidence import ExchangeLog
from harness.qa.factories import RecordFactory
from harness.qa.labels import scenario_labels
from harness.qa.report_env import write_environment
from harness.qa.signoff import FINDING_ATTACHMENT
from harness.qa.targets import MockTarget, Target
from harness.redact import Redactor
from harness.spec import DataflowSpec, load_spec

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DOCUMENT = REPO / "fixtures" / "dataflows" / "salesforce-to-crmoffice.rst"
DEFAULT_ENGINE = "harness.engine:create_engine"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("talkqa", "talkqa checklist")
    group.addoption("--target", choices=("mock", "sandbox"), default="mock",
                    help="where the systems are: the embedded fakes (default) or real sandboxes")
    group.addoption("--sync-engine", default=DEFAULT_ENGINE, metavar="MODULE:FACTORY",
                    help=f"the engine under test (default {DEFAULT_ENGINE})")
    group.addoption("--document", default=str(DEFAULT_DOCUMENT), metavar="PATH",
                    help="the dataflow document the checklist is judged against")


def pytest_configure(config: pytest.Config) -> None:
    try:
        spec = load_spec(Path(config.getoption("--document")))
        load_engine_factory(config.getoption("--sync-engine"))
    except TalkQAError as error:  # a user's mistake: one line, no traceback
        raise pytest.UsageError(str(error)) from None
    if config.getoption("--target") == "sandbox":
        raise pytest.UsageError(
            "--target sandbox: the sandbox connection is not configured in this version;"
            " run with --target mock (the embedded fakes)"
        )
    results = getattr(config.option, "allure_report_dir", None)
    if results and not hasattr(config, "workerinput"):
        write_environment(Path(results), config, spec)


@pytest.fixture(scope="session")
def checklist_spec(pytestconfig: pytest.Config) -> DataflowSpec:
    return load_spec(Path(pytestconfig.getoption("--document")))


@pytest.fixture(scope="session")
def engine_factory(pytestconfig: pytest.Config) -> EngineFactory:
    return load_engine_factory(pytestconfig.getoption("--sync-engine"))


@pytest.fixture
def target() -> Iterator[Target]:
    with MockTarget() as mock:
        yield mock


@pytest.fixture
def driver(
    request: pytest.FixtureRequest,
    target: Target,
    checklist_spec: DataflowSpec,
    engine_factory: EngineFactory,
    tmp_path: Path,
    pytestconfig: pytest.Config,
) -> Iterator[ChecklistDriver]:
    exchanges = ExchangeLog(Redactor(target.secrets()))
    # A seed per scenario: the same records serially and under xdist, and on every re-run.
    seed = zlib.crc32(request.node.nodeid.encode("utf-8"))
    checklist = ChecklistDriver(
        target, checklist_spec, engine_factory, tmp_path / "talkqa-state.sqlite", exchanges,
        RecordFactory(seed), Path(pytestconfig.getoption("--document")).read_text("utf-8"),
    )
    try:
        yield checklist
    finally:
        _attach_evidence(checklist, exchanges)
        checklist.close()


def _attach_evidence(checklist: ChecklistDriver, exchanges: ExchangeLog) -> None:
    redactor = Redactor(checklist.target.secrets())
    evidence = redactor.data(checklist.evidence())
    for finding in checklist.findings:
        allure.attach(
            finding, name=FINDING_ATTACHMENT, attachment_type=allure.attachment_type.TEXT
        )
    allure.attach(
        json.dumps(evidence, indent=2, ensure_ascii=False, default=str),
        name="Records, links and run reports", attachment_type=allure.attachment_type.JSON,
    )
    allure.attach(exchanges.render(), name="HTTP exchanges (secrets masked)",
                  attachment_type=allure.attachment_type.TEXT)


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    spec = request.getfixturevalue("checklist_spec")
    labels = scenario_labels(spec, request.node, request.config)
    allure.dynamic.epic(labels.epic)
    for name in labels.features:
        allure.dynamic.feature(name)
    for story in labels.stories:
        allure.dynamic.story(story)
    allure.dynamic.severity(labels.severity)
