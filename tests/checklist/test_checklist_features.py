"""The feature files read as the checklist: known phrases only, declared tags, visible gaps.

    .venv/bin/pytest tests/checklist/test_checklist_features.py -q
    .venv/bin/pytest tests/checklist -q -k phrase

Features are read with pytest-bdd's own parser, so outlines are checked row by row as run.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from checklist_helpers import DOCUMENT, FEATURES, REPO
from pytest_bdd.feature import get_features
from pytest_bdd.parser import Feature, Scenario

from harness.checklist.gherkin import flow_tag, render_feature
from harness.checklist.items import items_for, marker_lines, render_coverage
from harness.checklist.phrases import ALL_PHRASES
from harness.dataflow import load_spec

FEATURE_FILES = sorted(FEATURES.rglob("*.feature"))
GENERATED = FEATURES / "generated" / "salesforce_to_crmoffice"
REVERSE = Path(__file__).parent / "data" / "crmoffice-to-salesforce.rst"


def rendered_scenarios(feature: Feature) -> Iterator[Scenario]:
    """Each scenario, and each outline once per example row, as pytest-bdd will run it."""
    for template in feature.scenarios.values():
        contexts = [c for examples in template.examples for c in examples.as_contexts()]
        for context in contexts or [{}]:
            yield template.render(context)


def all_tags() -> Iterator[tuple[str, str, set[str]]]:
    """(file, scenario name, tags) of every scenario template in features/."""
    for feature in get_features([str(path) for path in FEATURE_FILES]):
        for template in feature.scenarios.values():
            yield feature.rel_filename, template.name, set(template.tags)


def all_steps() -> Iterator[tuple[str, str, str]]:
    for feature in get_features([str(path) for path in FEATURE_FILES]):
        for scenario in rendered_scenarios(feature):
            for step in scenario.steps:
                yield feature.rel_filename, step.type, step.name


def test_every_step_matches_exactly_one_phrase() -> None:
    problems = []
    for where, keyword, text in all_steps():
        matches = [
            phrase.template
            for phrase in ALL_PHRASES
            if phrase.keyword.lower() == keyword and re.fullmatch(phrase.regex, text)
        ]
        if len(matches) != 1:
            problems.append(f"{where}: {keyword} {text!r} matches {matches}")
    assert not problems, "\n".join(problems)


def test_generated_features_use_only_generated_phrases() -> None:
    generated_only = [p for p in ALL_PHRASES if not p.handwritten_only]
    for where, _, text in all_steps():
        if where.startswith("generated"):
            assert any(re.fullmatch(p.regex, text) for p in generated_only), (where, text)


def _reverse_document_steps(folder: Path) -> set[str]:
    """The steps of the Crmoffice-to-Salesforce test document: some phrases only a document
    of that shape calls for (a field the target requires: Salesforce's Account.Name)."""
    spec = load_spec(REVERSE)
    for flow in spec.flows:
        feature = render_feature(spec, flow, ())
        (folder / feature.file_name).write_text(feature.text, encoding="utf-8")
    return {
        step.name
        for feature in get_features([str(p) for p in folder.glob("*.feature")])
        for scenario in rendered_scenarios(feature)
        for step in scenario.steps
    }


def test_every_phrase_is_used_and_listed_in_steps_md(tmp_path: Path) -> None:
    steps_md = (REPO / "harness" / "checklist" / "STEPS.md").read_text(encoding="utf-8")
    used = {text for _, _, text in all_steps()} | _reverse_document_steps(tmp_path)
    for phrase in ALL_PHRASES:
        assert f"`{phrase.template}`" in steps_md, phrase.template
        assert any(re.fullmatch(phrase.regex, text) for text in used), f"unused: {phrase.template}"


def test_every_tag_is_declared_as_a_marker() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    markers = config["tool"]["pytest"]["ini_options"]["markers"]
    flows = load_spec(DOCUMENT).flows
    # steps/plugin.py declares these from the document when pytest starts
    document_markers = [*marker_lines(flows), *(f"{flow_tag(f)}: flow" for f in flows)]
    declared = {marker.split(":")[0].strip() for marker in [*markers, *document_markers]}
    tags = set()
    for feature in get_features([str(path) for path in FEATURE_FILES]):
        tags |= feature.tags
        for template in feature.scenarios.values():
            tags |= template.tags
    assert tags - declared == set()


def test_every_story_is_an_item_of_the_one_table() -> None:
    spec = load_spec(DOCUMENT)
    stories = {
        t.removeprefix("story-")
        for _, _, tags in all_tags()
        for t in tags
        if t.startswith("story-")
    }
    assert stories - set(items_for(spec.flows)) == set()


def test_coverage_md_is_rendered_from_the_items_table() -> None:
    """harness/checklist/COVERAGE.md: which rule each item guards; regenerate with
    .venv/bin/python -m harness.checklist.items > harness/checklist/COVERAGE.md"""
    coverage = (REPO / "harness" / "checklist" / "COVERAGE.md").read_text(encoding="utf-8")
    assert coverage == render_coverage(load_spec(DOCUMENT).flows)


@pytest.mark.parametrize(
    "flow", ["customer_to_crmoffice_contacts", "product2_to_crmoffice_companies"]
)
def test_flow_without_properties_says_so_twice(flow: str) -> None:
    [feature] = get_features([str(GENERATED / f"salesforce_{flow}.feature")])
    assert "NOTE: the document lists no properties for this flow." in feature.description
    gap = [s for s in feature.scenarios.values() if "document-gap" in s.tags]
    assert [step.name for step in gap[0].steps][
        -1
    ] == "the document lists no properties for this flow"
    assert not any("property" in s.tags for s in feature.scenarios.values())


def test_property_outlines_have_two_examples_per_document_row() -> None:
    """Each row with a typical value, then again with the longest value both systems accept."""
    spec = load_spec(DOCUMENT)
    mappings = spec.flows[2].properties
    rows = [(m.source_property, m.target_property, m.target_data_type) for m in mappings]
    [feature] = get_features([str(GENERATED / "salesforce_contact_to_crmoffice_contacts.feature")])
    outlines = [
        s
        for s in feature.scenarios.values()
        if {"story-property-to-crmoffice", "story-property-to-salesforce"} & s.tags
    ]
    assert len(outlines) == 2
    for outline in outlines:
        [examples] = outline.examples
        assert examples.example_params == [
            "Salesforce property",
            "Crmoffice property",
            "Crmoffice data type",
            "value",
        ]
        assert [tuple(row[:3]) for row in examples.examples] == rows + rows
        longest = [row[3] for row in examples.examples[len(rows) :]]
        assert [len(value) for value in longest] == [m.max_length for m in mappings]
        assert longest == [value.strip() for value in longest]  # no edge a system could trim


def test_phone_fields_get_phone_numbers_and_names_get_norwegian_letters() -> None:
    [feature] = get_features([str(GENERATED / "salesforce_contact_to_crmoffice_contacts.feature")])
    [outline] = [s for s in feature.scenarios.values() if "story-property-to-crmoffice" in s.tags]
    [examples] = outline.examples
    values = {row[0]: row[3] for row in examples.examples}
    assert re.fullmatch(r"\+47[ 0-9/+]+", values["Phone"]), values["Phone"]
    assert re.fullmatch(r"\+47[ 0-9/+]+", values["MobilePhone"]), values["MobilePhone"]
    assert set("åæø") & set(values["FirstName"].lower()), values["FirstName"]


def test_generated_files_name_document_hash_and_command() -> None:
    spec, document = load_spec(DOCUMENT), "fixtures/dataflows/salesforce-to-crmoffice.rst"
    for path in GENERATED.glob("*.feature"):
        header = path.read_text(encoding="utf-8").splitlines()[:4]
        assert header == [
            "# GENERATED FILE. Do not edit by hand: change the dataflow document and regenerate.",
            f"# Document: {document} ({spec.short_hash})",
            f"# Generated by: talkqa features generate {document}",
            f"# Checked by:   talkqa features check {document}",
        ]


def test_features_test_modules_only_call_scenarios() -> None:
    # Every scenario runs for real: no xfail or skip hides one; steps live in steps/.
    for name in ("test_generated.py", "test_handwritten.py"):
        source = (FEATURES / name).read_text(encoding="utf-8")
        assert "scenarios(" in source
        assert "xfail" not in source and "skip" not in source
        assert "def " not in source


def test_feature_files_have_no_trailing_whitespace() -> None:
    for path in FEATURE_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert line == line.rstrip(), f"{path.relative_to(REPO)}:{number}"


def test_every_phrase_of_the_module_is_in_all_phrases() -> None:
    """ALL_PHRASES is listed by hand (issue 16: it was built from globals()); one left out of
    it would be a step the feature checks and STEPS.md never see."""
    from harness.checklist import phrases

    defined = [v for v in vars(phrases).values() if isinstance(v, phrases.Phrase)]
    assert len(set(phrases.ALL_PHRASES)) == len(phrases.ALL_PHRASES)
    assert set(defined) == set(phrases.ALL_PHRASES)
