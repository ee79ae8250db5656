"""The checklist's items: one name each, the rule it guards, and the broken engine that proves it.

    item = find_item("story-property-to-crmoffice", spec.flows)   # ChecklistItem(...)
    item.name  # 'Each listed property reaches Crmoffice'

This table is the one vocabulary: the sign-off summary's item names, Allure's stories and the
pytest markers of the story tags all come from it, and harness/checklist/COVERAGE.md is rendered
from it (tests/checklist checks the file is current). PROVEN_BY names, for each engine in
harness/engine/broken.py, the items it must turn red; tests/checklist_quality holds each of
them to exactly its items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.dataflow.model import FlowSpec

SEMANTICS = "shared/SYNC-SEMANTICS.md"


@dataclass(frozen=True)
class ChecklistItem:
    """`story` and `name` may hold {source}, {target}: filled in from each flow's systems."""

    story: str
    name: str
    rule: str  # the rule the item guards, in the words of SYNC-SEMANTICS.md
    section: str  # where SYNC-SEMANTICS.md states it
    generated: bool = True  # from the document (False: features/handwritten)

    def for_flow(self, flow: FlowSpec) -> ChecklistItem:
        words = {"source": flow.source_system, "target": flow.target_system}
        return ChecklistItem(
            self.story.format(**{k: v.lower() for k, v in words.items()}),
            self.name.format(**words),
            self.rule,
            self.section,
            self.generated,
        )


def _item(
    story: str, name: str, rule: str, section: str, *, generated: bool = True
) -> ChecklistItem:
    return ChecklistItem(story, name, rule, section, generated)


LINK, CYCLE, ERRORS = "Identity and link", "One sync cycle", "Errors"
ITEMS: tuple[ChecklistItem, ...] = (
    _item(
        "one-linked-record",
        "Every source record gets exactly one linked target record",
        "every Salesforce record of a listed object gets one Crmoffice record",
        LINK,
    ),
    _item(
        "property-to-{target}",
        "Each listed property reaches {target}",
        "the document's properties are synchronized, with values as both systems accept them",
        "The flow in the document",
    ),
    _item(
        "property-to-{source}",
        "Each listed property edited in {target} reaches {source}",
        "once linked, a pair stays in sync regardless of where it is edited",
        "The flow in the document",
    ),
    _item(
        "edit-updates-same-record",
        "An edit updates the same linked record",
        "once linked, the pair stays linked across later edits",
        LINK,
    ),
    _item(
        "rerun-no-duplicate",
        "A re-run creates no duplicate",
        "re-runs may not create a second record",
        LINK,
    ),
    _item(
        "restart-no-duplicate",
        "A restart of the engine creates no duplicate",
        "a restart of the engine may not create a second record",
        LINK,
    ),
    _item(
        "reread-no-duplicate",
        "A full re-read from the beginning creates no duplicate",
        "a full re-read (watermarks reset) may not create a second record",
        LINK,
    ),
    _item(
        "different-properties-survive",
        "Different properties edited in both systems survive",
        "edits to different properties in the two systems both survive",
        CYCLE,
    ),
    _item(
        "later-edit-wins",
        "The same property edited in both resolves to the later edit",
        "the later modification wins, compared as instants to the millisecond; a tie goes to"
        " Salesforce",
        CYCLE,
    ),
    _item(
        "no-echo",
        "A cycle with no outside edits writes nothing",
        "the next cycle with no outside edits writes nothing (no echo, no ping-pong)",
        CYCLE,
    ),
    _item(
        "no-echo-after-edit",
        "The cycle after a synced edit writes nothing",
        "write only what differs; a synced edit is not written back",
        CYCLE,
    ),
    _item(
        "cleared-to-{target}",
        "A property cleared in {source} is cleared in {target}",
        "an emptied property is a value like any other and syncs",
        CYCLE,
    ),
    _item(
        "cleared-to-{source}",
        "A property cleared in {target} is cleared in {source}",
        "an emptied property is a value like any other and syncs, both ways",
        CYCLE,
    ),
    _item(
        "cleared-required-field",
        "Clearing a required field is dead-lettered and its value stays",
        "a record the target rejects goes to the dead-letter list with the reason",
        ERRORS,
    ),
    _item(
        "empty-no-flip-flop",
        'An emptied property is not written again ("" equals null)',
        "empty string and null are the same value for comparison: no flip-flop",
        CYCLE,
    ),
    _item(
        "created-with-empty",
        "A new record with an empty property syncs the others and keeps it empty",
        "insert every listed property that holds a value",
        CYCLE,
    ),
    _item(
        "empty-never-overwrites-{target}",
        "An empty {target} value never overwrites a value set in {source}",
        "per property, only the side that differs from the last synced value wins",
        CYCLE,
    ),
    _item(
        "empty-never-overwrites-{source}",
        "An empty {source} value never overwrites a value set in {target}",
        "per property, only the side that differs from the last synced value wins",
        CYCLE,
    ),
    _item(
        "no-reverse-creation",
        "A record made in {target} is not created in {source}",
        "creation follows the document's direction; a record is never inserted into the"
        " system it came from",
        LINK,
    ),
    _item(
        "edit-during-cycle",
        "An edit made while a cycle runs arrives by the next cycle",
        "the watermark is taken from the collect's start, so an edit made during a sync is"
        " never lost",
        CYCLE,
    ),
    _item(
        "rejected-record-in-batch",
        "One rejected record of a batch does not hold the others back",
        "a rejected record is dead-lettered; the other records go on",
        ERRORS,
    ),
    _item(
        "volume-new-records",
        "More new records than one query page each arrive once",
        "collect all pages (2,000 records a query page)",
        CYCLE,
    ),
    _item(
        "volume-edits-both-ways",
        "More edits than a page and a batch, each way, all arrive",
        "collect all pages; write in batches where the API allows (200 a Collections call)",
        CYCLE,
    ),
    _item(
        "no-properties-listed",
        "The document lists no properties for the flow",
        "a flow whose table lists no property is a finding for sign-off, not a silent pass",
        "The flow in the document",
    ),
    _item(
        "delete-in-salesforce",
        "A delete in Salesforce leaves Crmoffice untouched",
        "Talk does not delete data in connected systems",
        "Deletes",
        generated=False,
    ),
    _item(
        "delete-in-crmoffice",
        "A delete in Crmoffice leaves Salesforce untouched",
        "Talk does not delete data; the deleted record is not re-created",
        "Deletes",
        generated=False,
    ),
    _item(
        "shared-target-type",
        "Two Salesforce objects share Crmoffice Contacts without collision",
        "two Salesforce objects feed the same Crmoffice type",
        "The flow in the document",
        generated=False,
    ),
    _item(
        "rejected-value",
        "A rejected value is dead-lettered, the rest sync",
        "a rejected record is dead-lettered, tried again next cycle, and leaves the list once"
        " it succeeds",
        ERRORS,
        generated=False,
    ),
    _item(
        "preexisting-duplicate",
        "Pre-existing records are duplicated (the document names no merge criterion)",
        "records that existed before onboarding link only through a merge criterion",
        "Records that already exist on both sides",
        generated=False,
    ),
    _item(
        "transient-fault",
        "A transient fault is retried and the sync ends as without it",
        "transient faults are retried with backoff; an expired session logs in again once",
        ERRORS,
        generated=False,
    ),
    _item(
        "lost-response",
        "A write whose answer was lost makes no duplicate",
        "a crash between the insert and the link write gives no duplicate",
        LINK,
        generated=False,
    ),
    _item(
        "record-failure",
        "One failing record of a batch is deferred or dead-lettered",
        "a failed cycle leaves both systems and the state store consistent",
        ERRORS,
        generated=False,
    ),
)


# The items each deliberately broken engine (harness/engine/broken.py) must turn red, and no
# others: tests/checklist_quality runs the whole checklist against each and compares.
_PROPERTY_ITEMS = frozenset(
    {
        "property-to-{target}",
        "property-to-{source}",
        "cleared-to-{target}",
        "cleared-to-{source}",
        "created-with-empty",
        "empty-never-overwrites-{target}",
        "empty-never-overwrites-{source}",
    }
)
_WRITES_TO_SOURCE = frozenset(
    {
        "property-to-{source}",
        "cleared-to-{source}",
        "cleared-required-field",
        "different-properties-survive",
        "later-edit-wins",
        "edit-during-cycle",
        "empty-never-overwrites-{source}",
        "rejected-record-in-batch",
        "volume-edits-both-ways",
        "rejected-value",
        "transient-fault",
        "lost-response",
        "record-failure",
    }
)
PROVEN_BY: dict[str, frozenset[str]] = {
    "swapped_phones": _PROPERTY_ITEMS,
    "no_write_back": _WRITES_TO_SOURCE,
    "forgetful_links": _WRITES_TO_SOURCE
    | {
        "cleared-to-{target}",
        "empty-never-overwrites-{target}",
        "empty-no-flip-flop",
        "edit-updates-same-record",
        "rerun-no-duplicate",
        "restart-no-duplicate",
        "reread-no-duplicate",
        "no-echo",
        "no-echo-after-edit",
        "delete-in-crmoffice",
        "shared-target-type",
        # A forgotten link makes the next cycle insert the linked record again.
        "no-reverse-creation",
    },
    "empty_is_no_change": frozenset(
        {"cleared-to-{target}", "cleared-to-{source}", "cleared-required-field"}
    ),
    "strict_empty": frozenset({"empty-no-flip-flop"}),
    "blank_overwrites": frozenset(
        {"empty-never-overwrites-{target}", "empty-never-overwrites-{source}"}
    ),
    "second_precision": frozenset({"later-edit-wins"}),
    "watermark_at_cycle_end": frozenset({"edit-during-cycle"}),
    "batch_all_or_none": frozenset({"rejected-record-in-batch"}),
    "first_page_only": frozenset({"volume-new-records", "volume-edits-both-ways"}),
    "oversized_batches": frozenset({"volume-edits-both-ways"}),
    "creates_back": frozenset({"no-reverse-creation"}),
}


def proving_engines(item: ChecklistItem) -> list[str]:
    """The broken engines that must turn this (template) item red."""
    return sorted(engine for engine, items in PROVEN_BY.items() if item.story in items)


def red_stories(engine: str, flows: Iterable[FlowSpec]) -> set[str]:
    """The story tags (without 'story-') the engine must turn red for these flows."""
    flows = list(flows)
    return {
        item.for_flow(flow).story
        for item in ITEMS
        if item.story in PROVEN_BY[engine]
        for flow in flows
    }


def items_for(flows: Iterable[FlowSpec]) -> dict[str, ChecklistItem]:
    """Story tag (without 'story-') -> the item, for every flow's systems."""
    found: dict[str, ChecklistItem] = {}
    for flow in flows:
        for item in ITEMS:
            concrete = item.for_flow(flow)
            found.setdefault(concrete.story, concrete)
    return found


def find_item(story_tag: str, flows: Iterable[FlowSpec]) -> ChecklistItem | None:
    return items_for(flows).get(story_tag.removeprefix("story-"))


def marker_lines(flows: Iterable[FlowSpec]) -> list[str]:
    """`story-…: checklist: <name>` for pytest's markers, so every story tag is declared."""
    return [f"story-{story}: checklist: {item.name}" for story, item in items_for(flows).items()]


def _concrete(item: ChecklistItem, flows: Iterable[FlowSpec]) -> set[str]:
    return {item.for_flow(flow).story for flow in flows}


def render_coverage(flows: Iterable[FlowSpec]) -> str:
    """COVERAGE.md: which rule each item guards and which broken engine proves it."""
    lines = [
        "# What each checklist item guards",
        "",
        f"Rendered from `harness/checklist/items.py` (the rules are {SEMANTICS}'s); do not edit",
        'by hand: `tests/checklist` fails when this file and the table differ. "Proven by"',
        "names the deliberately broken engines (`harness/engine/broken.py`) that must turn the",
        "item red; `tests/checklist_quality` checks that each turns exactly its items red.",
        "",
        "| item | story tag | rule it guards | section | proven by |",
        "|---|---|---|---|---|",
    ]
    templates = {story: item for item in ITEMS for story in _concrete(item, flows)}
    for story, item in items_for(flows).items():
        proven = ", ".join(f"`{name}`" for name in proving_engines(templates[story])) or "—"
        kind = "" if item.generated else " (hand-written)"
        lines.append(
            f"| {item.name}{kind} | `story-{story}` | {item.rule} | {item.section} | {proven} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m harness.checklist.items > harness/checklist/COVERAGE.md
    from pathlib import Path

    from harness.dataflow import load_spec

    DOCUMENT = Path("fixtures/dataflows/salesforce-to-crmoffice.rst")
    print(render_coverage(load_spec(DOCUMENT).flows), end="")
