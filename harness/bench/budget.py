"""The fewest API calls the two APIs allow for each phase's work, worked out from the work alone.

    minimum = phase_minimums(seed_counts, edit_counts)["initial"]
    minimum["salesforce"]["read"]   # login + query pages; never looks at what the engine did

Rules (issue 8): a Salesforce query page holds 2,000 records and every object costs at least one
page per cycle, even when nothing changed; a Crmoffice list page holds 1,000 (its maximum
`limit`); Salesforce writes go 200 to a Collections call; Crmoffice has no batch endpoint, so one
call per record created or updated. A login (Salesforce SOAP/OAuth) and a Crmoffice token count
as one read each, once per process: in the initial phase, where the engine first needs them.

A phase is its sync cycle plus the cycle that reads back the phase's own writes: neither API can
leave out records the integration itself changed (SOQL on SystemModstamp, `updatedSince`), so
that read-back is part of the work's minimum, and the next phase starts clean.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import ceil

from harness.bench.seed import EditCounts, SeedCounts

SF_PAGE = 2000
CRM_PAGE = 1000
SF_BATCH = 200
SF_OBJECTS = ("Customer", "Product2", "Contact")
CRM_TYPES = ("contacts", "companies")

Calls = dict[str, dict[str, int]]


def pages(records: int, page: int) -> int:
    return max(1, ceil(records / page))


def cycle_reads(sf: Mapping[str, int], crm: Mapping[str, int]) -> tuple[int, int]:
    """Query pages for the records each object must read in one cycle (0 for an absent one)."""
    sf_pages = sum(pages(sf.get(obj, 0), SF_PAGE) for obj in SF_OBJECTS)
    crm_pages = sum(pages(crm.get(name, 0), CRM_PAGE) for name in CRM_TYPES)
    return sf_pages, crm_pages


def _calls(sf_read: int, sf_write: int, crm_read: int, crm_write: int) -> Calls:
    return {
        "salesforce": {"read": sf_read, "write": sf_write},
        "crmoffice": {"read": crm_read, "write": crm_write},
    }


def initial_minimum(seed: SeedCounts) -> Calls:
    sync_sf, sync_crm = cycle_reads(
        {"Contact": seed.contacts, "Customer": seed.customers, "Product2": seed.products}, {}
    )
    created = {"contacts": seed.contacts + seed.customers, "companies": seed.products}
    back_sf, back_crm = cycle_reads({}, created)
    login = 1
    return _calls(login + sync_sf + back_sf, 0, login + sync_crm + back_crm, seed.total)


def incremental_minimum(edits: EditCounts) -> Calls:
    sync_sf, sync_crm = cycle_reads(edits.salesforce, edits.crmoffice)
    to_crm = edits.salesforce.get("Contact", 0)  # only the Contact flow maps properties
    to_sf = edits.crm_contact_flow
    back_sf, back_crm = cycle_reads({"Contact": to_sf}, {"contacts": to_crm})
    return _calls(sync_sf + back_sf, ceil(to_sf / SF_BATCH), sync_crm + back_crm, to_crm)


def quiet_minimum() -> Calls:
    sf_read, crm_read = cycle_reads({}, {})
    return _calls(sf_read, 0, crm_read, 0)


def phase_minimums(seed: SeedCounts, edits: EditCounts) -> dict[str, Calls]:
    return {
        "initial": initial_minimum(seed),
        "incremental": incremental_minimum(edits),
        "quiet": quiet_minimum(),
    }


def ratio(calls: int, minimum: int) -> float:
    """calls / minimum; 1.0 when both are 0 (nothing needed, nothing spent)."""
    if minimum == 0:
        return 1.0 if calls == 0 else float("inf")
    return calls / minimum
