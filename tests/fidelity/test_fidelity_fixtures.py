"""The cassettes written from Salesforce's docs replay on the fakes without a difference.

One folder per guide: salesforce-rest (REST API Developer Guide), salesforce-bulk2 (Bulk API 2.0
and Bulk API Developer Guide). Each fixture names its source pages (developer.salesforce.com)
in vcrpy's cassette metadata and in YAML comments; they are real vcrpy cassettes, which vcrpy
itself plays back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import vcr

from harness.fidelity.cassette import cassette_paths, read_cassette
from harness.fidelity.secrets import check_no_secrets
from tests.fidelity.conftest import FIXTURE_CASSETTES, Talkqa

FIXTURES = cassette_paths(FIXTURE_CASSETTES)
GUIDES = {
    "salesforce-rest": "# Salesforce REST API Developer Guide",
    "salesforce-bulk2": "# Salesforce Bulk API 2.0 and Bulk API Developer Guide",
}


def test_talkqa_fidelity_reports_no_difference_on_the_docs_cassettes(talkqa: Talkqa) -> None:
    done = talkqa("fidelity", str(FIXTURE_CASSETTES))
    assert done.code == 0, done.out + done.err
    assert done.out.splitlines()[-1].endswith("no differences")


@pytest.mark.parametrize("guide", GUIDES)
def test_a_small_set_of_docs_examples(guide: str) -> None:
    paths = cassette_paths(FIXTURE_CASSETTES / guide)
    interactions = sum(len(read_cassette(path).interactions) for path in paths)
    assert 8 <= interactions <= 16
    assert len(paths) >= 3


def test_the_docs_cassettes_hold_no_credential() -> None:
    check_no_secrets(FIXTURE_CASSETTES, [])


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_each_cassette_names_its_source_pages(path: Path) -> None:
    sources = read_cassette(path).metadata["source"]
    assert sources
    assert all(s.startswith("https://developer.salesforce.com/docs/") for s in sources)
    assert path.read_text("utf-8").startswith(GUIDES[path.parent.name])


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_vcrpy_plays_the_cassette_back(path: Path) -> None:
    """vcrpy's own loader and matcher (method and URI) answer with the recorded responses."""
    cassette = read_cassette(path)
    with vcr.use_cassette(str(path), record_mode="none"):
        for interaction in cassette.interactions:
            request = interaction.request
            answer = requests.request(
                request.method, request.uri, data=request.body or None, timeout=5
            )
            assert answer.status_code == interaction.response.status
            assert answer.content == interaction.response.body
