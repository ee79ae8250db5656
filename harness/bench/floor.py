"""The HTTP floor: the minimum calls of each phase, sent straight to the fakes with no engine.

    floor = Floor(world); floor.login(); items = floor.crm_list("contacts", since=None)
    seconds = run_floor_phases(world, edit)["initial"].wall_s

Same path as the engine (a requests.Session behind `responses`, the same SOQL, page sizes and
bodies), none of its work (no store, no merge, no retries). A twin world, seeded the same way,
takes the floor's writes, so the engine's world never sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

import requests

from harness.bench.budget import CRM_PAGE, SF_BATCH
from harness.bench.engine_run import CYCLE_GAP_SECONDS, Calls, settle_garbage
from harness.bench.timing import Stopwatch
from harness.connectors.crmoffice_records import wire_timestamp
from harness.connectors.salesforce import changed_since_soql
from harness.engine.mapping import property_map
from harness.fakes.world import (
    FAKE_CRM_CLIENT_ID,
    FAKE_CRM_CLIENT_SECRET,
    FakeWorld,
)

Json = dict[str, Any]
CONTACT_FIELDS = property_map("contact")  # the floor sends what the engine's mapping syncs
SF_READS = {"Customer": [], "Product2": [], "Contact": list(CONTACT_FIELDS)}


@dataclass
class FloorPhase:
    time: Stopwatch = field(default_factory=Stopwatch)
    calls: Calls = field(default_factory=dict)


@dataclass
class _Cycle:
    """One cycle's reads, and the time its next cycle reads from."""

    since: datetime
    salesforce: dict[str, list[Json]]
    crmoffice: dict[str, list[Json]]


class Floor:
    """Raw HTTP calls to the fakes, counted per system and kind."""

    def __init__(self, world: FakeWorld) -> None:
        self.world = world
        self.session = requests.Session()
        self.calls: Calls = {s: {"read": 0, "write": 0} for s in ("salesforce", "crmoffice")}
        self._sf_base = self._sf_instance = ""
        self._sf_headers: dict[str, str] = {}
        self._crm_headers: dict[str, str] = {}
        self.crm_of_sf: dict[str, int] = {}  # Contact id -> Crmoffice contact id
        self.sf_of_crm: dict[int, str] = {}

    def _count(self, system: str, kind: str) -> None:
        self.calls[system][kind] += 1

    def login(self) -> None:
        version = self.world.salesforce_settings().api_version
        session_id, instance = self.world.soap_login(self.session, version)
        self._count("salesforce", "read")
        self._sf_instance = f"https://{instance}"
        self._sf_base = f"{self._sf_instance}/services/data/v{version}/"
        self._sf_headers = {"Authorization": f"Bearer {session_id}"}
        settings = self.world.crmoffice_settings()
        form = {
            "grant_type": "client_credentials",
            "scope": settings.scope,
            "client_id": FAKE_CRM_CLIENT_ID,
            "client_secret": FAKE_CRM_CLIENT_SECRET,
        }
        token = self.session.post(settings.token_url, data=form).json()["access_token"]
        self._count("crmoffice", "read")
        self._crm_headers = {"Authorization": f"Bearer {token}"}

    def sf_query(self, sobject: str, since: datetime | None) -> list[Json]:
        soql = changed_since_soql(sobject, SF_READS[sobject], since)
        body = self._sf_get(f"{self._sf_base}queryAll/", {"q": soql})
        records: list[Json] = body["records"]
        while not body["done"]:
            body = self._sf_get(self._sf_instance + body["nextRecordsUrl"], None)
            records += body["records"]
        return records

    def _sf_get(self, url: str, params: dict[str, str] | None) -> Json:
        self._count("salesforce", "read")
        result: Json = self.session.get(url, params=params, headers=self._sf_headers).json()
        return result

    def sf_update(self, sobject: str, updates: list[Json]) -> None:
        for start in range(0, len(updates), SF_BATCH):
            batch = updates[start : start + SF_BATCH]
            chunk = [{"attributes": {"type": sobject}, **u} for u in batch]
            self._count("salesforce", "write")
            self.session.patch(
                f"{self._sf_base}composite/sobjects",
                headers=self._sf_headers,
                json={"allOrNone": False, "records": chunk},
            )

    def crm_list(self, type_name: str, since: datetime | None) -> list[Json]:
        params = {"limit": str(CRM_PAGE), "includeDeleted": "true"}
        if since is not None:
            params["updatedSince"] = wire_timestamp(since)
        items: list[Json] = []
        while True:
            self._count("crmoffice", "read")
            body = self.session.get(
                self._crm_url(type_name), params=params, headers=self._crm_headers
            ).json()
            items += body["items"]
            if body["nextCursor"] is None:
                return items
            params = {**params, "cursor": body["nextCursor"]}

    def crm_create(self, type_name: str, payload: Json) -> int:
        self._count("crmoffice", "write")
        headers = {**self._crm_headers, "Idempotency-Key": f"floor:{uuid4().hex}"}
        answer = self.session.post(self._crm_url(type_name), json=payload, headers=headers)
        return int(answer.json()["id"])

    def crm_update(self, type_name: str, record_id: int, values: Json) -> None:
        self._count("crmoffice", "write")
        self.session.patch(
            f"{self._crm_url(type_name)}/{record_id}", json=values, headers=self._crm_headers
        )

    def _crm_url(self, type_name: str) -> str:
        return f"{self.world.crmoffice.base_url}/{type_name}"

    def read_cycle(self, since: datetime | None) -> _Cycle:
        start = self.world.clock.now()
        salesforce = {obj: self.sf_query(obj, since) for obj in SF_READS}
        crmoffice = {name: self.crm_list(name, since) for name in ("contacts", "companies")}
        return _Cycle(start, salesforce, crmoffice)


def _insert_all(floor: Floor, cycle: _Cycle) -> None:
    for _ in cycle.salesforce["Customer"]:
        floor.crm_create("contacts", {})
    for _ in cycle.salesforce["Product2"]:
        floor.crm_create("companies", {})
    for record in cycle.salesforce["Contact"]:
        payload = {crm: record[sf] for sf, crm in CONTACT_FIELDS.items() if record[sf]}
        crm_id = floor.crm_create("contacts", payload)
        floor.crm_of_sf[record["Id"]] = crm_id
        floor.sf_of_crm[crm_id] = record["Id"]


def _write_edits(floor: Floor, cycle: _Cycle) -> None:
    to_sf = [
        {"id": floor.sf_of_crm[item["id"]], "Phone": item["directPhone"]}
        for item in cycle.crmoffice["contacts"]
        if item["id"] in floor.sf_of_crm
    ]
    floor.sf_update("Contact", to_sf)
    for record in cycle.salesforce["Contact"]:
        floor.crm_update(
            "contacts", floor.crm_of_sf[record["Id"]], {"givenName": record["FirstName"]}
        )


def run_floor_phases(
    world: FakeWorld, edit: Callable[[FakeWorld], object]
) -> dict[str, FloorPhase]:
    """The floor of all three phases on a seeded, activated twin world."""
    floor = Floor(world)
    initial, incremental, quiet = FloorPhase(), FloorPhase(), FloorPhase()
    marks = _snapshot(floor)
    settle_garbage()
    with initial.time.running():
        floor.login()
    since = _timed_phase(floor, initial, None, _insert_all)
    initial.calls = _diff(marks, floor)
    edit(world)
    world.clock.advance(seconds=CYCLE_GAP_SECONDS)
    marks = _snapshot(floor)
    settle_garbage()
    since = _timed_phase(floor, incremental, since, _write_edits)
    incremental.calls = _diff(marks, floor)
    marks = _snapshot(floor)
    settle_garbage()
    with quiet.time.running():
        floor.read_cycle(since)
    quiet.calls = _diff(marks, floor)
    return {"initial": initial, "incremental": incremental, "quiet": quiet}


def _timed_phase(
    floor: Floor,
    phase: FloorPhase,
    since: datetime | None,
    write: Callable[[Floor, _Cycle], None],
) -> datetime:
    """The phase's cycle with its writes, then the read-back cycle; the since of the next."""
    with phase.time.running():
        cycle = floor.read_cycle(since)
        write(floor, cycle)
    floor.world.clock.advance(seconds=CYCLE_GAP_SECONDS)  # as the engine's cycles are spaced
    with phase.time.running():
        back = floor.read_cycle(cycle.since)
    floor.world.clock.advance(seconds=CYCLE_GAP_SECONDS)
    return back.since


def _snapshot(floor: Floor) -> Calls:
    return {s: dict(c) for s, c in floor.calls.items()}


def _diff(before: Calls, floor: Floor) -> Calls:
    return {s: {k: n - before[s][k] for k, n in c.items()} for s, c in floor.calls.items()}
