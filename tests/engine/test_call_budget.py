"""Call budgets at 10,000 Contacts, through the real connectors and fakes: REST only, and the
engine as shipped (Bulk API 2.0 above flows.toml's bulk_threshold)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness.engine import load_mapping
from harness.links import Link

from .world_rig import WorldRig, world_rig

N = 10_000
# The read: Customer and Product2 (empty) one query page each; Contact 10,000.
REST_READ = {"query": 3, "query.more": 4}  # Contact: 1 + 4 more pages of 2,000
# Contact: the first page says 10,000 (> 2,000), so one queryAll job reads the other 8,000.
BULK_READ = {"query": 3, "bulk2.query.create": 1, "bulk2.query.get": 2, "bulk2.query.results": 1}
REST_WRITE = {"composite.sobjects.patch": 50}  # 200 a Collections call
# One update job: create, upload, close; its two polls are reads; no row failed.
BULK_WRITE = {"bulk2.ingest.create": 1, "bulk2.ingest.upload": 1, "bulk2.ingest.state": 1}


@pytest.mark.parametrize(
    ("api", "reads", "writes"),
    [("rest", REST_READ, REST_WRITE), ("bulk", BULK_READ, BULK_WRITE)],
)
def test_ten_thousand_contacts_read_and_written_back(
    tmp_path: Path, api: str, reads: dict[str, int], writes: dict[str, int]
) -> None:
    with world_rig(tmp_path) as w:
        mapping = load_mapping()
        engine = w.engine(mapping.rest_only() if api == "rest" else mapping)
        engine.store.add_links(_linked_contacts(w))  # linked before the engine starts

        started = time.perf_counter()
        read = engine.run_cycle()
        read_seconds = time.perf_counter() - started
        assert read.writes() == 0 and read.flows["contact"].unchanged == N
        assert _reads(engine.salesforce.calls.by_endpoint) == reads

        w.later()
        for row in w.crm.records("contacts"):
            w.crm.ui_edit("contacts", row["id"], {"directPhone": f"+47 {row['id']}"})
        before = dict(engine.salesforce.calls.by_endpoint)
        started = time.perf_counter()
        write = engine.run_cycle()
        write_seconds = time.perf_counter() - started
        assert write.flows["contact"].updated_salesforce == N
        assert _writes(engine.salesforce.calls.by_endpoint, before) == writes
        assert write.api_calls["salesforce"]["write"] == sum(writes.values())
        assert all(row["Phone"].startswith("+47 ") for row in w.sf.records("Contact"))
        print(
            f"\n{api}: read {N}: {read.api_calls} in {read_seconds:.1f}s; "
            f"write-back {N}: {write.api_calls} in {write_seconds:.1f}s"
        )


def _linked_contacts(w: WorldRig) -> list[Link]:
    """N Contacts and their N Crmoffice partners, linked: a migrated state."""
    links = []
    for i in range(N):
        values = {"FirstName": f"F{i}", "LastName": f"L{i}"}
        sf_id = w.sf.insert("Contact", values)
        crm_id = w.crm.insert("contacts", {"givenName": f"F{i}", "familyName": f"L{i}"})
        links.append(
            Link(
                "contact",
                f"salesforce-contact:{sf_id}",
                f"crmoffice-contacts:{crm_id}",
                w.clock.now(),
                {**values, "MobilePhone": None, "Phone": None},
            )
        )
    return links


def _reads(by_endpoint: dict[str, int]) -> dict[str, int]:
    return {name: n for name, n in by_endpoint.items() if name != "login"}


def _writes(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    kinds = ("composite.", "bulk2.ingest.create", "bulk2.ingest.upload", "bulk2.ingest.state")
    return {
        name: n - before.get(name, 0)
        for name, n in after.items()
        if name.startswith(kinds) and n > before.get(name, 0)
    }
