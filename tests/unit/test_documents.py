"""Which document judges a feature file, and which features no given document judges."""

from __future__ import annotations

from pathlib import Path

from harness.qa.documents import Documents

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "fixtures" / "dataflows" / "salesforce-to-crmoffice.rst"
REVERSE = REPO / "tests" / "checklist" / "data" / "crmoffice-to-salesforce.rst"
GENERATED = REPO / "features" / "generated"


def test_a_generated_feature_belongs_to_the_document_of_its_folder() -> None:
    both = Documents.load([REVERSE, SEED])
    feature = GENERATED / "salesforce_to_crmoffice" / "x.feature"
    assert both.for_feature(feature).path == SEED
    assert both.judges(feature)


def test_another_documents_generated_folder_is_not_judged() -> None:
    reverse_only = Documents.load([REVERSE])
    feature = GENERATED / "salesforce_to_crmoffice" / "x.feature"
    assert not reverse_only.judges(feature, {"generated", "flow-contact-to-contacts"})


def test_a_hand_written_feature_is_judged_by_the_document_with_its_flow() -> None:
    feature = REPO / "features" / "handwritten" / "deletes.feature"
    tags = {"handwritten", "flow-contact-to-contacts"}
    assert Documents.load([SEED]).judges(feature, tags)
    assert not Documents.load([REVERSE]).judges(feature, tags)
    assert Documents.load([REVERSE]).judges(feature, {"handwritten"})  # no flow: the first's


def test_a_stale_copy_of_a_document_still_claims_its_flows() -> None:
    """Its features are refused by their hash (steps/documents.py), never silently dropped."""
    stale = Documents.load([SEED])
    feature = GENERATED / "some_other_name" / "x.feature"
    assert stale.judges(feature, {"flow-contact-to-contacts"})
