"""Delete what a sandbox run made: a scenario's records at teardown, older runs' by `sweep`.

    left = delete_entries(recorder.entries, sf, crm, ledger)   # [] when everything is gone
    stale = find_leftovers(sf, crm, ledger, cutoff, account)   # what `talkqa sweep` would do

A record already gone (the scenario deleted it, or a person did) counts as deleted. Each delete
is written to the ledger, so a sweep after a crash does only what is left. Sweep deletes only
what this configuration's own org and account got from this harness and nobody changed since:
anything else is listed with the reason and left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from harness.errors import NotFoundError, TalkQAError
from harness.qa.clients import CrmofficeQaClient, SalesforceQaClient
from harness.sandbox.ledger import Entry, RunLedger, fingerprint
from harness.sandbox.tagging import SUFFIX_FIELDS, SWEEP_ORDER, TAG_FIELDS, run_of, tagged_soql


def delete_entries(
    entries: Sequence[Entry],
    salesforce: SalesforceQaClient,
    crmoffice: CrmofficeQaClient,
    ledger: RunLedger,
) -> list[Entry]:
    """Delete newest first (a Customer before the Individual it points at); return failures.
    Salesforce records of one object go 200 to a call (sObject Collections), so a scenario
    that made 2,001 records costs 11 deletes, not 2,001."""
    left: list[Entry] = []
    for group in _groups(sorted(entries, key=_deletion_rank)):
        if len(group) > 1 and group[0].system == "salesforce":
            left += _delete_salesforce_group(group, salesforce, ledger)
            continue
        for entry in group:
            try:
                _delete(entry, salesforce, crmoffice)
            except NotFoundError:
                pass  # already gone: the goal is met
            except TalkQAError:
                left.append(entry)
                continue
            ledger.deleted(entry)
    return left


# Collections DELETE answers these for a record that is already gone: the goal is met.
_GONE = frozenset({"ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY"})


def _groups(entries: Sequence[Entry]) -> list[list[Entry]]:
    """Runs of one system and object, in deletion order (the order between objects matters)."""
    groups: list[list[Entry]] = []
    for entry in entries:
        if groups and (groups[-1][0].system, groups[-1][0].type_name) == (
            entry.system,
            entry.type_name,
        ):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def _delete_salesforce_group(
    group: list[Entry], salesforce: SalesforceQaClient, ledger: RunLedger
) -> list[Entry]:
    try:
        outcome = salesforce.delete_many([e.record_id for e in group])
    except TalkQAError:
        return list(group)
    left = []
    for entry in group:
        if outcome.get(entry.record_id) in ("", *_GONE):
            ledger.deleted(entry)
        else:
            left.append(entry)
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


@dataclass(frozen=True)
class Account:
    """Whose records this configuration may delete: its org and its Crmoffice account."""

    salesforce_org: str
    crm_base_url: str

    def owns(self, entry: Entry) -> bool:
        mine = self.salesforce_org if entry.system == "salesforce" else self.crm_base_url
        return bool(entry.account) and entry.account == mine.rstrip("/")


@dataclass
class Leftovers:
    delete: list[Entry] = field(default_factory=list)
    leave: list[tuple[Entry, str]] = field(default_factory=list)  # with the reason


def find_leftovers(
    salesforce: SalesforceQaClient,
    crmoffice: CrmofficeQaClient,
    ledger: RunLedger,
    cutoff: datetime,
    account: Account,
) -> Leftovers:
    """Tagged Salesforce records and this account's ledger entries created before cutoff."""
    found = Leftovers()
    seen: set[tuple[str, str, str]] = set()
    for entry in ledger.pending():
        if entry.at >= cutoff:
            continue
        seen.add(entry.key)
        why = _why_not_ours(entry, account) or _why_changed(entry, salesforce, crmoffice)
        if why:
            found.leave.append((entry, why))
        else:
            found.delete.append(entry)
    for object_name in SWEEP_ORDER:
        for row in salesforce.query(tagged_soql(object_name), cutoff=cutoff):
            entry = Entry(
                run_of(object_name, row),
                "salesforce",
                object_name,
                str(row["Id"]),
                _salesforce_time(str(row["CreatedDate"])),
                account.salesforce_org,
            )
            if entry.key not in seen:
                seen.add(entry.key)
                found.delete.append(entry)
    found.delete.sort(key=lambda e: e.at)
    return found


def _why_not_ours(entry: Entry, account: Account) -> str:
    if account.owns(entry):
        return ""
    if not entry.account:
        return "recorded without its org or account (an older talkqa): check it by hand"
    return f"recorded for another account ({entry.account}), not this configuration's"


def _why_changed(entry: Entry, salesforce: SalesforceQaClient, crmoffice: CrmofficeQaClient) -> str:
    """Why the record is no longer what this harness made ("" when it is, or is gone)."""
    try:
        if entry.system == "crmoffice":
            now = crmoffice.get(entry.type_name, int(entry.record_id))
            if fingerprint(now) != entry.fingerprint:
                return "changed since this harness last wrote it"
            return ""
        field_name = TAG_FIELDS.get(entry.type_name) or SUFFIX_FIELDS[entry.type_name]
        row = salesforce.get(entry.type_name, entry.record_id)
        if run_of(entry.type_name, {field_name: row.get(field_name)}) != entry.run_id:
            return f"no longer carries the run tag {entry.run_id} in {field_name}"
    except NotFoundError:
        return ""  # already gone: deleting it again is a no-op the ledger records
    return ""


def _salesforce_time(value: str) -> datetime:
    # Salesforce writes 2026-01-05T09:00:00.000+0000; fromisoformat wants +00:00.
    if len(value) > 5 and value[-5] in "+-" and value[-3] != ":":
        value = value[:-2] + ":" + value[-2:]
    return datetime.fromisoformat(value)
