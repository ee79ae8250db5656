"""The pytest side of the checklist: options, the per-scenario driver, Allure labels and evidence.

    pytest features/ --target mock --sync-engine harness.engine:create_engine
    pytest features/ --alluredir reports/allure-results   # then `make qa` renders it

Thin on purpose: everything that does work lives in harness.qa (a plain library).
"""

from __future__ import annotations

import itertools
import json
import os
import zlib
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import allure
import pytest
from allure_commons.model2 import Parameter, Status, StatusDetails
from allure_pytest_bdd.pytest_bdd_listener import PytestBDDListener
from allure_pytest_bdd.steps import get_step_uuid
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness import resources
from harness.checklist.commands import all_documents
from harness.checklist.files import generated_from
from harness.checklist.gherkin import flow_tag
from harness.checklist.items import marker_lines
from harness.engine import load_engine_factory, load_mapping
from harness.errors import FatalError, TalkQAError
from harness.qa.documents import Document, Documents
from harness.qa.driver import ChecklistDriver, EngineFactory
from harness.qa.evidence import ExchangeLog
from harness.qa.labels import flow_description, run_parameters, scenario_labels
from harness.qa.notrun import NotRun, deselection_reason, write_not_run
from harness.qa.report_env import write_environment
from harness.qa.signoff import DOCUMENT_LABEL, FINDING_ATTACHMENT, GAP_TAG, gap_message
from harness.qa.targets import Target
from harness.qa.window import EngineWindow
from harness.redact import Redactor, scrub_files, secrets_in_environment
from harness.sandbox.config import AUTH_KINDS, environ_with_dotenv
from harness.sandbox.ledger import new_run_id
from harness.sesam import load_sesam_settings, sesam_engine_factory
from harness.spec import DataflowSpec
from harness.targets import MockTarget, SandboxTarget
from harness.targets.connect import sandbox_target
from harness.targets.sesam_node import fake_node_factory

DEFAULT_ENGINE = "harness.engine:create_engine"
SESAM_ENGINE = "sesam"  # Sesam Talk on a node, through the Service API (harness/sesam)
# Set only with --target sandbox: makes one guarded, self-cleaning SandboxTarget per scenario.
SANDBOX_TARGETS = pytest.StashKey[Callable[[], SandboxTarget]]()
# Masks this run's credentials in everything pytest writes: terminal, JUnit XML, skip
# reasons, the Allure results (their messages and traces come from the exception itself).
RUN_REDACTOR = pytest.StashKey[Redactor]()
SCENARIO_FINDINGS = pytest.StashKey[list[str]]()
DOCUMENTS = pytest.StashKey[Documents]()
RUN_ID = pytest.StashKey[str]()  # the sandbox run's id, handed to xdist workers
RUN_ID_KEY = "talkqa_run_id"  # what a scenario found in the document


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("talkqa", "talkqa checklist")
    group.addoption(
        "--target",
        choices=("mock", "sandbox"),
        default="mock",
        help="where the systems are: the embedded fakes (default) or real sandboxes",
    )
    group.addoption(
        "--sync-engine",
        default=DEFAULT_ENGINE,
        metavar="MODULE:FACTORY",
        help=f"the engine under test (default {DEFAULT_ENGINE}); '{SESAM_ENGINE}': Sesam Talk"
        " on a Sesam node (TALKQA_SESAM_* on a sandbox; a fake node on the fakes)",
    )
    group.addoption(
        "--sesam-node-engine",
        default=DEFAULT_ENGINE,
        metavar="MODULE:FACTORY",
        help="with --sync-engine sesam on the fakes: the engine the fake node's pipes run"
        f" (default {DEFAULT_ENGINE}; a broken one proves the checklist through the node)",
    )
    group.addoption(
        "--engine-mapping",
        default=None,
        metavar="PATH",
        help="the bundled engine's own flows (default harness/engine/flows.toml), e.g. one"
        " with a flow of Crmoffice origin for a Crmoffice-to-Salesforce document",
    )
    group.addoption(
        "--document",
        action="append",
        default=None,
        metavar="PATH",
        help="a dataflow document the checklist is judged against (repeatable; default: every"
        " document in fixtures/dataflows/)",
    )
    group.addoption(
        "--sf-auth",
        choices=AUTH_KINDS,
        default=None,
        help="sandbox: how to log in to Salesforce (default: TALKQA_SF_AUTH)",
    )
    group.addoption(
        "--min-remaining",
        type=int,
        default=None,
        metavar="N",
        help="sandbox: stop when the org has fewer than N daily API requests left"
        " (default: TALKQA_SF_MIN_REMAINING_REQUESTS or 1000)",
    )
    group.addoption(
        "--record",
        default=None,
        metavar="DIR",
        help="sandbox: store every HTTP exchange as a vcrpy cassette in DIR, secrets filtered"
        " (then `talkqa fidelity DIR` replays them against the fakes)",
    )
    group.addoption(
        "--sandbox-volume",
        action="store_true",
        help="sandbox: run the @volume items too (2,001 records each; about 11,000 calls)",
    )


def pytest_configure(config: pytest.Config) -> None:
    try:
        documents = Documents.load(config.getoption("--document") or all_documents())
        _check_engine_options(config)
        if config.getoption("--engine-mapping"):
            load_mapping(Path(config.getoption("--engine-mapping")))
    except TalkQAError as error:  # a user's mistake: one line, no traceback
        raise pytest.UsageError(str(error)) from None
    config.stash[DOCUMENTS] = documents
    # Flow and story tags are declared from the documents and the checklist's one table of
    # items, so --strict-markers holds for any document and a story's marker, its Allure story
    # and its sign-off row share one name; nothing per document is listed in pyproject.toml.
    flows = documents.flows()
    for line in dict.fromkeys(f"{flow_tag(f)}: flow {flow_description(f)}" for f in flows):
        config.addinivalue_line("markers", line)
    for line in marker_lines(flows):
        config.addinivalue_line("markers", line)
    config.stash[RUN_REDACTOR] = Redactor(
        [*MockTarget().secrets(), *secrets_in_environment(environ_with_dotenv())]
    )
    if config.getoption("--target") == "sandbox":
        _open_sandbox(config)
    results = getattr(config.option, "allure_report_dir", None)
    if results and not hasattr(config, "workerinput"):
        write_environment(Path(results), config, documents, config.stash[RUN_REDACTOR])


def document_of(item: pytest.Item) -> Document:
    """The dataflow document that judges this scenario (harness/qa/documents.py)."""
    template = _template_of(item)
    feature = Path(template.feature.filename) if template is not None else Path(str(item.path))
    tags = {marker.name for marker in item.iter_markers()}
    return item.config.stash[DOCUMENTS].for_feature(feature, tags)


@pytest.fixture
def checklist_document(request: pytest.FixtureRequest) -> Document:
    return document_of(request.node)


@pytest.fixture
def checklist_spec(checklist_document: Document) -> DataflowSpec:
    return checklist_document.spec


def _check_engine_options(config: pytest.Config) -> None:
    """Every engine option names something that loads (ConfigError: one line)."""
    spec = config.getoption("--sync-engine")
    if spec == SESAM_ENGINE:
        load_engine_factory(config.getoption("--sesam-node-engine"))
        if config.getoption("--target") == "sandbox":
            load_sesam_settings(environ_with_dotenv())
    else:
        load_engine_factory(spec)


def _engine_under_test(config: pytest.Config, target: Target) -> EngineFactory:
    spec = config.getoption("--sync-engine")
    if spec != SESAM_ENGINE:
        return load_engine_factory(spec)
    fakes = target.embedded_fakes()
    if fakes is not None:  # a fake node, its pipes running the chosen engine
        return fake_node_factory(
            load_engine_factory(config.getoption("--sesam-node-engine")), fakes.mount
        )
    return sesam_engine_factory(load_sesam_settings(environ_with_dotenv()))


@pytest.fixture
def engine_factory(pytestconfig: pytest.Config, target: Target) -> EngineFactory:
    factory = _engine_under_test(pytestconfig, target)
    chosen = pytestconfig.getoption("--engine-mapping")
    if not chosen:
        return factory
    return lambda context: factory(replace(context, mapping_path=Path(chosen)))


def _open_sandbox(config: pytest.Config) -> None:
    """Check configuration, guard and budget once, before any scenario; one line on failure."""
    env = environ_with_dotenv()
    worker = getattr(config, "workerinput", None)
    # An xdist worker takes the controller's run id (pytest_configure_node hands it over) and
    # adds its own name, so its records carry a tag of their own and its scope takes no other's.
    run_id = f"{worker[RUN_ID_KEY]}-{worker['workerid']}" if worker else new_run_id()
    config.stash[RUN_ID] = run_id

    record = config.getoption("--record")
    cassettes = itertools.count(1)

    def make(joining: SandboxTarget | None = None) -> SandboxTarget:
        return sandbox_target(
            env,
            run_id=run_id,
            sf_auth=config.getoption("--sf-auth"),
            min_remaining=config.getoption("--min-remaining"),
            joining=joining,
            # One cassette per target (a scenario's, or the run's first guard and login).
            record_to=Path(record) / f"{run_id}-{next(cassettes):04d}.yaml" if record else None,
        )

    with _stop_on_fatal(config), make() as first:
        config.stash[RUN_REDACTOR] = config.stash[RUN_REDACTOR].with_secrets(first.secrets())
    # Every scenario's target joins the first: its guard and its one Salesforce login.
    config.stash[SANDBOX_TARGETS] = lambda: make(joining=first)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist, in the controller: give each worker this run's id (workerinput, not os.environ)."""
    run_id = node.config.stash.get(RUN_ID, None)
    if run_id is not None:
        node.workerinput[RUN_ID_KEY] = run_id


@contextmanager
def _stop_on_fatal(config: pytest.Config) -> Iterator[None]:
    # Wrong credentials, a production org or a spent budget stop the whole run, as one line.
    try:
        yield
    except FatalError as error:
        pytest.exit(config.stash[RUN_REDACTOR].text(str(error)), returncode=error.exit_code)


@pytest.fixture
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    make = pytestconfig.stash.get(SANDBOX_TARGETS, None)
    if make is None:
        with MockTarget() as mock:
            yield mock
        return
    with _stop_on_fatal(pytestconfig), make() as sandbox:
        yield sandbox
    # A session renewed during the scenario is a new secret for the run's masking too.
    redactor = pytestconfig.stash[RUN_REDACTOR]
    pytestconfig.stash[RUN_REDACTOR] = redactor.with_secrets(sandbox.secrets())
    if sandbox.budget.exhausted:  # the scenario failed on it; the next would too
        pytest.exit(sandbox.budget.message(), returncode=1)


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
    # A seed per scenario: the same records serially and under xdist, and on every re-run.
    seed = zlib.crc32(request.node.nodeid.encode("utf-8"))
    checklist = ChecklistDriver(
        target,
        checklist_document.spec,
        engine_factory,
        tmp_path / "talkqa-state.sqlite",
        exchanges,
        # A seed per scenario; on a sandbox every Salesforce record carries the run tag.
        target.record_factory(seed),
        checklist_document.text,
        engine_window,
    )
    try:
        yield checklist
    finally:
        _attach_evidence(checklist, exchanges)
        request.node.stash[SCENARIO_FINDINGS] = list(checklist.findings)
        checklist.close()


def _attach_evidence(checklist: ChecklistDriver, exchanges: ExchangeLog) -> None:
    redactor = Redactor(checklist.target.secrets())
    evidence = redactor.data(checklist.evidence())
    for finding in checklist.findings:
        allure.attach(finding, name=FINDING_ATTACHMENT, attachment_type=allure.attachment_type.TEXT)
    allure.attach(
        json.dumps(evidence, indent=2, ensure_ascii=False, default=str),
        name="Records, links and run reports",
        attachment_type=allure.attachment_type.JSON,
    )
    allure.attach(
        exchanges.render(),
        name="HTTP exchanges (secrets masked)",
        attachment_type=allure.attachment_type.TEXT,
    )


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_step_call(
    request: pytest.FixtureRequest,
    feature: Any,
    scenario: Any,
    step: Any,
    step_func: Any,
    step_func_args: dict[str, Any],
) -> None:
    """A step's parameters in the report are the values its text gave, never the fixtures it
    uses (they showed as `driver <ChecklistDriver object at 0x7f…>`). trylast: after
    allure-pytest-bdd has added every argument to the step."""
    fixtures = {name for name, value in step_func_args.items() if not isinstance(value, str)}
    listener = _bdd_listener(request.config)
    if not fixtures or listener is None:
        return
    with listener.lifecycle.update_step(uuid=get_step_uuid(step)) as result:
        if result is not None:
            result.parameters = [p for p in result.parameters if p.name not in fixtures]


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    document = document_of(request.node)
    labels = scenario_labels(document.spec, request.node, request.config)
    # Which document judged it: talkqa signoff makes one summary and verdict per document.
    allure.dynamic.label(DOCUMENT_LABEL, document.folder)  # type: ignore[no-untyped-call]
    # allure-commons ships no type annotations: its calls are untyped to mypy.
    allure.dynamic.epic(labels.epic)  # type: ignore[no-untyped-call]
    for name in labels.features:
        allure.dynamic.feature(name)  # type: ignore[no-untyped-call]
    for story in labels.stories:
        allure.dynamic.story(story)  # type: ignore[no-untyped-call]
    allure.dynamic.severity(labels.severity)  # type: ignore[no-untyped-call]
    # Part of each result's history id: runs on another target or engine keep a history and
    # trend of their own, and every result says which it judged (issue 12).
    # Set on the result as plain text (allure.dynamic.parameter would quote them), the form
    # harness/qa/notrun.py writes for a scenario that did not run, so their ids agree.
    listener = _bdd_listener(request.config)
    uuid = listener.nodeid_to_uuid.get(request.node.nodeid) if listener else None
    if listener is None or uuid is None:
        return
    with listener.lifecycle.update_test_case(uuid=uuid) as result:
        if result is not None:
            result.parameters.extend(
                Parameter(name=name, value=value)
                for name, value in run_parameters(request.config).items()
            )


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Mask credentials in the report before the terminal, JUnit and Allure read it (trylast:
    the innermost wrapper, so allure-pytest-bdd sees the masked trace)."""
    report = yield
    redactor = item.config.stash.get(RUN_REDACTOR, None)
    if redactor is not None:
        _mask_report(report, redactor)
    if report.when == "teardown":
        _mark_document_gap(item)
    return report


def _mark_document_gap(item: pytest.Item) -> None:
    """A document gap that passed is a finding for the lead, never a pass: its Allure result
    becomes "unknown" with the finding as its message, before allure-pytest-bdd writes it at
    teardown (issue 12; rewriting the files afterwards loses the race with `allure run`)."""
    if GAP_TAG not in {marker.name for marker in item.iter_markers()}:
        return
    listener = _bdd_listener(item.config)
    uuid = listener.nodeid_to_uuid.get(item.nodeid) if listener else None
    if listener is None or uuid is None:
        return
    with listener.lifecycle.update_test_case(uuid=uuid) as result:
        if result is not None and result.status == Status.PASSED:
            result.status = Status.UNKNOWN
            findings = item.stash.get(SCENARIO_FINDINGS, [])
            result.statusDetails = StatusDetails(message=gap_message(findings, item.name))


def _bdd_listener(config: pytest.Config) -> PytestBDDListener | None:
    plugins = config.pluginmanager.get_plugins()
    return next((p for p in plugins if isinstance(p, PytestBDDListener)), None)


def _mask_report(report: pytest.TestReport, redactor: Redactor) -> None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # a skip: (path, line, reason)
        path, line, reason = longrepr
        report.longrepr = (path, line, redactor.text(str(reason)))
    elif longrepr is not None:
        text = str(longrepr)
        masked = redactor.text(text)
        if masked != text:
            report.longrepr = masked
    report.sections = [(title, redactor.text(body)) for title, body in report.sections]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """The Allure results hold each failure's message from the exception itself: mask them."""
    config = session.config
    results = getattr(config.option, "allure_report_dir", None)
    redactor = config.stash.get(RUN_REDACTOR, None)
    if results and redactor is not None and not hasattr(config, "workerinput"):
        scrub_files(
            Path(results),
            redactor,
            ("*-result.json", "*-container.json", "*-attachment.txt", "*-attachment.json"),
        )


# Why the volume items are left to the fakes on a sandbox unless asked for.
SANDBOX_VOLUME_SKIP = (
    "mock-only unless --sandbox-volume: a @volume item makes 2,001 records, which Crmoffice"
    " (no bulk API) creates, syncs and deletes one call each, about 11,000 calls and half an"
    " hour at a real sandbox's 150 ms a call; the fakes hold the same page and batch limits"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Generated scenarios are judged only against the document they were generated from.
    On a sandbox the volume items are skipped, with the reason, unless --sandbox-volume."""
    if config.getoption("--target") == "sandbox" and not config.getoption("--sandbox-volume"):
        for item in items:
            if item.get_closest_marker("volume") is not None:
                item.add_marker(pytest.mark.skip(reason=SANDBOX_VOLUME_SKIP))
    documents = config.stash[DOCUMENTS]
    files = {
        template.feature.filename for item in items if (template := _template_of(item)) is not None
    }
    for path in sorted(files):
        made_from = generated_from(Path(path))
        document = documents.for_feature(Path(path))
        if made_from is not None and made_from != document.spec.short_hash:
            raise pytest.UsageError(
                f"{resources.shown(Path(path))} was generated from a document with {made_from},"
                f" but {resources.shown(document.path)} is {document.spec.short_hash}: run"
                " `talkqa features generate` for that document, or judge the run against the"
                " document the features came from"
            )


def _template_of(item: pytest.Item) -> Any:
    function = getattr(item, "obj", None)
    return scenario_wrapper_template_registry.get(function) if callable(function) else None


def pytest_deselected(items: list[pytest.Item]) -> None:
    """A deselected checklist scenario still gets a result: skipped, saying why (issue 12)."""
    if not items:
        return
    config = items[0].config
    results = getattr(config.option, "allure_report_dir", None)
    worker = getattr(config, "workerinput", {}).get("workerid", "gw0")
    if not results or worker != "gw0":  # each xdist worker deselects the same items
        return
    reason = deselection_reason(config.option.markexpr, config.option.keyword)
    for item in items:
        not_run = _not_run(item, document_of(item), reason)
        if not_run is not None:
            write_not_run(Path(results), not_run)


def _not_run(item: pytest.Item, document: Document, reason: str) -> NotRun | None:
    template = _template_of(item)
    if template is None:
        return None  # not a checklist scenario
    callspec = getattr(item, "callspec", None)
    example = dict(callspec.params.get("_pytest_bdd_example", {})) if callspec else {}
    scenario = template.render(example)
    labels = scenario_labels(document.spec, item, item.config)
    tags = sorted(template.tags | template.feature.tags)
    return NotRun(
        name=scenario.name,
        full_name=f"{os.path.normpath(template.feature.rel_filename)}:{scenario.name}",
        labels=[
            ("epic", labels.epic),
            (DOCUMENT_LABEL, document.folder),
            *(("feature", f) for f in labels.features),
            *(("story", s) for s in labels.stories),
            ("severity", labels.severity),
            *(("tag", t) for t in tags),
        ],
        parameters={**example, **run_parameters(item.config)},
        reason=reason,
    )
