"""A document may name the standard objects a Talk Salesforce document names (issue 15).

Account, Lead and Opportunity have describe metadata now (fixtures/salesforce/describe, from
Salesforce's Object Reference), so a document syncing them validates; a field they do not have
still gets the one-line error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import resources
from harness.dataflow import load_spec
from harness.errors import BadSpecError

SEED = resources.DEFAULT_DOCUMENT.read_text("utf-8")


def _with_flow(tmp_path: Path, obj: str, field: str) -> Path:
    """The seed with its Product2 flow renamed to `obj`, mapping `field` to Companies name."""
    text = SEED.replace("Salesforce Product2", f"Salesforce {obj}")
    heading = f"Salesforce {obj} to Crmoffice Companies"
    lines = text.splitlines()
    at = lines.index(heading)
    lines[at + 1] = "-" * len(heading)
    table = lines.index(f"   * - Salesforce {obj} Property")
    lines[table + 3 : table + 3] = ["", f"   * - {field}", "     - name", '     - "string"']
    path = tmp_path / "x.rst"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.mark.parametrize(
    ("obj", "field"), [("Account", "Name"), ("Lead", "Company"), ("Opportunity", "Name")]
)
def test_a_document_naming_a_standard_object_validates(
    tmp_path: Path, obj: str, field: str
) -> None:
    spec = load_spec(_with_flow(tmp_path, obj, field))
    flow = next(f for f in spec.flows if f.source_object == obj)
    assert [(p.source_property, p.target_property) for p in flow.properties] == [(field, "name")]


def test_a_field_the_object_does_not_have_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(BadSpecError) as caught:
        load_spec(_with_flow(tmp_path, "Account", "Nickname"))
    message = str(caught.value)
    assert "Salesforce Account has no field 'Nickname'" in message and "\n" not in message
    assert "BillingCity" in message  # the known fields are listed
