"""The route table of the Salesforce fake: login hosts for logins, the instance for REST.

    routes = build_routes(org)     # [Route("login.soap", "POST", ...), Route("query", ...), ...]

Every REST route goes through one wrapper: API version check, Bearer check (401
INVALID_SESSION_ID list), the daily limit, the usage count, Bulk API 2.0 jobs due for
processing, error rendering, and the Sforce-Limit-Info header. Logins are not REST calls and
are not counted; Bulk API 2.0 calls are, one each, like any other REST call.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from harness.fakes.calls import CallKind
from harness.fakes.http import FakeRequest, FakeResponse, Route
from harness.fakes.salesforce import (
    auth,
    bulk_ingest,
    bulk_query,
    bulk_run,
    bulk_shared,
    collections,
    rest,
)
from harness.fakes.salesforce.errors import ApiError, error_response, not_found
from harness.fakes.salesforce.org import MAX_API_VERSION, MIN_API_VERSION, Org

OrgHandler = Callable[[Org, FakeRequest, "re.Match[str]"], FakeResponse]
Handler = Callable[[FakeRequest, "re.Match[str]"], FakeResponse]
BASE = r"/services/data/v(?P<version>\d+\.\d)"
SOBJECT = BASE + r"/sobjects/(?P<sobject>\w+)"
LOCATOR = r"(?P<locator>01g[A-Za-z0-9]{15})-(?P<offset>\d+)"
INGEST = BASE + r"/jobs/ingest"
INGEST_JOB = INGEST + r"/(?P<job>[A-Za-z0-9]+)"
QUERY = BASE + r"/jobs/query"
QUERY_JOB = QUERY + r"/(?P<job>[A-Za-z0-9]+)"

# name, method, path pattern, kind, handler: the order matters where patterns overlap.
REST_ROUTES: tuple[tuple[str, str, str, CallKind, OrgHandler], ...] = (
    ("sobjects.describe", "GET", BASE + r"/sobjects/?", "read", rest.describe_global),
    ("sobject.describe", "GET", SOBJECT + r"/describe/?", "read", rest.describe_sobject),
    ("sobject.updated", "GET", SOBJECT + r"/updated/?", "read", rest.updated),
    ("sobject.deleted", "GET", SOBJECT + r"/deleted/?", "read", rest.deleted),
    ("sobject.basic", "GET", SOBJECT + r"/?", "read", rest.sobject_basic),
    ("sobject.create", "POST", SOBJECT + r"/?", "write", rest.create),
    ("sobject.get", "GET", SOBJECT + r"/(?P<id>[^/]+)/?", "read", rest.get),
    ("sobject.update", "PATCH", SOBJECT + r"/(?P<id>[^/]+)/?", "write", rest.update),
    (
        "sobject.upsert",
        "PATCH",
        SOBJECT + r"/(?P<field>\w+)/(?P<value>[^/]+)/?",
        "write",
        rest.upsert,
    ),
    ("sobject.delete", "DELETE", SOBJECT + r"/(?P<id>[^/]+)/?", "write", rest.delete),
    ("query", "GET", BASE + r"/(?P<endpoint>query|queryAll)/?", "read", rest.query),
    (
        "query.more",
        "GET",
        BASE + r"/(?P<endpoint>query|queryAll)/" + LOCATOR,
        "read",
        rest.query_more,
    ),
    (
        "composite.sobjects.post",
        "POST",
        BASE + r"/composite/sobjects/?",
        "write",
        collections.composite_post,
    ),
    (
        "composite.sobjects.patch",
        "PATCH",
        BASE + r"/composite/sobjects/?",
        "write",
        collections.composite_patch,
    ),
    (
        "composite.sobjects.upsert",
        "PATCH",
        BASE + r"/composite/sobjects/(?P<sobject>\w+)/(?P<field>\w+)/?",
        "write",
        collections.composite_upsert,
    ),
    (
        "composite.sobjects.delete",
        "DELETE",
        BASE + r"/composite/sobjects/?",
        "write",
        collections.composite_delete,
    ),
    ("limits", "GET", BASE + r"/limits/?", "read", rest.limits),
    # Bulk API 2.0: one route per resource of the guide's reference; every call counts.
    ("bulk2.ingest.create", "POST", INGEST + r"/?", "write", bulk_ingest.create),
    ("bulk2.ingest.list", "GET", INGEST + r"/?", "read", bulk_shared.all_jobs("ingest")),
    ("bulk2.ingest.upload", "PUT", INGEST_JOB + r"/batches/?", "write", bulk_ingest.upload),
    (
        "bulk2.ingest.successfulResults",
        "GET",
        INGEST_JOB + r"/successfulResults/?",
        "read",
        bulk_ingest.successful,
    ),
    (
        "bulk2.ingest.failedResults",
        "GET",
        INGEST_JOB + r"/failedResults/?",
        "read",
        bulk_ingest.failed,
    ),
    (
        # The guide writes unprocessedrecords, simple-salesforce unprocessedRecords; both work.
        "bulk2.ingest.unprocessedRecords",
        "GET",
        INGEST_JOB + r"/(?i:unprocessedrecords)/?",
        "read",
        bulk_ingest.unprocessed,
    ),
    ("bulk2.ingest.get", "GET", INGEST_JOB + r"/?", "read", bulk_shared.job_info("ingest")),
    ("bulk2.ingest.state", "PATCH", INGEST_JOB + r"/?", "write", bulk_ingest.change_state),
    (
        "bulk2.ingest.delete",
        "DELETE",
        INGEST_JOB + r"/?",
        "write",
        bulk_shared.delete_job("ingest"),
    ),
    ("bulk2.query.create", "POST", QUERY + r"/?", "read", bulk_query.create),
    ("bulk2.query.list", "GET", QUERY + r"/?", "read", bulk_shared.all_jobs("query")),
    ("bulk2.query.results", "GET", QUERY_JOB + r"/results/?", "read", bulk_query.results),
    ("bulk2.query.get", "GET", QUERY_JOB + r"/?", "read", bulk_shared.job_info("query")),
    ("bulk2.query.abort", "PATCH", QUERY_JOB + r"/?", "write", bulk_query.abort),
    ("bulk2.query.delete", "DELETE", QUERY_JOB + r"/?", "write", bulk_shared.delete_job("query")),
)


def build_routes(org: Org) -> list[Route]:
    login_hosts = org.settings.login_hosts
    instance = (org.settings.instance_url,)
    routes = [
        Route(
            "login.soap",
            "POST",
            r"/services/Soap/u/(?P<version>\d+\.\d)/?",
            "read",
            _locked(org, _soap),
            login_hosts,
        ),
        Route(
            "oauth.token",
            "POST",
            r"/services/oauth2/token/?",
            "read",
            _locked(org, auth.oauth_token_handler),
            login_hosts + instance,
        ),
    ]
    routes += [
        Route(name, method, pattern, kind, rest_handler(org, handler), instance)
        for name, method, pattern, kind, handler in REST_ROUTES
    ]
    return routes


def _soap(org: Org, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
    return auth.soap_login(org, request, match["version"])


def _locked(org: Org, handler: OrgHandler) -> Handler:
    def locked(request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        with org.lock:
            return handler(org, request, match)

    return locked


def rest_handler(org: Org, handler: OrgHandler) -> Handler:
    def wrapped(request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        with org.lock:
            try:
                _admit(org, request, match["version"])
            except ApiError as error:
                return error_response(error)
            try:
                bulk_run.catch_up(org)  # Bulk API 2.0 jobs whose processing time has come
                response = handler(org, request, match)
            except ApiError as error:
                response = error_response(error)
            response.headers.update(org.limit_info())
            return response

    return wrapped


def _admit(org: Org, request: FakeRequest, version: str) -> None:
    """What happens before a REST call does anything: version, session, limit, then counting."""
    if not MIN_API_VERSION <= float(version) <= MAX_API_VERSION:
        raise not_found()
    org.authenticate(request.header("Authorization"))
    if org.api_usage >= org.settings.daily_api_limit:
        raise ApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    org.api_usage += 1
