"""The `talkqa` command.

    talkqa features check fixtures/dataflows/salesforce-to-crmoffice.rst
    talkqa sync --target mock --once

Each area of the harness registers its own subcommands (a module with
`register(subparsers)`); this module only wires them up and turns a TalkQAError into one
readable line and an exit code a script can act on (2: the user's input, 1: a failure).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from harness.errors import TalkQAError

COMMAND_MODULES = (
    "harness.commands.fakes",
    "harness.checklist.commands",
    "harness.commands.sync",
    "harness.qa.commands",
    "harness.commands.sandbox",
    "harness.reliability.commands",
    "harness.bench.commands",
    "harness.fidelity.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talkqa", description="QA checklist harness for Sesam Talk data flows."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except TalkQAError as error:
        print(f"talkqa: {_masked(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("talkqa: interrupted", file=sys.stderr)
        return 130


def _masked(message: str) -> str:
    """No credential of this configuration reaches the terminal, even in an error message."""
    from harness.redact import Redactor, secrets_in_environment
    from harness.sandbox.config import environ_with_dotenv

    try:
        secrets = secrets_in_environment(environ_with_dotenv())
    except TalkQAError:  # a broken .env file: mask what the process environment holds
        secrets = secrets_in_environment(os.environ)
    return Redactor(secrets).text(message)


if __name__ == "__main__":
    sys.exit(main())
