"""`talkqa features generate|check`: the dataflow document becomes the Gherkin checklist.

    talkqa features generate fixtures/dataflows/salesforce-to-crmoffice.rst --out features
    talkqa features check fixtures/dataflows/salesforce-to-crmoffice.rst   # exit 1 + diff if stale
    talkqa features check          # every document under fixtures/dataflows/, from any folder

Exit codes: 0 up to date (or written), 1 the committed features differ from the document (the diff
is on stdout), 2 the document itself is bad (one line on stderr, from the CLI's error handler).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness import resources
from harness.checklist.files import diff_features, plan_features, shown_path, write_features
from harness.dataflow import Contracts, DataflowSpec, load_spec
from harness.dataflow.contracts import DEFAULT_CONTRACT, DEFAULT_DESCRIBE_DIR
from harness.errors import ConfigError


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add `talkqa features generate` and `talkqa features check`."""
    features = subparsers.add_parser("features", help="generate or check the Gherkin checklist")
    actions = features.add_subparsers(dest="features_command", metavar="ACTION", required=True)
    generate = actions.add_parser("generate", help="write one .feature file per flow")
    generate.set_defaults(run=run_generate)
    check = actions.add_parser("check", help="exit 1 with a diff if the features are stale")
    check.set_defaults(run=run_check)
    for parser in (generate, check):
        _add_common_arguments(parser)


def _add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "documents",
        type=Path,
        nargs="*",
        metavar="DOCUMENT",
        help=f"dataflow documents (.rst); default: every one in {shown_path(resources.DATAFLOWS)}",
    )
    parser.add_argument(
        "--out", type=Path, default=resources.FEATURES, help="default: the repository's features/"
    )
    parser.add_argument(
        "--salesforce-describe",
        type=Path,
        default=DEFAULT_DESCRIBE_DIR,
        help=f"folder of <Object>.json describe metadata (default: {DEFAULT_DESCRIBE_DIR})",
    )
    parser.add_argument(
        "--crmoffice-contract",
        type=Path,
        default=DEFAULT_CONTRACT,
        help=f"Crmoffice OpenAPI contract (default: {DEFAULT_CONTRACT})",
    )


def run_generate(args: argparse.Namespace) -> int:
    for document in _documents(args):
        planned = plan_features(_spec(args, document), document, args.out)
        changed = write_features(planned)
        for path in changed:
            print(f"wrote {shown_path(path)}" if path.exists() else f"removed {shown_path(path)}")
        print(f"{len(planned.files)} feature files up to date in {shown_path(planned.folder)}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    stale = 0
    for document in _documents(args):
        planned = plan_features(_spec(args, document), document, args.out)
        diff = diff_features(planned)
        if not diff:
            print(f"{len(planned.files)} feature files match {shown_path(document)}")
            continue
        stale += 1
        sys.stdout.write(diff)
        print(
            f"talkqa: {shown_path(planned.folder)} does not match {shown_path(document)}; run:"
            f" talkqa features generate {shown_path(document)} --out {shown_path(args.out)}",
            file=sys.stderr,
        )
    return 1 if stale else 0


def _documents(args: argparse.Namespace) -> list[Path]:
    documents = list(args.documents) or all_documents()
    if not documents:
        raise ConfigError(
            f"no dataflow document given and none in {shown_path(resources.DATAFLOWS)};"
            " name one: talkqa features check <document.rst>"
        )
    return documents


def all_documents() -> list[Path]:
    """Every dataflow document the repository holds, in name order."""
    return sorted(resources.DATAFLOWS.glob("*.rst"))


def _spec(args: argparse.Namespace, document: Path) -> DataflowSpec:
    contracts = Contracts(args.salesforce_describe, args.crmoffice_contract)
    return load_spec(document, contracts)
