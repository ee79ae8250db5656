"""What the checklist adds to allure-pytest-bdd's results: labels, evidence, gaps, not-run items.

Each function here is called from one hook or fixture in steps/plugin.py. They reach the result
allure-pytest-bdd is writing through its listener, before it writes it, so `allure run`, which
watches the results folder, never reads a result twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import allure
import pytest
from allure_commons.model2 import Parameter, Status, StatusDetails
from allure_pytest_bdd.pytest_bdd_listener import PytestBDDListener
from allure_pytest_bdd.steps import get_step_uuid

from harness.qa.documents import Document
from harness.qa.driver import ChecklistDriver
from harness.qa.evidence import ExchangeLog
from harness.qa.labels import run_parameters, scenario_labels
from harness.qa.notrun import NotRun, deselection_reason, write_not_run
from harness.qa.signoff import DOCUMENT_LABEL, FINDING_ATTACHMENT, GAP_TAG, gap_message
from harness.redact import Redactor, scrub_files
from steps.documents import document_of, judged, template_of
from steps.keys import RUN_REDACTOR, SCENARIO_FINDINGS

RESULT_FILES = ("*-result.json", "*-container.json", "*-attachment.txt", "*-attachment.json")


def attach_evidence(checklist: ChecklistDriver, exchanges: ExchangeLog) -> None:
    """A scenario's findings, its records, links and run reports, and its HTTP exchanges."""
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


def keep_text_parameters(config: pytest.Config, step: Any, step_func_args: dict[str, Any]) -> None:
    """A step's parameters in the report are the values its text gave, never the fixtures it
    uses (they showed as `driver <ChecklistDriver object at 0x7f…>`)."""
    fixtures = {name for name, value in step_func_args.items() if not isinstance(value, str)}
    listener = bdd_listener(config)
    if not fixtures or listener is None:
        return
    with listener.lifecycle.update_step(uuid=get_step_uuid(step)) as result:
        if result is not None:
            result.parameters = [p for p in result.parameters if p.name not in fixtures]


def label_scenario(request: pytest.FixtureRequest) -> None:
    """Epic, features, stories, severity and the judging document, from the item's tags."""
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
    _add_run_parameters(request)


def _add_run_parameters(request: pytest.FixtureRequest) -> None:
    # Part of each result's history id: runs on another target or engine keep a history and
    # trend of their own, and every result says which it judged (issue 12).
    # Set on the result as plain text (allure.dynamic.parameter would quote them), the form
    # harness/qa/notrun.py writes for a scenario that did not run, so their ids agree.
    listener = bdd_listener(request.config)
    uuid = listener.nodeid_to_uuid.get(request.node.nodeid) if listener else None
    if listener is None or uuid is None:
        return
    with listener.lifecycle.update_test_case(uuid=uuid) as result:
        if result is not None:
            result.parameters.extend(
                Parameter(name=name, value=value)
                for name, value in run_parameters(request.config).items()
            )


def mark_document_gap(item: pytest.Item) -> None:
    """A document gap that passed is a finding for the lead, never a pass: its Allure result
    becomes "unknown" with the finding as its message, before allure-pytest-bdd writes it at
    teardown (issue 12; rewriting the files afterwards loses the race with `allure run`)."""
    if GAP_TAG not in {marker.name for marker in item.iter_markers()}:
        return
    listener = bdd_listener(item.config)
    uuid = listener.nodeid_to_uuid.get(item.nodeid) if listener else None
    if listener is None or uuid is None:
        return
    with listener.lifecycle.update_test_case(uuid=uuid) as result:
        if result is not None and result.status == Status.PASSED:
            result.status = Status.UNKNOWN
            findings = item.stash.get(SCENARIO_FINDINGS, [])
            result.statusDetails = StatusDetails(message=gap_message(findings, item.name))


def scrub_results(session: pytest.Session) -> None:
    """The Allure results hold each failure's message from the exception itself: mask them."""
    config = session.config
    results = getattr(config.option, "allure_report_dir", None)
    redactor = config.stash.get(RUN_REDACTOR, None)
    if results and redactor is not None and not hasattr(config, "workerinput"):
        scrub_files(Path(results), redactor, RESULT_FILES)


def record_deselected(items: list[pytest.Item]) -> None:
    """A deselected checklist scenario still gets a result: skipped, saying why (issue 12)."""
    if not items:
        return
    config = items[0].config
    results = getattr(config.option, "allure_report_dir", None)
    worker = getattr(config, "workerinput", {}).get("workerid", "gw0")
    if not results or worker != "gw0":  # each xdist worker deselects the same items
        return
    reason = deselection_reason(config.option.markexpr, config.option.keyword)
    for item in filter(judged, items):  # another document's items are not this run's
        not_run = _not_run(item, document_of(item), reason)
        if not_run is not None:
            write_not_run(Path(results), not_run)


def _not_run(item: pytest.Item, document: Document, reason: str) -> NotRun | None:
    template = template_of(item)
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


def bdd_listener(config: pytest.Config) -> PytestBDDListener | None:
    """allure-pytest-bdd's listener, when --alluredir is given."""
    plugins = config.pluginmanager.get_plugins()
    return next((p for p in plugins if isinstance(p, PytestBDDListener)), None)
