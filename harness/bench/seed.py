"""Deterministic data for the benchmark, put into the fakes through their Python API (no calls).

    counts = seed(world, 10_000)          # 10,000 Contacts, 1,000 Customers, 1,000 Product2
    edits = edit_one_percent(world)       # 1% of each object on each side, as a person would

Seeding and editing are the same function for the engine's world and the floor's twin, so both
hold the same records and send the same payloads.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.fakes.world import FakeWorld

STRIDE = 100  # one record in a hundred: the 1% edit
CRM_OFFSET = 50  # Crmoffice edits start off the Salesforce stride, so no pair is edited twice


@dataclass(frozen=True)
class SeedCounts:
    contacts: int
    customers: int
    products: int

    @property
    def total(self) -> int:
        return self.contacts + self.customers + self.products


@dataclass(frozen=True)
class EditCounts:
    """What a person changed before the incremental phase, per object and side."""

    salesforce: dict[str, int]  # Contact, Customer, Product2
    crmoffice: dict[str, int]  # contacts, companies
    crm_contact_flow: int  # Crmoffice contacts edited that belong to the Contact flow

    @property
    def total(self) -> int:
        return sum(self.salesforce.values()) + sum(self.crmoffice.values())


def seed(world: FakeWorld, records: int) -> SeedCounts:
    sf = world.salesforce
    counts = SeedCounts(records, records // 10, records // 10)
    for i in range(counts.contacts):
        sf.insert("Contact", contact_values(i))
    for i in range(counts.customers):
        party = sf.insert("Individual", {"LastName": f"Party{i}"})
        sf.insert("Customer", {"Name": f"Customer {i}", "PartyId": party})
    for i in range(counts.products):
        sf.insert("Product2", {"Name": f"Product {i}"})
    return counts


def contact_values(i: int) -> dict[str, str | None]:
    return {"FirstName": f"Ada{i}", "LastName": f"Nordmann{i}", "MobilePhone": f"+47 9{i:07d}"}


def edit_one_percent(world: FakeWorld) -> EditCounts:
    sf_counts, edited_names = _edit_salesforce(world)
    crm_counts, contact_flow = _edit_crmoffice(world, edited_names)
    return EditCounts(sf_counts, crm_counts, contact_flow)


def _edit_salesforce(world: FakeWorld) -> tuple[dict[str, int], set[str]]:
    sf = world.salesforce
    counts: dict[str, int] = {}
    edited_names: set[str] = set()
    for sobject, field in (("Contact", "FirstName"), ("Customer", "Name"), ("Product2", "Name")):
        rows = sf.records(sobject)[::STRIDE]
        for row in rows:
            sf.ui_edit(sobject, row["Id"], {field: f"{row[field]} (edited)"})
            if sobject == "Contact":
                edited_names.add(str(row["LastName"]))
        counts[sobject] = len(rows)
    return counts, edited_names


def _edit_crmoffice(world: FakeWorld, sf_edited: set[str]) -> tuple[dict[str, int], int]:
    crm = world.crmoffice
    counts = {"contacts": 0, "companies": 0}
    contact_flow = 0
    for row in crm.records("contacts")[CRM_OFFSET::STRIDE]:
        if row["familyName"] in sf_edited:
            continue  # its partner was edited in Salesforce: keep the work free of conflicts
        crm.ui_edit("contacts", row["id"], {"directPhone": f"+47 2{row['id']}"})
        counts["contacts"] += 1
        contact_flow += row["familyName"] is not None
    for row in crm.records("companies")[CRM_OFFSET::STRIDE]:
        crm.ui_edit("companies", row["id"], {"name": f"Company {row['id']} (edited)"})
        counts["companies"] += 1
    return counts, contact_flow
