"""Render one flow of a DataflowSpec as a Gherkin feature (pure text, no files).

    feature = render_feature(spec, spec.flows[2], header=("# GENERATED ...",))
    feature.file_name  # 'salesforce_contact_to_crmoffice_contacts.feature'; feature.text

The scenarios follow the checklist in shared/SYNC-SEMANTICS.md: one linked record per source
record, each listed property in both directions, link persistence, edit anywhere, conflicts and
no echo. A flow whose table is empty keeps the checks that still apply and says so plainly.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from harness.checklist import scenarios
from harness.checklist.scenarios import Scenario, Step
from harness.dataflow.model import DataflowSpec, FlowSpec, slugify

INDENT = "  "
WIDTH = 92


@dataclass(frozen=True)
class FeatureText:
    """One generated file: where it goes (relative to the generated folder) and its text."""

    file_name: str
    text: str


def render_feature(spec: DataflowSpec, flow: FlowSpec, header: tuple[str, ...]) -> FeatureText:
    lines = [*header, "", " ".join(f"@{tag}" for tag in feature_tags(flow))]
    lines.append(f"Feature: {flow.name}")
    lines.extend(_indented(_description(spec, flow)))
    for scenario in scenarios.for_flow(flow):
        lines.append("")
        lines.extend(_indented(_scenario_lines(scenario)))
    return FeatureText(f"{flow.slug}.feature", "\n".join(lines) + "\n")


def feature_tags(flow: FlowSpec) -> tuple[str, ...]:
    return ("generated", flow_tag(flow))


FLOW_TAG_PREFIX = "flow-"


def flow_tag(flow: FlowSpec) -> str:
    """@flow-contact-to-contacts: unique within a document (a flow is listed once)."""
    source, target = slugify(flow.source_object, "-"), slugify(flow.target_type, "-")
    return f"{FLOW_TAG_PREFIX}{source}-to-{target}"


def _indented(lines: Iterable[str]) -> list[str]:
    """Indent one level; blank lines stay empty (no trailing whitespace in the files)."""
    return [INDENT + line if line else "" for line in lines]


def _description(spec: DataflowSpec, flow: FlowSpec) -> list[str]:
    intro = (
        f'From "{spec.title}" (generated {spec.generated:%Y-%m-%d %H:%M:%S}), line {flow.line}: '
        f"every {flow.source_system} {flow.source_object} is synchronized with a "
        f"{flow.target_system} {flow.target_type}; once linked, the two stay in sync "
        "regardless of where they are edited."
    )
    lines = textwrap.wrap(intro, WIDTH)
    if not flow.properties:
        return [*lines, *textwrap.wrap(GAP_NOTE, WIDTH)]
    listed = [
        f"  {m.source_property} -> {m.target_property} ({m.target_data_type})"
        for m in flow.properties
    ]
    return [*lines, "Properties the document lists:", *listed]


GAP_NOTE = (
    "NOTE: the document lists no properties for this flow. Only the linked record, no "
    "duplicates, persistence and no echo are checked; the gap is a finding for sign-off, "
    "not a pass."
)


def _scenario_lines(scenario: Scenario) -> list[str]:
    keyword = "Scenario Outline" if scenario.examples else "Scenario"
    lines = [" ".join(f"@{tag}" for tag in scenario.tags), f"{keyword}: {scenario.title}"]
    lines.extend(_indented(_step_lines(scenario.steps)))
    if scenario.examples:
        lines.extend(["", INDENT + "Examples:"])
        lines.extend(_indented(_indented(_table_lines(scenario.examples))))
    return lines


def _step_lines(steps: tuple[Step, ...]) -> list[str]:
    """A step with the same keyword as the one before reads as "And"."""
    lines, previous = [], ""
    for step in steps:
        keyword = "And" if step.keyword == previous else step.keyword
        lines.append(f"{keyword} {step.text}")
        previous = step.keyword
    return lines


def _table_lines(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
