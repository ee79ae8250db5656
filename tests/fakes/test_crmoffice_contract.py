"""FakeCrmoffice honours fixtures/crmoffice-openapi.yaml: schemathesis sends generated cases.

.venv/bin/pytest tests/fakes/test_crmoffice_contract.py -q
# each case goes through responses + mount into the fake, then every default check runs
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation

from harness.clock import FakeClock
from harness.fakes.crmoffice import FakeCrmoffice
from harness.fakes.crmoffice.store import Record, Table
from harness.fakes.http import _responses_callback, mount

CONTRACT = Path(__file__).resolve().parents[2] / "fixtures" / "crmoffice-openapi.yaml"
API = "https://api.crmoffice.test"
IDENTITY = "https://identity.crmoffice.test"
SECRET = "crm-contract-secret"
SCHEMA = schemathesis.openapi.from_path(CONTRACT)
# mount() registers the methods a client sends; schemathesis also probes these to expect a 405.
PROBE_METHODS = ("OPTIONS", "TRACE", "QUERY")


def mount_with_probes(rsps: responses.RequestsMock, crm: FakeCrmoffice) -> None:
    mount(rsps, crm)
    for host in crm.hosts:
        pattern = re.compile("^" + re.escape(host) + r"(/[^?#]*)?(\?.*)?$")
        for method in PROBE_METHODS:
            rsps.add_callback(method, pattern, callback=_responses_callback(crm))


class ContractWorld:
    """A fresh fake with a few records, mounted, and a valid bearer token."""

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.crm = FakeCrmoffice(FakeClock(), client_secret=SECRET)
        mount_with_probes(rsps, self.crm)
        self.ids = {
            name: [self.crm.insert(name, {}) for _ in range(3)]
            for name in ("contacts", "companies")
        }
        self.crm.ui_delete("contacts", self.ids["contacts"][2])  # a 404 that once existed
        self.session = requests.Session()
        grant = self.session.post(
            f"{IDENTITY}/connect/token",
            timeout=5,
            data={
                "grant_type": "client_credentials",
                "client_id": "talkqa",
                "client_secret": SECRET,
            },
        ).json()
        self.token, self.refresh_token = grant["access_token"], grant["refresh_token"]
        self.cursor = self.session.get(
            f"{API}/contacts",
            params={"limit": 1},
            timeout=5,
            headers={"Authorization": f"Bearer {self.token}"},
        ).json()["nextCursor"]

    def send(self, case: Any) -> None:
        """Steer a generated case to data that exists, then deliver it."""
        self._steer(case)
        self.deliver(case)

    def deliver(self, case: Any) -> None:
        """Send the case through responses into the fake and run schemathesis' checks."""
        if case.path == "/connect/token":
            case.call_and_validate(base_url=IDENTITY, session=self.session)
            return
        headers = (
            {}
            if _negative(case, ParameterLocation.HEADER)
            else {"Authorization": f"Bearer {self.token}"}
        )
        case.call_and_validate(base_url=API, session=self.session, headers=headers)

    def _steer(self, case: Any) -> None:
        """Semantic values no schema can express are replaced with ones the fake issued.

        A cursor or refresh token must come from an earlier answer, and random record ids
        almost never exist; the 400/404 paths for made-up values are in test_crmoffice_api.py.
        Negative parts of a case are left alone: they must reach the fake as generated.
        """
        resource = case.path.split("/")[1]
        record_id = (case.path_parameters or {}).get("id")
        if (
            isinstance(record_id, int)
            and record_id % 4 != 0
            and resource in self.ids
            and not _negative(case, ParameterLocation.PATH)
        ):
            case.path_parameters["id"] = self.ids[resource][record_id % 3]
        if (
            isinstance(case.query, dict)
            and "cursor" in case.query
            and not _negative(case, ParameterLocation.QUERY)
        ):
            case.query["cursor"] = self.cursor
        if (
            case.path != "/connect/token"
            or not isinstance(case.body, dict)
            or _negative(case, ParameterLocation.BODY)
        ):
            return
        if "refresh_token" in case.body:
            case.body["refresh_token"] = self.refresh_token
        if len(str(case.body)) % 2:  # half of them with the right client, half with any
            case.body.update(client_id="talkqa", client_secret=SECRET)


def _negative(case: Any, location: ParameterLocation) -> bool:
    return case.meta is not None and bool(case.meta.is_negative_at(location))


@pytest.fixture
def crm_contract_world() -> Iterator[ContractWorld]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield ContractWorld(rsps)


@SCHEMA.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_crmoffice_fake_honours_its_contract(case: Any, crm_contract_world: ContractWorld) -> None:
    crm_contract_world.send(case)


@pytest.mark.parametrize(
    ("sabotage", "expected"),
    [
        ({"id": "100001"}, "Response violates schema"),  # a numeric id rendered as a string
        ({"nickname": "Ada"}, "Response violates schema"),  # a property the contract lacks
        ({"updatedAt": "2026-01-05 09:00:00"}, "Response violates schema"),  # not RFC 3339
    ],
)
def test_the_contract_check_catches_a_wrong_response(
    crm_contract_world: ContractWorld,
    monkeypatch: pytest.MonkeyPatch,
    sabotage: dict[str, Any],
    expected: str,
) -> None:
    """The contract test is only worth something if a fake that breaks the contract fails it."""
    honest_render = Table.render

    def wrong_render(table: Table, record: Record) -> dict[str, Any]:
        return {**honest_render(table, record), **sabotage}

    monkeypatch.setattr(Table, "render", wrong_render)
    operation = SCHEMA["/contacts/{id}"]["GET"]
    case = operation.Case(path_parameters={"id": crm_contract_world.ids["contacts"][0]})
    with pytest.raises(FailureGroup) as failure:
        crm_contract_world.deliver(case)
    assert expected in repr(failure.value.exceptions)


def test_the_same_case_passes_against_the_honest_fake(crm_contract_world: ContractWorld) -> None:
    case = SCHEMA["/contacts/{id}"]["GET"].Case(
        path_parameters={"id": crm_contract_world.ids["contacts"][0]}
    )
    crm_contract_world.deliver(case)  # no FailureGroup: the sabotage above is what fails
