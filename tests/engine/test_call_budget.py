"""Call budgets at 10,000 Contacts, through the real connectors and fakes."""

from __future__ import annotations

import time
from pathlib import Path

from harness.links import Link

from .world_rig import world_rig

N = 10_000


def test_ten_thousand_contacts_read_in_5_queries_and_write_back_in_50_calls(
    tmp_path: Path,
) -> None:
    with world_rig(tmp_path) as w:
        engine = w.engine()
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
        engine.store.add_links(links)  # linked before the engine starts: a migrated state

        started = time.perf_counter()
        read = engine.run_cycle()
        read_seconds = time.perf_counter() - started
        by_endpoint = dict(engine.salesforce.calls.by_endpoint)
        assert read.writes() == 0 and read.flows["contact"].unchanged == N
        # One first page each for Customer and Product2 (empty); Contact: 1 + 4 more pages.
        assert (by_endpoint["query"], by_endpoint["query.more"]) == (3, 4), by_endpoint

        w.later()
        for row in w.crm.records("contacts"):
            w.crm.ui_edit("contacts", row["id"], {"directPhone": f"+47 {row['id']}"})
        mark = w.sf.calls.mark()
        started = time.perf_counter()
        write = engine.run_cycle()
        write_seconds = time.perf_counter() - started
        collections = [c for c in w.sf.calls.since(mark) if c.kind == "write"]
        assert len(collections) == 50 and write.api_calls["salesforce"]["write"] == 50
        assert write.flows["contact"].updated_salesforce == N
        print(
            f"\nread {N}: {read.api_calls} in {read_seconds:.1f}s; "
            f"write-back {N}: {write.api_calls} in {write_seconds:.1f}s"
        )
