"""Every way the document can be wrong gives one exact message: file, line, found, expected.

    .venv/bin/pytest tests/dataflow/test_spec_errors.py -q
    .venv/bin/pytest tests/dataflow/test_spec_errors.py -q -k crmoffice

Each test edits a copy of the real document, so the line numbers are the document's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from spec_helpers import DATA, DOCUMENT, TEST_CONTRACTS

from harness import resources
from harness.dataflow import Contracts, load_spec
from harness.errors import BadSpecError
from harness.resources import shown

WriteDocument = Callable[..., Path]
CONTACT_FIELDS = "Email, FirstName, Id, LastName, MobilePhone, Phone"
CONTRACT = DATA / "crmoffice-openapi.yaml"


def message_for(path: Path, contracts: Contracts = TEST_CONTRACTS) -> str:
    with pytest.raises(BadSpecError) as caught:
        load_spec(path, contracts)
    return str(caught.value)


def contact_section() -> str:
    text = DOCUMENT.read_text(encoding="utf-8")
    return text[text.index("Salesforce Contact to Crmoffice Contacts\n") :]


def test_empty_file(write_document: WriteDocument) -> None:
    path = write_document(lambda text: "")
    assert message_for(path) == (
        "x.rst:1: found an empty file; expected a title like 'Salesforce to Crmoffice Dataflow'"
    )


def test_no_flows(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text[: text.index("Salesforce Customer to")])
    assert message_for(path) == (
        "x.rst:10: found no flow section; expected at least one section headed "
        "'Salesforce <Object> to Crmoffice <Type>' with a list-table"
    )


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.rst"
    assert message_for(path) == f"{path}: no such file; expected a dataflow document (.rst)"


def test_row_with_too_few_cells(write_document: WriteDocument) -> None:
    path = write_document(
        lambda text: text.replace('     - givenName\n     - "string"\n', "     - givenName\n")
    )
    assert message_for(path) == (
        "x.rst:58: table row has 2 cells ('FirstName', 'givenName'); expected 3: "
        "Salesforce Contact Property, Crmoffice Contacts Property, Crmoffice Data Type"
    )


def test_row_with_too_many_cells(write_document: WriteDocument) -> None:
    path = write_document(
        lambda text: text.replace(
            '     - "string"\n   * - LastName', '     - "string"\n     - 40\n   * - LastName'
        )
    )
    assert message_for(path) == (
        "x.rst:58: table row has 4 cells ('FirstName', 'givenName', '\"string\"', '40'); "
        "expected 3: Salesforce Contact Property, Crmoffice Contacts Property, Crmoffice Data Type"
    )


def test_unknown_column_header(write_document: WriteDocument) -> None:
    def edit(text: str) -> str:
        head, tail = text.split("   * - Salesforce Contact Property", 1)
        return (
            head
            + "   * - Salesforce Contact Property"
            + tail.replace("Crmoffice Data Type", "Crmoffice Datatype", 1)
        )

    assert message_for(write_document(edit)) == (
        "x.rst:57: unknown column header 'Crmoffice Datatype'; "
        "expected 'Crmoffice Data Type' (target data type)"
    )


def test_flow_listed_twice(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text + "\n" + contact_section())
    assert message_for(path) == (
        "x.rst:72: flow 'Salesforce Contact to Crmoffice Contacts' is listed twice "
        "(first at line 44); expected each flow once"
    )


def test_property_listed_twice(write_document: WriteDocument) -> None:
    path = write_document(
        lambda text: text.replace(
            "   * - LastName\n     - familyName", "   * - FirstName\n     - familyName"
        )
    )
    assert message_for(path) == (
        "x.rst:61: property 'FirstName' is listed twice (first at line 58); "
        "expected each property once per flow"
    )


def test_unknown_salesforce_field(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text.replace("* - FirstName", "* - Firstname"))
    assert message_for(path) == (
        "x.rst:58: Salesforce Contact has no field 'Firstname' in "
        f"{shown(DATA / 'describe' / 'Contact.json')}; known: {CONTACT_FIELDS}"
    )


def test_unknown_crmoffice_property(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text.replace("- givenName", "- givenname"))
    assert message_for(path) == (
        f"x.rst:58: Crmoffice Contacts has no property 'givenname' in {shown(CONTRACT)}; "
        "known: directPhone, email, familyName, givenName, mobilePhone"
    )


def test_unknown_salesforce_object(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text.replace("Salesforce Product2", "Salesforce Asset"))
    assert message_for(path) == (
        f"x.rst:28: Salesforce object 'Asset' has no describe metadata "
        f"({DATA / 'describe' / 'Asset.json'} not found); known: Contact, Customer, Product2"
    )


def test_unknown_crmoffice_type(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text.replace("Crmoffice Companies", "Crmoffice Products"))
    assert message_for(path) == (
        f"x.rst:28: Crmoffice type 'Products' has no schema 'Product' in {CONTRACT}; "
        "known types: Companies, Contacts"
    )


def test_project_contract_names_the_real_crmoffice_properties(
    write_document: WriteDocument,
) -> None:
    """The message style of the issue, against the project's own contract, named from the
    repository root whatever the working directory (write_document runs in a temporary one)."""
    repo_contracts = Contracts(resources.DESCRIBE_DIR, resources.CRMOFFICE_CONTRACT)
    path = write_document(lambda text: text.replace("- givenName", "- givenname"))
    assert message_for(path, repo_contracts) == (
        "x.rst:58: Crmoffice Contacts has no property 'givenname' in "
        "fixtures/crmoffice-openapi.yaml; known: directPhone, familyName, givenName, mobilePhone"
    )


def test_flow_heading_naming_other_systems(write_document: WriteDocument) -> None:
    path = write_document(
        lambda text: text.replace(
            "Salesforce Customer to Crmoffice Contacts\n",
            "Hubspot Customer to Crmoffice Contacts\n",
        )
    )
    assert message_for(path) == (
        "x.rst:12: found flow heading 'Hubspot Customer to Crmoffice Contacts'; "
        "expected 'Salesforce <Object> to Crmoffice <Type>'"
    )


def test_missing_every_sentence(write_document: WriteDocument) -> None:
    path = write_document(
        lambda text: text.replace(
            "Every Salesforce Contact will be", "Each Salesforce Contact will be"
        )
    )
    assert message_for(path) == (
        "x.rst:44: section 'Salesforce Contact to Crmoffice Contacts' lacks the sentence "
        "'Every Salesforce Contact will be synchronized with a Crmoffice Contacts.'; "
        "found: 'Each Salesforce Contact will be synchronized with a Crmoffice Contacts.'"
    )


def test_missing_link_sentence(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text.replace(", regardless of where it is edited.", ".", 1))
    assert message_for(path) == (
        "x.rst:12: section 'Salesforce Customer to Crmoffice Contacts' lacks the sentence "
        "'Once a link between a Salesforce Customer and a Crmoffice Contacts is established, "
        "it will keep in sync between the two systems, regardless of where it is edited.'; "
        "found: 'Every Salesforce Customer will be synchronized with a Crmoffice Contacts.'"
    )


def test_header_rows_other_than_one(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text.replace(":header-rows: 1", ":header-rows: 2", 1))
    assert message_for(path) == "x.rst:21: found :header-rows: 2; expected :header-rows: 1"


def test_bad_generated_date(write_document: WriteDocument) -> None:
    path = write_document(lambda text: text.replace("2024-09-08 00:00:18", "8 Sep 2024"))
    assert message_for(path) == (
        "x.rst:5: found Generated: '8 Sep 2024'; expected 'YYYY-MM-DD HH:MM:SS'"
    )


def test_bad_title(write_document: WriteDocument) -> None:
    path = write_document(
        lambda text: text.replace(
            "Salesforce to Crmoffice Dataflow", "Salesforce Crmoffice Flows  ", 1
        )
    )
    assert message_for(path) == (
        "x.rst:2: found title 'Salesforce Crmoffice Flows'; "
        "expected '<Source> to <Target> Dataflow'"
    )


def test_describe_file_without_fields(write_document: WriteDocument) -> None:
    Path("describe").mkdir()
    for name in ("Customer", "Product2", "Contact"):
        Path(f"describe/{name}.json").write_text(json.dumps({"name": name, "fields": {}}))
    contracts = Contracts(Path("describe"), CONTRACT)
    assert message_for(write_document(), contracts) == (
        "describe/Customer.json: found no field names; expected describe metadata "
        '{"name": ..., "fields": [{"name": ..., "type": ...}, ...]}'
    )


def test_data_type_the_contract_does_not_give_the_property(write_document: WriteDocument) -> None:
    """Issue 14, item 9: "integer" for givenName was accepted though the contract says string."""
    path = write_document(
        lambda text: text.replace('- givenName\n     - "string"', '- givenName\n     - "integer"')
    )
    assert message_for(path) == (
        f"x.rst:58: Crmoffice Contacts property 'givenName' is a string in {shown(CONTRACT)},"
        " but the"
        " document gives its data type as 'integer'"
    )


def test_a_utf8_bom_is_accepted(write_document: WriteDocument) -> None:
    """Issue 14, item 9: a document saved with a byte order mark got "found no over- and
    underlined title"."""
    path = write_document(lambda text: text)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_spec(path, TEST_CONTRACTS).title == "Salesforce to Crmoffice Dataflow"


def test_an_invisible_character_in_a_heading_is_named_where_it_is(
    write_document: WriteDocument,
) -> None:
    """Issue 14, item 9: a zero-width space in a flow heading made the error blame the section
    before it ("section 'Salesforce Product2 ...' has 2 list-tables")."""
    path = write_document(
        lambda text: text.replace(
            "Salesforce Contact to Crmoffice Contacts\n---",
            "Salesforce Contact\u200b to Crmoffice Contacts\n---",
            1,
        )
    )
    assert message_for(path) == (
        "x.rst:44: column 19 holds an invisible character (U+200B ZERO WIDTH SPACE); expected"
        " plain text: delete it and save the document again"
    )
