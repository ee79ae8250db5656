"""A stateful fake of the Salesforce REST API, SOAP login and OAuth token endpoint.

    sf = FakeSalesforce(FakeClock())
    with responses.RequestsMock() as rsps: mount(rsps, sf)   # simple-salesforce, unmodified

Modules: ids (ids and checksums), metadata (describe fixtures), values (datetime format),
validation, store, soql (parser), query (evaluation), auth (logins), rest and collections
(handlers), routes (the table and REST wrapper), org (shared state), fake (the facade).
Bulk API 2.0: bulk_jobs (jobs, states, schedule), bulk_run (moves), bulk_ingest, bulk_query
and bulk_shared (handlers), bulk_rows and bulk_extract (processing), bulk_values, bulk_csv,
bulk_body and bulk_info (formats).
"""

from __future__ import annotations

from harness.fakes.salesforce.fake import FakeSalesforce

__all__ = ["FakeSalesforce"]
