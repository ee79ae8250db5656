"""Delete what a sandbox run made: a scenario's records at teardown, older runs' by `sweep`.

    left = delete_entries(recorder.entries, sf, crm, ledger)   # [] when everything is gone
    stale = find_leftovers(sf, ledger, cutoff)                 # what `talkqa sweep` would delete

A record already gone (the scenario deleted it, or a person did) counts as deleted. Each delete
is written to the ledger, so a sweep after a crash does only what is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from harness.errors import NotFoundError, TalkQAError
from harness.qa.clients import CrmofficeQaClient, SalesforceQaClient
from harness.sandbox.ledger import Entry, RunLedger
from harness.sandbox.tagging import SWEEP_ORDER, run_of, tagged_soql


def delete_entries(entries: Sequence[Entry], salesforce: SalesforceQaClient,
                   crmoffice: CrmofficeQaClient, ledger: RunLedger) -> list[Entry]:
    """Delete newest first (a Customer before the Individual it points at); return failures."""
    left: list[Entry] = []
    for entry in sorted(entries, key=_deletion_rank):
        try:
            _delete(entry, salesforce, crmoffice)
        except NotFoundError:
            pass  # already gone: the goal is met
        except TalkQAError:
            left.append(entry)
            continue
        ledger.deleted(entry)
    return left


def _deletion_rank(entry: Entry) -> tuple[int, float]:
    order = SWEEP_ORDER.index(entry.type_name) if entry.type_name in SWEEP_ORDER else 0
    return (order, -entry.at.timestamp())


def _delete(entry: Entry, salesforce: SalesforceQaClient, crmoffice: CrmofficeQaClient) -> None:
    if entry.system == "salesforce":
        salesforce.delete(entry.type_name, entry.record_id)
    else:
        crmoffice.delete(entry.type_name, int(entry.record_id))


def still_in_salesforce(entries: Sequence[Entry], salesforce: SalesforceQaClient) -> list[str]:
    """Ids of these Salesforce records a query still returns (one query per object)."""
    found: list[str] = []
    by_object: dict[str, list[str]] = {}
    for entry in entries:
        if entry.system == "salesforce":
            by_object.setdefault(entry.type_name, []).append(entry.record_id)
    for object_name, ids in by_object.items():
        rows = salesforce.query(f"SELECT Id FROM {object_name} WHERE Id IN {{ids}}", ids=ids)
        found += [str(row["Id"]) for row in rows]
    return found


def find_leftovers(salesforce: SalesforceQaClient, ledger: RunLedger,
                   cutoff: datetime) -> list[Entry]:
    """Tagged Salesforce records and ledger entries created before cutoff, without repeats."""
    found = {entry.key: entry for entry in ledger.pending() if entry.at < cutoff}
    for object_name in SWEEP_ORDER:
        for row in salesforce.query(tagged_soql(object_name), cutoff=cutoff):
            entry = Entry(run_of(object_name, row), "salesforce", object_name, str(row["Id"]),
                          _salesforce_time(str(row["CreatedDate"])))
            found.setdefault(entry.key, entry)
    return sorted(found.values(), key=lambda e: e.at)


def _salesforce_time(value: str) -> datetime:
    # Salesforce writes 2026-01-05T09:00:00.000+0000; fromisoformat wants +00:00.
    if len(value) > 5 and value[-5] in "+-" and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]
    return datetime.fromisoformat(value)
