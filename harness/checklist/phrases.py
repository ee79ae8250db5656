"""Every step phrase the checklist's feature files use, for the generator and the step definitions.

    sides = {"source_system": "Salesforce", "source_object": "Contact"}
    RECORD_WITH.text(**sides, property="FirstName", value="Åse")  # the step below
    re.fullmatch(RECORD_WITH.regex, 'a Salesforce Contact with FirstName "Åse"')  # a match

A template uses `{name}` for a parameter, named as the flow's fields are (source_system,
source_object, target_system, target_type), so no step argument shadows a fixture (`target`) or
a builtin (`object`, `type`). Names, objects, types and properties are single words;
`"{value}"` and `"{flow}"` are quoted text; `{time}` is HH:MM:SS or HH:MM:SS.mmm; `{empty}` is
`""` or `null`; `{count}` and `{length}` are whole numbers. `regex` turns a template into a
pattern for `pytest_bdd.parsers.re`, and the tests check that each step in features/ matches
exactly one phrase, so no two definitions can clash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Why \S+ for names: "a Salesforce Contact" must not also match "a Salesforce Contact linked
# to ..." (parse's {} would swallow the rest of the sentence).
PARAMETER_PATTERNS = {
    "value": r'[^"]*',
    "flow": r'[^"]*',
    "reason": r'[^"]*',
    "time": r"\d\d:\d\d:\d\d(?:\.\d{3})?",  # HH:MM:SS or HH:MM:SS.mmm (both APIs keep ms)
    "empty": r'""|null',
    "count": r"\d+",
    "length": r"\d+",
}
WORD = r"\S+"
PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Phrase:
    """One step phrase: its keyword, its template and what the step must do."""

    keyword: str
    template: str
    meaning: str
    handwritten_only: bool = False

    def text(self, **values: str) -> str:
        return self.template.format(**values)

    @property
    def regex(self) -> str:
        parts = PARAMETER.split(self.template)
        pattern = []
        for index, part in enumerate(parts):
            if index % 2:
                pattern.append(f"(?P<{part}>{PARAMETER_PATTERNS.get(part, WORD)})")
            else:
                pattern.append(re.escape(part).replace("\\ ", " "))
        return "".join(pattern)


def _given(template: str, meaning: str, handwritten_only: bool = False) -> Phrase:
    return Phrase("Given", template, meaning, handwritten_only)


def _when(template: str, meaning: str, handwritten_only: bool = False) -> Phrase:
    return Phrase("When", template, meaning, handwritten_only)


def _then(template: str, meaning: str, handwritten_only: bool = False) -> Phrase:
    return Phrase("Then", template, meaning, handwritten_only)


# Given: the records a scenario starts from. "it" in later steps is the source record made here.
DOCUMENT_FLOW = _given(
    'the dataflow document\'s flow "{flow}"', "select the flow of the parsed document (the oracle)"
)
RECORD = _given(
    "a {source_system} {source_object}", "create one source record with made-up required values"
)
RECORD_WITH = _given(
    'a {source_system} {source_object} with {property} "{value}"',
    "create one source record with this value",
)
LINKED_RECORD = _given(
    "a {source_system} {source_object} linked to a {target_system} {target_type} record",
    "create a source record and run one cycle, so it has its linked target record",
)
RECORD_EMPTY = _given(
    "a {source_system} {source_object} with {property} empty",
    "create one source record with made-up values and this property left empty",
)
LINKED_EMPTY = _given(
    "a {source_system} {source_object} with {property} empty linked to a {target_system}"
    " {target_type} record",
    "as 'linked to', with this property left empty on both sides",
)
MANY_RECORDS = _given(
    "{count} {source_system} {source_object} records",
    "create that many source records with made-up values (sObject Collections, 200 a call)",
)
MANY_LINKED = _given(
    "{count} {source_system} {source_object} records linked to {target_system} {target_type}"
    " records",
    "create that many source records and run one cycle, so each has its linked target record",
)
PREEXISTING_SOURCE = _given(
    'a {source_system} {source_object} with {property} "{value}" created before onboarding',
    "a source record that exists before the engine first runs (no link)",
    handwritten_only=True,
)
PREEXISTING_TARGET = _given(
    'a {target_system} {target_type} record with {property} "{value}" created before onboarding',
    "a target record that exists before the engine first runs (no link)",
    handwritten_only=True,
)

# When: what happens to the systems or the engine.
RUN_CYCLE = _when("the sync engine runs a cycle", "run one full sync cycle and remember its writes")
RUN_ANOTHER_CYCLE = _when(
    "the sync engine runs another cycle", "run one more cycle; later Then steps look at this one"
)
EDIT = _when(
    '{property} is edited to "{value}" in {system}',
    "edit the property on the linked record in that system (Salesforce or Crmoffice), now",
)
EDIT_AT = _when(
    '{property} is edited to "{value}" in {system} at {time}',
    "edit as above, with that modification time today (the clock is the harness's)",
)
CREATE_TARGET = _when(
    'a {target_system} {target_type} record is created with {property} "{value}"',
    "a person creates a record in the target system, after onboarding (no source record)",
)
CLEAR = _when(
    "{property} is cleared to {empty} in {system}",
    'set the property on the linked record to "" or null in that system, now',
)
EDIT_DURING = _when(
    '{property} is edited to "{value}" in {system} while the sync engine runs a cycle',
    "run one cycle; the edit lands once the engine has read that system, a minute into a cycle"
    " that takes two (mock only: the fakes' clock and call hooks)",
)
EDIT_MANY = _when(
    "{property} is edited in {system} on {count} of them",
    "give the property a new made-up value on that many of the 'records' (first ones first)",
)
EDIT_MANY_ONE_LONG = _when(
    "{property} is edited in {system} on each of them, one to a value of {length} characters",
    "a new made-up value on each of the 'records'; the middle one gets a value of that length",
)
EDIT_LENGTH = _when(
    "{property} is edited to a value of {length} characters in {system}",
    "edit the property to a string of exactly that many characters",
    handwritten_only=True,
)
RESTART = _when(
    "the sync engine is restarted", "stop the engine and start a new one on the same state store"
)
RESET_WATERMARKS = _when(
    "the sync engine's watermarks are reset to the beginning",
    "forget both watermarks, so the next cycle re-reads every record of both systems",
)
CREATE_ANOTHER = _when(
    'another {source_system} {source_object} is created with {property} "{value}"',
    "create a second, unlinked source record",
    handwritten_only=True,
)
DELETE_SOURCE = _when(
    "the {source_system} {source_object} is deleted",
    "delete the source record in its system",
    handwritten_only=True,
)
DELETE_TARGET = _when(
    "the linked {target_system} {target_type} record is deleted",
    "delete the linked target record in its system",
    handwritten_only=True,
)

# Then: what must be true; "the cycle" is the most recent one.
ONE_LINKED = _then(
    "{target_system} holds exactly one {target_type} record linked to it",
    "exactly one target record carries the link to the scenario's source record",
)
ONE_LINKED_TO = _then(
    "{target_system} holds exactly one {target_type} record linked to the {source_system}"
    " {source_object}",
    "as above, for the named source record when a scenario has several",
    handwritten_only=True,
)
COUNT = _then(
    "{target_system} holds exactly {count} {target_type} records",
    "count every record of the type in the target system",
    handwritten_only=True,
)
COUNT_WITH = _then(
    '{target_system} holds exactly {count} {target_type} records with {property} "{value}"',
    "count the target records holding this value",
    handwritten_only=True,
)
TARGET_HAS = _then(
    'the linked {target_system} {target_type} record has {property} "{value}"',
    "read the linked target record back from its system and compare (empty equals null)",
)
SOURCE_HAS = _then(
    'the linked {source_system} {source_object} has {property} "{value}"',
    "read the source record back from its system and compare (empty equals null)",
)
NO_SOURCE_WITH = _then(
    '{source_system} holds no {source_object} record with {property} "{value}"',
    "query the source system: no record made since the scenario began holds this value",
)
TARGET_EMPTY = _then(
    "the linked {target_system} {target_type} record has {property} empty",
    'read the linked target record back: the property is "" or null',
)
SOURCE_EMPTY = _then(
    "the linked {source_system} {source_object} has {property} empty",
    'read the source record back: the property is "" or null',
)
SOURCE_KEEPS = _then(
    "the linked {source_system} {source_object} still has the {property} it was made with",
    "read the source record back: the property holds the value the Given step made",
)
TARGET_KEEPS = _then(
    "the linked {target_system} {target_type} record still has the {property} it was made with",
    "read the target record back: the property holds the value its source was made with",
)
TARGET_HAS_THE_OTHERS = _then(
    "the linked {target_system} {target_type} record has the other properties of it",
    "every other property row of the document holds the source record's value in the target",
)
EACH_LINKED_ONCE = _then(
    "{target_system} holds exactly one {target_type} record linked to each of them",
    "each of the 'records' has exactly one target record, and the target holds no other new one",
)
EACH_EDITED = _then(
    "each of them has its edited {property} in {system}",
    "read every one of the edited 'records' back (one list read) and compare each value",
)
EACH_BUT_ONE_EDITED = _then(
    "each of them but that one has its edited {property} in {system}",
    "as above, for every edited record except the one given the over-long value",
)
ONLY_THAT_ONE_DEAD = _then(
    'only that one is on the dead-letter list, with reason "{reason}"',
    "the cycle's dead-letter list holds exactly the record given the over-long value",
)
STILL_LINKED = _then(
    "the {source_system} {source_object} is still linked to the same {target_system}"
    " {target_type} record",
    "the link names the same target id as after the Given step",
)
CREATED_NOTHING = _then(
    "the cycle created no record in either system", "the last cycle made no insert on either side"
)
WROTE_NOTHING = _then(
    "the cycle wrote nothing to either system",
    "the last cycle made no insert, update or delete on either side",
)
NO_PROPERTIES = _then(
    "the document lists no properties for this flow",
    "assert the flow's table is empty and report it as a document gap for sign-off",
)
NO_MERGE_CRITERION = _then(
    "the document names no merge criterion for this flow",
    "report as a document finding that pre-existing pairs cannot be matched",
    handwritten_only=True,
)
TARGET_UNCHANGED = _then(
    "the linked {target_system} {target_type} record still exists, unchanged",
    "the target record is there with the values it had before the delete",
    handwritten_only=True,
)
SOURCE_UNCHANGED = _then(
    "the {source_system} {source_object} still exists, unchanged",
    "the source record is there with the values it had before the delete",
    handwritten_only=True,
)
STAYS_DELETED = _then(
    "the record deleted in {system} stays deleted",
    "its system still answers that it is deleted: the sync did not re-create or restore it",
    handwritten_only=True,
)
DEAD_LETTERED = _then(
    'the edit to {property} is on the dead-letter list with reason "{reason}"',
    "the dead-letter list holds the record's change with the target's error code",
)
OTHER_SYNCED = _then(
    "the other {source_system} {source_object} has a linked {target_system} {target_type}"
    ' record with {property} "{value}"',
    "the record created by 'another ... is created' synced despite the rejected one",
    handwritten_only=True,
)
DEAD_LETTER_EMPTY = _then(
    "the dead-letter list is empty",
    "no record waits in the dead-letter list",
    handwritten_only=True,
)

# The fault matrix (features/handwritten/faults.feature): faults scripted in the embedded fakes.
FAULT_WORKLOAD = _given(
    "a linked {source_system} {source_object} edited in both systems and one not yet synced",
    "a linked record, one property edited in each system, and a new unlinked record",
    handwritten_only=True,
)
FAULT_CALLS = _when(
    "the next {count} call(s) to {system} {route} answer {fault}",
    "script a fault in that system's fake for the next calls to the named route (mock only)",
    handwritten_only=True,
)
FAULT_RECORD = _when(
    'the next call to {system} {route} fails one record with "{reason}"',
    "script one record of the next Collections call to fail with that error code (mock only)",
    handwritten_only=True,
)
AS_WITHOUT_FAULT = _then(
    "both systems end as they would without the fault",
    "both systems hold what the same steps give on fresh fakes without the fault; no dead letter",
    handwritten_only=True,
)
FAULTED_REPORT = _then(
    'the faulted cycle\'s report says "{value}"',
    "the run report of the cycle that met the fault: retried, deferred CODE or dead-lettered CODE",
    handwritten_only=True,
)
RETRY_PAUSES = _then(
    'the connectors paused "{value}" between attempts',
    "the retry pauses the connectors asked for: none, N backoff(s), or Retry-After seconds",
    handwritten_only=True,
)

# In the order STEPS.md lists them; tests/checklist checks that no phrase of this module is
# left out.
ALL_PHRASES: tuple[Phrase, ...] = (
    DOCUMENT_FLOW,
    RECORD,
    RECORD_WITH,
    LINKED_RECORD,
    RECORD_EMPTY,
    LINKED_EMPTY,
    MANY_RECORDS,
    MANY_LINKED,
    PREEXISTING_SOURCE,
    PREEXISTING_TARGET,
    RUN_CYCLE,
    RUN_ANOTHER_CYCLE,
    EDIT,
    EDIT_AT,
    CREATE_TARGET,
    CLEAR,
    EDIT_DURING,
    EDIT_MANY,
    EDIT_MANY_ONE_LONG,
    EDIT_LENGTH,
    RESTART,
    RESET_WATERMARKS,
    CREATE_ANOTHER,
    DELETE_SOURCE,
    DELETE_TARGET,
    ONE_LINKED,
    ONE_LINKED_TO,
    COUNT,
    COUNT_WITH,
    TARGET_HAS,
    SOURCE_HAS,
    NO_SOURCE_WITH,
    TARGET_EMPTY,
    SOURCE_EMPTY,
    SOURCE_KEEPS,
    TARGET_KEEPS,
    TARGET_HAS_THE_OTHERS,
    EACH_LINKED_ONCE,
    EACH_EDITED,
    EACH_BUT_ONE_EDITED,
    ONLY_THAT_ONE_DEAD,
    STILL_LINKED,
    CREATED_NOTHING,
    WROTE_NOTHING,
    NO_PROPERTIES,
    NO_MERGE_CRITERION,
    TARGET_UNCHANGED,
    SOURCE_UNCHANGED,
    STAYS_DELETED,
    DEAD_LETTERED,
    OTHER_SYNCED,
    DEAD_LETTER_EMPTY,
    FAULT_WORKLOAD,
    FAULT_CALLS,
    FAULT_RECORD,
    AS_WITHOUT_FAULT,
    FAULTED_REPORT,
    RETRY_PAUSES,
)
