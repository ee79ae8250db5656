"""What the recorded org held and when: the fresh fakes start from a cassette's metadata.

    metadata:
      recorded_at: "2013-05-08T21:20:30Z"     # the fakes' clock starts here
      seed:
      - {sobject: Account, count: 14, fields: {Name: "Test {n}"}}
      - {resource: contacts, count: 2, fields: {givenName: Ada}, at: "2013-05-07T10:00:00Z"}

A cassette recorded from a real org answered from that org's data; paging (done,
nextRecordsUrl) only replays alike when the fakes hold as many records. `{n}` in a text value
is the record's number from 1; `at` is when the records were made (default: recorded_at).
Without recorded_at the first response's Date header sets the clock, else the fake's default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from harness.clock import FakeClock
from harness.fakes.world import FakeWorld
from harness.fidelity.cassette import Cassette
from harness.fidelity.errors import CassetteError


def fresh_world(cassette: Cassette) -> FakeWorld:
    start = recorded_at(cassette)
    world = FakeWorld(FakeClock(start) if start else None)
    for entry in _seed_entries(cassette):
        plant(world, entry, cassette.path)
    return world


def recorded_at(cassette: Cassette) -> datetime | None:
    raw = cassette.metadata.get("recorded_at")
    if raw is not None:
        return _moment(raw, cassette.path, "recorded_at")
    dates = (response_date(i.response.header("Date")) for i in cassette.interactions)
    return next((d for d in dates if d is not None), None)


def response_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def plant(world: FakeWorld, entry: Mapping[str, Any], path: Path) -> None:
    count = int(entry.get("count", 1))
    fields = entry.get("fields") or {}
    at = _moment(entry["at"], path, "seed at") if "at" in entry else None
    for n in range(1, count + 1):
        values = {k: _numbered(v, n) for k, v in fields.items()}
        try:
            _insert(world, entry, values, at)
        except (ValueError, KeyError) as error:
            raise CassetteError(f"{path}: seed {dict(entry)} cannot be planted: {error}") from None


def _insert(
    world: FakeWorld, entry: Mapping[str, Any], values: dict[str, Any], at: datetime | None
) -> None:
    if "sobject" in entry:
        world.salesforce.insert(str(entry["sobject"]), values, at=at)
    elif "resource" in entry:
        world.crmoffice.insert(str(entry["resource"]), values, at=at)
    else:
        raise KeyError("a seed entry names an 'sobject' (Salesforce) or a 'resource' (Crmoffice)")


def _seed_entries(cassette: Cassette) -> Sequence[Mapping[str, Any]]:
    seed = cassette.metadata.get("seed") or []
    if not isinstance(seed, list) or not all(isinstance(e, Mapping) for e in seed):
        raise CassetteError(f"{cassette.path}: metadata seed must be a list of mappings")
    return seed


def _numbered(value: Any, n: int) -> Any:
    return value.replace("{n}", str(n)) if isinstance(value, str) else value


def _moment(raw: Any, path: Path, name: str) -> datetime:
    try:
        moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        raise CassetteError(f"{path}: {name} {raw!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
