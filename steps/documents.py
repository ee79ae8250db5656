"""Which dataflow document judges which scenario, and the markers the documents declare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

from harness import resources
from harness.checklist.commands import all_documents
from harness.checklist.files import generated_from
from harness.checklist.gherkin import FLOW_TAG_PREFIX, flow_tag
from harness.checklist.items import marker_lines
from harness.qa.documents import Document, Documents
from harness.qa.labels import flow_description
from steps.keys import DOCUMENTS

UNJUDGED_MARKER = "a tag of a document this run was not given (its scenarios are deselected)"
UNJUDGED = pytest.StashKey[str]()  # the line the run ends with when it deselected some

# Why the volume items are left to the fakes on a sandbox unless asked for.
SANDBOX_VOLUME_SKIP = (
    "mock-only unless --sandbox-volume: a @volume item makes 2,001 records, which Crmoffice"
    " (no bulk API) creates, syncs and deletes one call each, about 11,000 calls and half an"
    " hour at a real sandbox's 150 ms a call; the fakes hold the same page and batch limits"
)


def load_documents(config: pytest.Config) -> Documents:
    """--document, or every document in fixtures/dataflows/ (BadSpecError: one line)."""
    return Documents.load(config.getoption("--document") or all_documents())


def declare_markers(config: pytest.Config, documents: Documents) -> None:
    """Flow and story tags come from the documents and the checklist's one table of items, so
    --strict-markers holds for any document and a story's marker, its Allure story and its
    sign-off row share one name; nothing per document is listed in pyproject.toml."""
    flows = documents.flows()
    for line in dict.fromkeys(f"{flow_tag(f)}: flow {flow_description(f)}" for f in flows):
        config.addinivalue_line("markers", line)
    for line in marker_lines(flows):
        config.addinivalue_line("markers", line)


def declare_unjudged_tags(config: pytest.Config) -> None:
    """A feature file of a document this run was not given (another document's generated
    folder, a hand-written item of its flows) has tags no given document declares. They are
    declared as such, so --strict-markers lets collection reach the deselection below instead
    of stopping at "'flow-…' not found in markers".
    A judged file's tags are left alone, so a misspelt tag in it still stops collection."""
    declared = {line.split(":")[0].strip() for line in config.getini("markers")}
    base = config.rootpath / str(config.getini("bdd_features_base_dir") or ".")
    documents = config.stash[DOCUMENTS]
    found = set()
    for path in sorted(base.rglob("*.feature")):
        tags = _tags_in(path)
        judged_file = documents.judges(path, tags)
        # A judged file may also name a flow no given document has (a hand-written item of
        # two flows): that flow's tag is declared, its other tags must be known already.
        found |= {t for t in tags if not judged_file or t.startswith(FLOW_TAG_PREFIX)}
    for tag in sorted(found - declared):
        config.addinivalue_line("markers", f"{tag}: {UNJUDGED_MARKER}")


def _tags_in(feature: Path) -> set[str]:
    lines = feature.read_text("utf-8").splitlines()
    return {
        token[1:]
        for line in lines
        if line.lstrip().startswith("@")
        for token in line.split()
        if token.startswith("@") and len(token) > 1
    }


def deselect_unjudged(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Scenarios of a document this run was not given are deselected, and the run says so."""
    unjudged = [item for item in items if not judged(item)]
    if not unjudged:
        return
    items[:] = [item for item in items if judged(item)]
    config.hook.pytest_deselected(items=unjudged)
    folders = sorted({_shown_folder(item) for item in unjudged})
    given = ", ".join(resources.shown(d.path) for d in config.stash[DOCUMENTS].all)
    config.stash[UNJUDGED] = (
        f"talkqa: {len(unjudged)} scenario(s) deselected, from a document this run was not"
        f" given ({', '.join(folders)}); it judges {given}. Give that document with --document"
        " to run them too"
    )


def judged(item: pytest.Item) -> bool:
    """Whether one of this run's documents judges the scenario (harness/qa/documents.py)."""
    template = template_of(item)
    if template is None:
        return True  # not a checklist scenario
    tags = {marker.name for marker in item.iter_markers()}
    return bool(item.config.stash[DOCUMENTS].judges(Path(template.feature.filename), tags))


def unjudged_line(config: pytest.Config) -> str | None:
    return config.stash.get(UNJUDGED, None)


def _shown_folder(item: pytest.Item) -> str:
    return resources.shown(Path(template_of(item).feature.filename).parent) + "/"


def template_of(item: pytest.Item) -> Any:
    """pytest-bdd's scenario template behind a test item; None for a test that is not one."""
    function = getattr(item, "obj", None)
    return scenario_wrapper_template_registry.get(function) if callable(function) else None


def document_of(item: pytest.Item) -> Document:
    """The dataflow document that judges this scenario (harness/qa/documents.py)."""
    template = template_of(item)
    feature = Path(template.feature.filename) if template is not None else Path(str(item.path))
    tags = {marker.name for marker in item.iter_markers()}
    return item.config.stash[DOCUMENTS].for_feature(feature, tags)


def skip_volume_on_a_sandbox(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--target") != "sandbox" or config.getoption("--sandbox-volume"):
        return
    for item in items:
        if item.get_closest_marker("volume") is not None:
            item.add_marker(pytest.mark.skip(reason=SANDBOX_VOLUME_SKIP))


def check_generated_from(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Generated scenarios are judged only against the document they were generated from."""
    documents = config.stash[DOCUMENTS]
    files = {
        template.feature.filename for item in items if (template := template_of(item)) is not None
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
