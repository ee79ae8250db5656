"""The checklist's command-line options (`pytest features/ --help`, group "talkqa checklist")."""

from __future__ import annotations

import pytest

from harness.sandbox.config import AUTH_KINDS
from steps.engines import DEFAULT_ENGINE, SESAM_ENGINE


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("talkqa", "talkqa checklist")
    group.addoption(
        "--target",
        choices=("mock", "sandbox"),
        default="mock",
        help="where the systems are: the embedded fakes (default) or real sandboxes",
    )
    group.addoption(
        "--sync-engine",
        default=DEFAULT_ENGINE,
        metavar="MODULE:FACTORY",
        help=f"the engine under test (default {DEFAULT_ENGINE}); '{SESAM_ENGINE}': Sesam Talk"
        " on a Sesam node (TALKQA_SESAM_* on a sandbox; a fake node on the fakes)",
    )
    group.addoption(
        "--sesam-node-engine",
        default=DEFAULT_ENGINE,
        metavar="MODULE:FACTORY",
        help="with --sync-engine sesam on the fakes: the engine the fake node's pipes run"
        f" (default {DEFAULT_ENGINE}; a broken one proves the checklist through the node)",
    )
    group.addoption(
        "--engine-mapping",
        default=None,
        metavar="PATH",
        help="the bundled engine's own flows (default harness/engine/flows.toml), e.g. one"
        " with a flow of Crmoffice origin for a Crmoffice-to-Salesforce document",
    )
    group.addoption(
        "--document",
        action="append",
        default=None,
        metavar="PATH",
        help="a dataflow document the checklist is judged against (repeatable; default: every"
        " document in fixtures/dataflows/)",
    )
    group.addoption(
        "--sf-auth",
        choices=AUTH_KINDS,
        default=None,
        help="sandbox: how to log in to Salesforce (default: TALKQA_SF_AUTH)",
    )
    group.addoption(
        "--min-remaining",
        type=int,
        default=None,
        metavar="N",
        help="sandbox: stop when the org has fewer than N daily API requests left"
        " (default: TALKQA_SF_MIN_REMAINING_REQUESTS or 1000)",
    )
    group.addoption(
        "--record",
        default=None,
        metavar="DIR",
        help="sandbox: store every HTTP exchange as a vcrpy cassette in DIR, secrets filtered"
        " (then `talkqa fidelity DIR` replays them against the fakes)",
    )
    group.addoption(
        "--sandbox-volume",
        action="store_true",
        help="sandbox: run the @volume items too (2,001 records each; about 11,000 calls)",
    )
