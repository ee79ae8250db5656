"""Paths the spec tests share: the document, the shared seed, the small test contracts.

    from spec_helpers import DOCUMENT, TEST_CONTRACTS
    load_spec(DOCUMENT, TEST_CONTRACTS)

A module of its own (not conftest) so test files can import it by a name no other folder uses.
"""

from __future__ import annotations

from pathlib import Path

from harness.dataflow import Contracts

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = REPO / "fixtures" / "dataflows" / "salesforce-to-crmoffice.rst"
SEED = REPO / ".." / "shared" / "seeds" / "000_e91680f25a09d798.txt"
DATA = Path(__file__).resolve().parent / "data"
TEST_CONTRACTS = Contracts(DATA / "describe", DATA / "crmoffice-openapi.yaml")
