"""Run tags on the Salesforce records a sandbox run makes, in fields the flow does not map.

    factory = TaggedRecordFactory("20260105T090000Z-ab12cd", seed=7)
    factory.salesforce("Contact")["Title"]   # 'talkqa:20260105T090000Z-ab12cd'

Fields (fixtures/salesforce/describe): Contact.Title (128), Product2.Description (4000) and
Individual.FirstName (40) are free; Customer has only Name (255), unmapped in the document, so
the tag is appended to it. Crmoffice has no free field: its records are found by the ledger.
"""

from __future__ import annotations

from typing import Any

from harness.qa.factories import RecordFactory

TAG_PREFIX = "talkqa:"
TAG_FIELDS = {"Contact": "Title", "Product2": "Description", "Individual": "FirstName"}
SUFFIX_FIELDS = {"Customer": "Name"}  # tag appended after a space
# Deleting a Customer first frees the Individual it points at (PartyId).
SWEEP_ORDER = ("Customer", "Contact", "Product2", "Individual")


def run_tag(run_id: str) -> str:
    return TAG_PREFIX + run_id


def tag_record(object_name: str, fields: dict[str, Any], run_id: str) -> dict[str, Any]:
    tagged = dict(fields)
    if object_name in TAG_FIELDS:
        tagged[TAG_FIELDS[object_name]] = run_tag(run_id)
    elif object_name in SUFFIX_FIELDS:
        name = SUFFIX_FIELDS[object_name]
        tagged[name] = f"{tagged.get(name) or ''} {run_tag(run_id)}".strip()[-255:]
    return tagged


# Every object a checklist run creates, hence every one its sync scope and observer narrow.
TAGGED_OBJECTS = (*TAG_FIELDS, *SUFFIX_FIELDS)


def tag_condition(object_name: str, run_id: str) -> str:
    """A SOQL condition true of exactly this run's records of one object."""
    tag = run_tag(run_id).replace("\\", "\\\\").replace("'", "\\'")
    if object_name in TAG_FIELDS:
        return f"{TAG_FIELDS[object_name]} = '{tag}'"
    return f"{SUFFIX_FIELDS[object_name]} LIKE '% {tag}'"


def tagged_soql(object_name: str) -> str:
    """A format_soql template for one object's tagged records created before {cutoff}."""
    field = TAG_FIELDS.get(object_name) or SUFFIX_FIELDS[object_name]
    pattern = f"{TAG_PREFIX}%" if object_name in TAG_FIELDS else f"% {TAG_PREFIX}%"
    return (
        f"SELECT Id, CreatedDate, {field} FROM {object_name}"
        f" WHERE {field} LIKE '{pattern}' AND CreatedDate < {{cutoff}}"
    )


def run_of(object_name: str, record: dict[str, Any]) -> str:
    field = TAG_FIELDS.get(object_name) or SUFFIX_FIELDS[object_name]
    value = str(record.get(field) or "")
    return value.rpartition(TAG_PREFIX)[2]


class TaggedRecordFactory(RecordFactory):
    """The checklist's record factory, with the run tag on every Salesforce record."""

    def __init__(self, run_id: str, seed: int | None = None) -> None:
        super().__init__(seed)
        self.run_id = run_id

    def salesforce(self, object_name: str, **overrides: Any) -> dict[str, Any]:
        return tag_record(object_name, super().salesforce(object_name, **overrides), self.run_id)
