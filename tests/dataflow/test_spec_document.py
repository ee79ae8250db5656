"""The project's copy of the dataflow document parses to the spec the checklist expects.

    .venv/bin/pytest tests/dataflow -q
    .venv/bin/pytest tests/dataflow -q -k seed   # the shared seed, skipped with a reason if absent

Contract checks use the small files in tests/dataflow/data unless a test says otherwise.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from spec_helpers import DOCUMENT, REPO, SEED, TEST_CONTRACTS

from harness.dataflow import Contracts, DataflowSpec, PropertyMapping, load_spec, parse_spec
from harness.dataflow.model import content_hash


def test_document_parses_to_title_date_systems_and_three_flows() -> None:
    spec = load_spec(DOCUMENT, TEST_CONTRACTS)
    assert spec.title == "Salesforce to Crmoffice Dataflow"
    assert spec.generated == datetime(2024, 9, 8, 0, 0, 18)
    assert (spec.source_system, spec.target_system) == ("Salesforce", "Crmoffice")
    assert [(f.name, f.line) for f in spec.flows] == [
        ("Salesforce Customer to Crmoffice Contacts", 12),
        ("Salesforce Product2 to Crmoffice Companies", 28),
        ("Salesforce Contact to Crmoffice Contacts", 44),
    ]


def document_rows(spec: DataflowSpec) -> list[list[PropertyMapping]]:
    """What the document itself says of each row, without what the contracts add."""
    return [
        [
            PropertyMapping(m.source_property, m.target_property, m.target_data_type, m.line)
            for m in flow.properties
        ]
        for flow in spec.flows
    ]


def test_contact_flow_lists_four_string_properties_with_their_lines() -> None:
    assert document_rows(load_spec(DOCUMENT, TEST_CONTRACTS))[2] == [
        PropertyMapping("FirstName", "givenName", "string", 58),
        PropertyMapping("LastName", "familyName", "string", 61),
        PropertyMapping("MobilePhone", "mobilePhone", "string", 64),
        PropertyMapping("Phone", "directPhone", "string", 67),
    ]


def test_contracts_add_each_rows_type_lengths_and_requiredness(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From fixtures/salesforce/describe/Contact.json (Salesforce's describe: type, length,
    nillable) and fixtures/crmoffice-openapi.yaml (maxLength)."""
    monkeypatch.chdir(REPO)
    facts = {
        m.source_property: (
            m.source_type,
            m.source_length,
            m.target_length,
            m.source_required,
            m.max_length,
        )
        for m in load_spec(DOCUMENT, Contracts()).flows[2].properties
    }
    assert facts == {
        "FirstName": ("string", 40, 100, False, 40),
        "LastName": ("string", 80, 100, True, 80),
        "MobilePhone": ("phone", 40, 40, False, 40),
        "Phone": ("phone", 40, 40, False, 40),
    }


def test_customer_and_product2_flows_list_no_properties() -> None:
    spec = load_spec(DOCUMENT, TEST_CONTRACTS)
    assert [flow.properties for flow in spec.flows[:2]] == [(), ()]


def test_document_is_valid_against_the_project_contracts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defaults: fixtures/salesforce/describe and fixtures/crmoffice-openapi.yaml."""
    monkeypatch.chdir(REPO)
    project, test = load_spec(DOCUMENT, Contracts()), load_spec(DOCUMENT, TEST_CONTRACTS)
    assert document_rows(project) == document_rows(test)
    assert (project.title, project.content_hash) == (test.title, test.content_hash)


@pytest.mark.skipif(not SEED.is_file(), reason=f"the shared seed is not present at {SEED}")
def test_seed_and_project_copy_give_the_same_spec() -> None:
    assert load_spec(SEED, TEST_CONTRACTS) == load_spec(DOCUMENT, TEST_CONTRACTS)


@pytest.mark.skipif(not SEED.is_file(), reason=f"the shared seed is not present at {SEED}")
def test_project_copy_is_byte_identical_to_the_seed() -> None:
    assert DOCUMENT.read_bytes() == SEED.read_bytes()


def test_content_hash_ignores_line_endings_and_names_the_document() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    spec = parse_spec(text, "a.rst")
    assert parse_spec(text.replace("\n", "\r\n"), "b.rst") == spec
    assert spec.content_hash == content_hash(text)
    assert spec.short_hash == f"sha256:{spec.content_hash[:16]}"
    assert spec.name == "salesforce-to-crmoffice-dataflow"


def test_spec_is_frozen() -> None:
    spec = parse_spec(DOCUMENT.read_text(encoding="utf-8"), "a.rst")
    with pytest.raises(AttributeError):
        spec.title = "changed"  # type: ignore[misc]
