"""The checklist of one flow as scenario data: tags, title, steps and example rows.

    [s.title for s in for_flow(spec.flows[2])][:2]
    # ['Every Salesforce Contact gets exactly one linked Crmoffice Contacts record', ...]

Steps are built only from the phrases in phrases.py, so the step definitions have a closed list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.checklist import phrases as p
from harness.spec.located import located_error
from harness.spec.model import DataflowSpec, FlowSpec, PropertyMapping

# A created value and an edited one per data type; non-ASCII on purpose (Norwegian names).
SAMPLES: dict[str, tuple[str, str]] = {
    "string": ("Åse Ødegård", "Bjørn Ærø"),
    "integer": ("42", "43"),
    "number": ("4.5", "5.25"),
    "boolean": ("true", "false"),
}
# Conflict rows: (Salesforce time, Crmoffice time, rule, which side wins).
CONFLICTS = (
    ("10:00:00", "10:05:00", "{target} edited later", "target"),
    ("10:05:00", "10:00:00", "{source} edited later", "source"),
    ("10:00:00", "10:00:00", "same time: {source} wins", "source"),
)


@dataclass(frozen=True)
class Step:
    keyword: str
    text: str


@dataclass(frozen=True)
class Scenario:
    """`examples` is empty for a plain scenario, else a header row followed by value rows."""

    tags: tuple[str, ...]
    title: str
    steps: tuple[Step, ...]
    examples: tuple[tuple[str, ...], ...] = ()


def for_flow(flow: FlowSpec) -> tuple[Scenario, ...]:
    builders = PROPERTY_CHECKLIST if flow.properties else GAP_CHECKLIST
    built = (builder(flow) for builder in builders)
    return tuple(scenario for scenario in built if scenario is not None)


def _words(flow: FlowSpec) -> dict[str, str]:
    return {
        "source": flow.source_system,
        "object": flow.source_object,
        "target": flow.target_system,
        "type": flow.target_type,
    }


def _source(flow: FlowSpec) -> str:
    return f"{flow.source_system} {flow.source_object}"


def _step(phrase: p.Phrase, of: FlowSpec, **extra: str) -> Step:
    return Step(phrase.keyword, phrase.text(**_words(of), **extra))


def check_data_types(spec: DataflowSpec, source: str) -> None:
    """Fail before rendering when a data type has no sample value to write."""
    for flow in spec.flows:
        for mapping in flow.properties:
            if mapping.target_data_type not in SAMPLES:
                raise located_error(
                    source,
                    mapping.line,
                    f"found data type {mapping.target_data_type!r}; expected one the checklist "
                    f"has sample values for: {', '.join(sorted(SAMPLES))}",
                )


def samples(mapping: PropertyMapping) -> tuple[str, str]:
    """(value for a new record, value for an edit) of the mapping's data type."""
    return SAMPLES[mapping.target_data_type]


def story(name: str, flow: FlowSpec | None = None) -> str:
    return "story-" + (name.format(**_words(flow)).lower() if flow else name)


def one_linked_record(flow: FlowSpec) -> Scenario:
    return Scenario(
        ("link", "critical", story("one-linked-record")),
        f"Every {flow.source_system} {flow.source_object} gets exactly one linked "
        f"{flow.target_system} {flow.target_type} record",
        (_step(p.RECORD, flow), _step(p.RUN_CYCLE, flow), _step(p.ONE_LINKED, flow)),
    )


def property_to_target(flow: FlowSpec) -> Scenario:
    source_column, target_column = _columns(flow)
    return Scenario(
        ("property", "critical", story("property-to-{target}", flow)),
        f"<{source_column}> of a new {flow.source_system} {flow.source_object} reaches "
        f"{flow.target_system} as <{target_column}>",
        (
            _step(p.RECORD_WITH, flow, property=f"<{source_column}>", value="<value>"),
            _step(p.RUN_CYCLE, flow),
            _step(p.TARGET_HAS, flow, property=f"<{target_column}>", value="<value>"),
        ),
        _property_examples(flow, created=True),
    )


def property_to_source(flow: FlowSpec) -> Scenario:
    source_column, target_column = _columns(flow)
    return Scenario(
        ("property", "edit-anywhere", "critical", story("property-to-{source}", flow)),
        f"<{target_column}> edited in {flow.target_system} reaches the linked "
        f"{flow.source_system} {flow.source_object} as <{source_column}>",
        (
            _step(p.LINKED_RECORD, flow),
            _step(
                p.EDIT,
                flow,
                property=f"<{target_column}>",
                value="<value>",
                system=flow.target_system,
            ),
            _step(p.RUN_CYCLE, flow),
            _step(p.SOURCE_HAS, flow, property=f"<{source_column}>", value="<value>"),
        ),
        _property_examples(flow, created=False),
    )


def _columns(flow: FlowSpec) -> tuple[str, str]:
    return f"{flow.source_system} property", f"{flow.target_system} property"


def _property_examples(flow: FlowSpec, created: bool) -> tuple[tuple[str, ...], ...]:
    """The document's table, row for row, plus the value the scenario writes."""
    header = (*_columns(flow), f"{flow.target_system} data type", "value")
    rows = tuple(
        (m.source_property, m.target_property, m.target_data_type, samples(m)[not created])
        for m in flow.properties
    )
    return (header, *rows)


def edit_updates_same_record(flow: FlowSpec) -> Scenario:
    first = flow.properties[0]
    edited = samples(first)[1]
    return Scenario(
        ("link", "edit-anywhere", story("edit-updates-same-record")),
        f"An edit in {flow.source_system} updates the same linked {flow.target_system} "
        f"{flow.target_type} record",
        (
            _step(p.LINKED_RECORD, flow),
            _edit(flow, first.source_property, edited, flow.source_system),
            _step(p.RUN_CYCLE, flow),
            _step(p.TARGET_HAS, flow, property=first.target_property, value=edited),
            _step(p.STILL_LINKED, flow),
            _step(p.CREATED_NOTHING, flow),
        ),
    )


def _edit(flow: FlowSpec, name: str, value: str, system: str, at: str = "") -> Step:
    if at:
        return _step(p.EDIT_AT, flow, property=name, value=value, system=system, time=at)
    return _step(p.EDIT, flow, property=name, value=value, system=system)


def _no_duplicate(flow: FlowSpec, tag: str, title: str, events: tuple[p.Phrase, ...]) -> Scenario:
    return Scenario(
        ("link", story(tag)),
        title,
        (
            _step(p.LINKED_RECORD, flow),
            *(_step(event, flow) for event in events),
            _step(p.RUN_CYCLE, flow),
            _step(p.CREATED_NOTHING, flow),
            _step(p.STILL_LINKED, flow),
        ),
    )


def rerun_no_duplicate(flow: FlowSpec) -> Scenario:
    return _no_duplicate(
        flow,
        "rerun-no-duplicate",
        f"Running the sync again creates no duplicate of a linked {_source(flow)}",
        (),
    )


def restart_no_duplicate(flow: FlowSpec) -> Scenario:
    title = f"A restart of the sync engine creates no duplicate of a linked {_source(flow)}"
    return _no_duplicate(flow, "restart-no-duplicate", title, (p.RESTART,))


def reread_no_duplicate(flow: FlowSpec) -> Scenario:
    title = f"A full re-read from the beginning creates no duplicate of a linked {_source(flow)}"
    return _no_duplicate(flow, "reread-no-duplicate", title, (p.RESET_WATERMARKS,))


def different_properties_survive(flow: FlowSpec) -> Scenario | None:
    if len(flow.properties) < 2:
        return None  # needs two properties; the document lists one
    first, second = flow.properties[0], flow.properties[1]
    one, other = samples(first)[0], samples(second)[1]
    return Scenario(
        ("edit-anywhere", story("different-properties-survive")),
        f"Different properties of a linked {_source(flow)} edited in both systems both survive",
        (
            _step(p.LINKED_RECORD, flow),
            _edit(flow, first.source_property, one, flow.source_system),
            _edit(flow, second.target_property, other, flow.target_system),
            _step(p.RUN_CYCLE, flow),
            _step(p.TARGET_HAS, flow, property=first.target_property, value=one),
            _step(p.TARGET_HAS, flow, property=second.target_property, value=other),
            _step(p.SOURCE_HAS, flow, property=first.source_property, value=one),
            _step(p.SOURCE_HAS, flow, property=second.source_property, value=other),
        ),
    )


def later_edit_wins(flow: FlowSpec) -> Scenario:
    first = flow.properties[0]
    source_value, target_value = samples(first)
    source_time, target_time = f"<{flow.source_system} time>", f"<{flow.target_system} time>"
    return Scenario(
        ("edit-anywhere", "conflict", story("later-edit-wins")),
        f"The same property of a linked {_source(flow)} edited in both systems resolves to "
        "the later edit (<rule>)",
        (
            _step(p.LINKED_RECORD, flow),
            _edit(flow, first.source_property, source_value, flow.source_system, source_time),
            _edit(flow, first.target_property, target_value, flow.target_system, target_time),
            _step(p.RUN_CYCLE, flow),
            _step(p.SOURCE_HAS, flow, property=first.source_property, value="<winning value>"),
            _step(p.TARGET_HAS, flow, property=first.target_property, value="<winning value>"),
        ),
        _conflict_examples(flow, source_value, target_value),
    )


def _conflict_examples(
    flow: FlowSpec, source_value: str, target_value: str
) -> tuple[tuple[str, ...], ...]:
    header = (f"{flow.source_system} time", f"{flow.target_system} time", "rule", "winning value")
    rows = tuple(
        (
            s_time,
            t_time,
            rule.format(**_words(flow)),
            source_value if winner == "source" else target_value,
        )
        for s_time, t_time, rule, winner in CONFLICTS
    )
    return (header, *rows)


def no_echo(flow: FlowSpec) -> Scenario:
    return Scenario(
        ("no-echo", "critical", story("no-echo")),
        f"A cycle with no outside edits writes nothing for a linked {_source(flow)}",
        (_step(p.LINKED_RECORD, flow), _step(p.RUN_CYCLE, flow), _step(p.WROTE_NOTHING, flow)),
    )


def no_echo_after_edit(flow: FlowSpec) -> Scenario:
    first = flow.properties[0]
    edited = samples(first)[1]
    return Scenario(
        ("no-echo", story("no-echo-after-edit")),
        f"Once an edit to a linked {_source(flow)} has synced, the next cycle writes nothing",
        (
            _step(p.LINKED_RECORD, flow),
            _edit(flow, first.target_property, edited, flow.target_system),
            _step(p.RUN_CYCLE, flow),
            _step(p.RUN_ANOTHER_CYCLE, flow),
            _step(p.WROTE_NOTHING, flow),
        ),
    )


def document_gap(flow: FlowSpec) -> Scenario:
    return Scenario(
        ("document-gap", story("no-properties-listed")),
        f"The document lists no properties for {flow.name}",
        (_step(p.DOCUMENT_FLOW, flow, flow=flow.name), _step(p.NO_PROPERTIES, flow)),
    )


Builder = Callable[[FlowSpec], Scenario | None]
PROPERTY_CHECKLIST: tuple[Builder, ...] = (
    one_linked_record,
    property_to_target,
    property_to_source,
    edit_updates_same_record,
    rerun_no_duplicate,
    restart_no_duplicate,
    reread_no_duplicate,
    different_properties_survive,
    later_edit_wins,
    no_echo,
    no_echo_after_edit,
)
GAP_CHECKLIST: tuple[Builder, ...] = (
    document_gap,
    one_linked_record,
    rerun_no_duplicate,
    restart_no_duplicate,
    reread_no_duplicate,
    no_echo,
)
