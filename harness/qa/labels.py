"""Allure labels a reader navigates by: document title, flow, checklist item, severity.

labels = scenario_labels(spec, item, config)
labels.features   # ('Salesforce Contact → Crmoffice Contacts',)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.checklist.gherkin import flow_tag
from harness.dataflow import DataflowSpec, FlowSpec


@dataclass(frozen=True)
class ScenarioLabels:
    epic: str
    features: tuple[str, ...]
    stories: tuple[str, ...]
    severity: str


def flow_title(flow: FlowSpec) -> str:
    return f"{flow.source_system} {flow.source_object} → {flow.target_system} {flow.target_type}"


def flow_description(flow: FlowSpec) -> str:
    """A flow marker's description: 'Salesforce Contact to Crmoffice Contacts'."""
    return f"{flow.source_system} {flow.source_object} to {flow.target_system} {flow.target_type}"


def marker_descriptions(lines: Iterable[str]) -> dict[str, str]:
    """`name: description` lines of the pytest ini `markers` option, as a dict."""
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {name.strip(): text.strip() for name, text in pairs}


def story_title(tag: str, descriptions: dict[str, str]) -> str:
    text = descriptions.get(tag, tag.removeprefix("story-").replace("-", " "))
    return text.removeprefix("checklist:").strip()


def scenario_labels(spec: DataflowSpec, item: Any, config: Any) -> ScenarioLabels:
    tags = {marker.name for marker in item.iter_markers()}
    descriptions = marker_descriptions(config.getini("markers"))
    return ScenarioLabels(
        epic=spec.title,
        features=tuple(flow_title(f) for f in spec.flows if flow_tag(f) in tags),
        stories=tuple(sorted(story_title(t, descriptions) for t in tags if t.startswith("story-"))),
        severity="critical" if "critical" in tags else "normal",
    )


def run_parameters(config: Any) -> dict[str, str]:
    """What a run judged, as report parameters: a broken engine's run and the real one's, or a
    sandbox's and the fakes', never share a history line."""
    return {
        "Target": str(config.getoption("--target")),
        "Sync engine": str(config.getoption("--sync-engine")),
    }
