"""The checklist of one flow as scenario data: tags, title, steps and example rows.

    [s.title for s in for_flow(spec.flows[2])][:2]
    # ['Every Salesforce Contact gets exactly one linked Crmoffice Contacts record', ...]

Steps are built only from the phrases in phrases.py, so the step definitions have a closed list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.checklist import phrases as p
from harness.dataflow.located import located_error
from harness.dataflow.model import DataflowSpec, FlowSpec, PropertyMapping

# A created value and an edited one per data type; non-ASCII on purpose (Norwegian names).
SAMPLES: dict[str, tuple[str, str]] = {
    "string": ("Åse Ødegård", "Bjørn Ærø"),
    "integer": ("42", "43"),
    "number": ("4.5", "5.25"),
    "boolean": ("true", "false"),
}
# Where the Salesforce describe says more than the document's data type: a phone field gets
# phone numbers (Norwegian mobile and landline formats), not names.
FIELD_SAMPLES: dict[str, tuple[str, str]] = {
    "phone": ("+47 912 34 567", "+47 22 86 54 00"),
}
# Conflict rows: (source time, target time, rule, which side wins). Both APIs stamp
# milliseconds, so edits less than a second apart must still resolve to the later one.
CONFLICTS = (
    ("10:00:00", "10:05:00", "{target} edited later", "target"),
    ("10:05:00", "10:00:00", "{source} edited later", "source"),
    ("10:00:00", "10:00:00", "same time: {tie} wins", "tie"),
    ("10:00:00.250", "10:00:00.900", "{target} edited 650 ms later", "target"),
    ("10:00:00.900", "10:00:00.250", "{source} edited 650 ms later", "source"),
    ("10:00:00.500", "10:00:00.500", "same millisecond: {tie} wins", "tie"),
)
# Equal instants: Salesforce wins (SYNC-SEMANTICS "One sync cycle" 3, ours), whichever side of
# the document it is on.
TIE_WINNER = "Salesforce"
EMPTIES = ('""', "null")
# More than one page or batch of each API (SYNC-SEMANTICS "Salesforce facts"; the Crmoffice
# contract's maximum `limit`): Salesforce query pages hold 2,000, Collections calls 200,
# Crmoffice list pages 1,000.
SALESFORCE_PAGE, CRMOFFICE_PAGE = 2000, 1000
BATCH_SIZE = 5  # records in the one Collections call where one record is rejected


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
    sides = {
        "source_system": of.source_system,
        "source_object": of.source_object,
        "target_system": of.target_system,
        "target_type": of.target_type,
    }
    return Step(phrase.keyword, phrase.text(**sides, **extra))


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
    """(value for a new record, value for an edit) of the field's type, else its data type."""
    return FIELD_SAMPLES.get(mapping.source_type) or SAMPLES[mapping.target_data_type]


def longest_sample(mapping: PropertyMapping) -> str | None:
    """A realistic value of exactly the longest length both systems accept (None: no limit)."""
    if mapping.max_length is None or mapping.target_data_type != "string":
        return None
    created, edited = samples(mapping)
    base = f"{created} / {edited} / "
    value = (base * (mapping.max_length // len(base) + 1))[: mapping.max_length]
    # A trailing space could be trimmed by either system, which would be no defect.
    return value if not value.endswith(" ") else value[:-1] + "9"


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
    """The document's table, row for row, with the value the scenario writes; then each row
    again with a value of the longest length both systems accept."""
    header = (*_columns(flow), f"{flow.target_system} data type", "value")
    rows = [
        (m.source_property, m.target_property, m.target_data_type, samples(m)[not created])
        for m in flow.properties
    ]
    for m in flow.properties:
        longest = longest_sample(m)
        if longest is not None:
            rows.append((m.source_property, m.target_property, m.target_data_type, longest))
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
    tie = "source" if flow.source_system == TIE_WINNER else "target"
    rows = tuple(
        (
            s_time,
            t_time,
            rule.format(**_words(flow), tie=TIE_WINNER),
            source_value if (tie if winner == "tie" else winner) == "source" else target_value,
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


# --- empty values (SYNC-SEMANTICS "One sync cycle" 5: "" and null are one value) ------------


def _clearable(flow: FlowSpec) -> tuple[PropertyMapping, ...]:
    """Rows both systems take empty (a field either requires is its own item)."""
    return tuple(m for m in flow.properties if not m.required)


def _row(m: PropertyMapping) -> tuple[str, str, str]:
    return m.source_property, m.target_property, m.target_data_type


def _row_header(flow: FlowSpec, *more: str) -> tuple[str, ...]:
    return (*_columns(flow), f"{flow.target_system} data type", *more)


def cleared(flow: FlowSpec, towards: str) -> Scenario | None:
    """A property emptied in one system is emptied in the other (towards: its side)."""
    rows = tuple((*_row(m), empty) for m in _clearable(flow) for empty in EMPTIES)
    if not rows:
        return None
    source_column, target_column = _columns(flow)
    if towards == "target":
        tags: tuple[str, ...] = ("property", "empty-value")
        title = (
            f"<{source_column}> cleared to <empty> in {flow.source_system} is cleared in "
            f"{flow.target_system} <{target_column}>"
        )
        cleared_in, column, check = flow.source_system, source_column, p.TARGET_EMPTY
        checked = target_column
    else:
        tags = ("property", "empty-value", "edit-anywhere")
        title = (
            f"<{target_column}> cleared to <empty> in {flow.target_system} is cleared in the "
            f"linked {_source(flow)} <{source_column}>"
        )
        cleared_in, column, check = flow.target_system, target_column, p.SOURCE_EMPTY
        checked = source_column
    return Scenario(
        (*tags, story(f"cleared-to-{{{towards}}}", flow)),
        title,
        (
            _step(p.LINKED_RECORD, flow),
            _step(p.CLEAR, flow, property=f"<{column}>", empty="<empty>", system=cleared_in),
            _step(p.RUN_CYCLE, flow),
            _step(check, flow, property=f"<{checked}>"),
        ),
        (_row_header(flow, "empty"), *rows),
    )


def cleared_to_target(flow: FlowSpec) -> Scenario | None:
    return cleared(flow, "target")


def cleared_to_source(flow: FlowSpec) -> Scenario | None:
    return cleared(flow, "source")


@dataclass(frozen=True)
class _Refusal:
    """Which side requires the field (and refuses it empty), and which side clears it."""

    requires: str  # "source" or "target"

    def rows(self, flow: FlowSpec) -> tuple[tuple[str, ...], ...]:
        required = [
            m
            for m in flow.properties
            if (m.source_required if self.requires == "source" else m.target_required)
        ]
        return tuple((*_row(m), empty) for m in required for empty in EMPTIES)


def _cleared_required(flow: FlowSpec, refusal: _Refusal) -> Scenario | None:
    """A field one system requires, cleared in the other: the write is dead-lettered with
    REQUIRED_FIELD_MISSING and the requiring system keeps its value."""
    rows = refusal.rows(flow)
    if not rows:
        return None
    source_column, target_column = _columns(flow)
    by_source = refusal.requires == "source"
    kept, cleared_column = (
        (source_column, target_column) if by_source else (target_column, source_column)
    )
    requiring, clearing = (
        (flow.source_system, flow.target_system)
        if by_source
        else (flow.target_system, flow.source_system)
    )
    return Scenario(
        ("property", "empty-value", "dead-letter", story("cleared-required-field", flow)),
        f"<{cleared_column}> cleared in {clearing} cannot empty the required "
        f"{requiring} <{kept}>: dead-lettered, the value stays",
        (
            _step(p.LINKED_RECORD, flow),
            _step(p.CLEAR, flow, property=f"<{cleared_column}>", empty="<empty>", system=clearing),
            _step(p.RUN_CYCLE, flow),
            _step(p.DEAD_LETTERED, flow, property=f"<{kept}>", reason="REQUIRED_FIELD_MISSING"),
            _step(p.SOURCE_KEEPS if by_source else p.TARGET_KEEPS, flow, property=f"<{kept}>"),
        ),
        (_row_header(flow, "empty"), *rows),
    )


def cleared_required_is_dead_lettered(flow: FlowSpec) -> Scenario | None:
    """Cleared in the target, a field the source requires (Salesforce's LastName, sent back)."""
    return _cleared_required(flow, _Refusal("source"))


def cleared_target_required_is_dead_lettered(flow: FlowSpec) -> Scenario | None:
    """Cleared in the source, a field the target requires (a Crmoffice name cleared, sent to
    Salesforce's Account.Name)."""
    return _cleared_required(flow, _Refusal("target"))


def empty_no_flip_flop(flow: FlowSpec) -> Scenario | None:
    rows = tuple(
        (*_row(m), system, name, empty)
        for m in _clearable(flow)
        for system, name in (
            (flow.source_system, m.source_property),
            (flow.target_system, m.target_property),
        )
        for empty in EMPTIES
    )
    if not rows:
        return None
    return Scenario(
        ("no-echo", "empty-value", story("empty-no-flip-flop")),
        '<cleared property> cleared to <empty> in <system> is not written again: "" and '
        "null are one value",
        (
            _step(p.LINKED_RECORD, flow),
            _step(p.CLEAR, flow, property="<cleared property>", empty="<empty>", system="<system>"),
            _step(p.RUN_CYCLE, flow),
            _step(p.RUN_ANOTHER_CYCLE, flow),
            _step(p.WROTE_NOTHING, flow),
        ),
        (_row_header(flow, "system", "cleared property", "empty"), *rows),
    )


def created_with_empty(flow: FlowSpec) -> Scenario | None:
    rows = tuple(_row(m) for m in _clearable(flow))
    if not rows:
        return None
    source_column, target_column = _columns(flow)
    return Scenario(
        ("property", "empty-value", story("created-with-empty")),
        f"A new {_source(flow)} with <{source_column}> empty reaches {flow.target_system} "
        f"with <{target_column}> empty and every other property",
        (
            _step(p.RECORD_EMPTY, flow, property=f"<{source_column}>"),
            _step(p.RUN_CYCLE, flow),
            _step(p.TARGET_EMPTY, flow, property=f"<{target_column}>"),
            _step(p.TARGET_HAS_THE_OTHERS, flow),
        ),
        (_row_header(flow), *rows),
    )


def _other(flow: FlowSpec, mapping: PropertyMapping) -> PropertyMapping | None:
    return next((m for m in flow.properties if m != mapping), None)


def empty_never_overwrites(flow: FlowSpec, towards: str) -> Scenario | None:
    """The side holding the empty value is the one edited last (another property), so an
    engine that copies a changed record whole, empties included, would overwrite the value."""
    to_source = towards == "source"
    rows = []
    for m in _clearable(flow):
        other = _other(flow, m)
        if other is None:
            continue
        rows.append(
            (
                *_row(m),
                other.source_property if to_source else other.target_property,
                samples(m)[1],
                samples(other)[1],
            )
        )
    if not rows:
        return None
    source_column, target_column = _columns(flow)
    valued, blank = (
        (flow.target_system, flow.source_system)
        if to_source
        else (flow.source_system, flow.target_system)
    )
    value_property = f"<{target_column}>" if to_source else f"<{source_column}>"
    return Scenario(
        (
            "property",
            "empty-value",
            "edit-anywhere",
            story(f"empty-never-overwrites-{{{towards}}}", flow),
        ),
        f"{value_property} set in {valued} is not overwritten by the empty value in {blank} "
        "when <other property> is edited there",
        (
            _step(p.LINKED_EMPTY, flow, property=f"<{source_column}>"),
            _step(p.EDIT, flow, property=value_property, value="<value>", system=valued),
            _step(p.EDIT, flow, property="<other property>", value="<other value>", system=blank),
            _step(p.RUN_CYCLE, flow),
            _step(p.SOURCE_HAS, flow, property=f"<{source_column}>", value="<value>"),
            _step(p.TARGET_HAS, flow, property=f"<{target_column}>", value="<value>"),
        ),
        (_row_header(flow, "other property", "value", "other value"), *rows),
    )


def empty_never_overwrites_target(flow: FlowSpec) -> Scenario | None:
    return empty_never_overwrites(flow, "target")


def empty_never_overwrites_source(flow: FlowSpec) -> Scenario | None:
    return empty_never_overwrites(flow, "source")


# --- creation follows the document's direction (SYNC-SEMANTICS "Identity and link") -------


def no_reverse_creation(flow: FlowSpec) -> Scenario:
    first = flow.properties[0]
    value = samples(first)[0]
    return Scenario(
        ("link", story("no-reverse-creation")),
        f"A {flow.target_system} {flow.target_type} record made in {flow.target_system} is not"
        f" created in {flow.source_system} (the document's direction is {flow.source_system}"
        f" to {flow.target_system})",
        (
            _step(p.LINKED_RECORD, flow),
            _step(p.CREATE_TARGET, flow, property=first.target_property, value=value),
            _step(p.RUN_CYCLE, flow),
            _step(p.NO_SOURCE_WITH, flow, property=first.source_property, value=value),
            _step(p.CREATED_NOTHING, flow),
        ),
    )


# --- edits made while a cycle runs (SYNC-SEMANTICS "One sync cycle" 1: watermarks) ---------


def edit_during_cycle(flow: FlowSpec) -> Scenario:
    first = flow.properties[0]
    value = samples(first)[1]
    rows = tuple(
        (*_row(first), system, name, value)
        for system, name in (
            (flow.source_system, first.source_property),
            (flow.target_system, first.target_property),
        )
    )
    source_column, target_column = _columns(flow)
    return Scenario(
        ("edit-anywhere", "watermark", story("edit-during-cycle")),
        "An edit made in <system> while a cycle runs, after the engine read it, arrives by the "
        "next cycle",
        (
            _step(p.LINKED_RECORD, flow),
            _step(
                p.EDIT_DURING,
                flow,
                property="<edited property>",
                value="<value>",
                system="<system>",
            ),
            _step(p.RUN_ANOTHER_CYCLE, flow),
            _step(p.SOURCE_HAS, flow, property=f"<{source_column}>", value="<value>"),
            _step(p.TARGET_HAS, flow, property=f"<{target_column}>", value="<value>"),
        ),
        (_row_header(flow, "system", "edited property", "value"), *rows),
    )


# --- one bad record in a batch (SYNC-SEMANTICS "Errors": the other records go on) ---------


def rejected_record_in_batch(flow: FlowSpec) -> Scenario | None:
    """A value the target accepts and Salesforce refuses (its field is shorter)."""
    rows = tuple(
        (*_row(m), str(m.source_length + 1))
        for m in flow.properties
        if m.source_length and m.target_length and m.source_length < m.target_length
    )
    if not rows:
        return None
    source_column, target_column = _columns(flow)
    return Scenario(
        ("dead-letter", "batch", story("rejected-record-in-batch")),
        f"One record of a {flow.source_system} batch rejected for a too-long <{source_column}> "
        "does not hold the others back",
        (
            _step(p.MANY_LINKED, flow, count=str(BATCH_SIZE)),
            _step(
                p.EDIT_MANY_ONE_LONG,
                flow,
                property=f"<{target_column}>",
                system=flow.target_system,
                length="<length>",
            ),
            _step(p.RUN_CYCLE, flow),
            _step(
                p.EACH_BUT_ONE_EDITED,
                flow,
                property=f"<{source_column}>",
                system=flow.source_system,
            ),
            _step(p.ONLY_THAT_ONE_DEAD, flow, reason="STRING_TOO_LONG"),
        ),
        (_row_header(flow, "length"), *rows),
    )


# --- volume: every page and batch boundary (SYNC-SEMANTICS "Salesforce facts") -------------


def volume_new_records(flow: FlowSpec) -> Scenario:
    count = SALESFORCE_PAGE + 1
    return Scenario(
        ("volume", "link", story("volume-new-records")),
        f"{count:,} new {_source(flow)} records, more than one query page, each reach "
        f"{flow.target_system} exactly once",
        (
            _step(p.MANY_RECORDS, flow, count=str(count)),
            _step(p.RUN_CYCLE, flow),
            _step(p.EACH_LINKED_ONCE, flow),
        ),
    )


def volume_edits_both_ways(flow: FlowSpec) -> Scenario | None:
    """One property edited in the source, another in the target, on overlapping records. A
    flow of one property has no second one: the same property edited on both sides of one
    record is a conflict, which later-edit-wins checks, so there is no such item for it."""
    if len(flow.properties) < 2:
        return None
    first, second = flow.properties[0], flow.properties[1]
    many, crm_many = SALESFORCE_PAGE + 1, CRMOFFICE_PAGE + 1
    return Scenario(
        ("volume", "edit-anywhere", story("volume-edits-both-ways")),
        f"{many:,} edits in {flow.source_system} and {crm_many:,} in {flow.target_system} in "
        "one cycle, more than a page and a batch each way, all arrive",
        (
            _step(p.MANY_LINKED, flow, count=str(many)),
            _step(
                p.EDIT_MANY,
                flow,
                property=first.source_property,
                system=flow.source_system,
                count=str(many),
            ),
            _step(
                p.EDIT_MANY,
                flow,
                property=second.target_property,
                system=flow.target_system,
                count=str(crm_many),
            ),
            _step(p.RUN_CYCLE, flow),
            _step(p.EACH_EDITED, flow, property=first.target_property, system=flow.target_system),
            _step(p.EACH_EDITED, flow, property=second.source_property, system=flow.source_system),
        ),
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
    cleared_to_target,
    cleared_to_source,
    cleared_required_is_dead_lettered,
    cleared_target_required_is_dead_lettered,
    empty_no_flip_flop,
    created_with_empty,
    empty_never_overwrites_target,
    empty_never_overwrites_source,
    no_reverse_creation,
    edit_during_cycle,
    rejected_record_in_batch,
    volume_new_records,
    volume_edits_both_ways,
)
GAP_CHECKLIST: tuple[Builder, ...] = (
    document_gap,
    one_linked_record,
    rerun_no_duplicate,
    restart_no_duplicate,
    reread_no_duplicate,
    no_echo,
)
