"""`talkqa sweep`: delete what earlier sandbox runs left behind (crashed or killed runs).

    talkqa sweep --older-than 2h --dry-run    # list tagged records and ledger entries
    talkqa sweep --older-than 2h              # delete them; exit 1 if some could not be

Only records older than --older-than are touched, so a run in progress keeps its data. The same
production guard as the checklist runs first.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.qa.clients import CrmofficeQaClient
from harness.sandbox.cleanup import Account, delete_entries, find_leftovers
from harness.sandbox.config import AUTH_KINDS, environ_with_dotenv
from harness.sandbox.ledger import Entry, new_run_id
from harness.targets import SandboxTarget
from harness.targets.connect import sandbox_target

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add `talkqa sweep`; it sets args.run."""
    parser = subparsers.add_parser(
        "sweep", help="delete records earlier sandbox runs left behind (tagged or in the ledger)"
    )
    parser.add_argument(
        "--older-than",
        required=True,
        type=parse_age,
        metavar="AGE",
        help="only records created this long ago or earlier: 90s, 30m, 2h, 1d",
    )
    parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")
    parser.add_argument("--sf-auth", choices=AUTH_KINDS, default=None)
    parser.add_argument("--min-remaining", type=int, default=None, metavar="N")
    parser.set_defaults(run=run)


def parse_age(text: str) -> timedelta:
    found = re.fullmatch(r"(\d+)([smhd])", text.strip())
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age like 90s, 30m, 2h or 1d")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def run(args: argparse.Namespace) -> int:
    target = sandbox_target(
        environ_with_dotenv(),
        run_id=new_run_id(),
        sf_auth=args.sf_auth,
        min_remaining=args.min_remaining,
        cleanup=False,
    )
    with target:
        return _sweep(target, datetime.now(UTC) - args.older_than, dry_run=args.dry_run)


def _sweep(target: SandboxTarget, cutoff: datetime, *, dry_run: bool) -> int:
    salesforce = target.salesforce_client(record=False)
    crmoffice = CrmofficeQaClient(target.crmoffice_settings(), session=target.new_session())
    org = target.org.org_id if target.org else ""
    account = Account(org, target.crmoffice_settings().base_url)
    found = find_leftovers(salesforce, crmoffice, target.ledger, cutoff, account)
    verb = "would delete" if dry_run else "deleting"
    print(f"{verb} {len(found.delete)} records created before {cutoff:%Y-%m-%d %H:%M:%S}Z")
    for entry in found.delete:
        print(f"  {entry.describe()}")
    if found.leave:
        print(f"leaving {len(found.leave)} records this configuration may not delete:")
        for entry, why in found.leave:
            print(f"  {entry.describe()}: {why}")
    if dry_run or not found.delete:
        return 0
    left = delete_entries(found.delete, salesforce, crmoffice, target.ledger)
    return _report(left)


def _report(left: list[Entry]) -> int:
    if not left:
        print("done: nothing left")
        return 0
    print(f"{len(left)} records could not be deleted (they stay in the ledger):")
    for entry in left:
        print(f"  {entry.describe()}")
    return 1
